import { describeRoll, DICE, parseDice, roll } from './dice.ts';

export const HELP =
  'I roll dice. !roll NdM rolls N dice of M sides and adds them up: !roll 2d6, !roll d20+3, ' +
  `!roll 4d8-2 (1 to ${DICE.maxCount} dice of ${DICE.minSides} to ${DICE.maxSides} sides; ` +
  '!roll alone is 1d6). !help shows this.';

/**
 * The bot's answer to a message of someone else's: a `!command` it knows gets one, anything
 * else (talk, other bots' commands) null.
 */
export function answer(body: string, author: string, random?: () => number): string | null {
  const match = /^!(\S+)\s*(.*)$/s.exec(body.trim());
  if (match === null) return null;
  const [, command, argument] = match;
  switch (command!.toLowerCase()) {
    case 'help':
      return HELP;
    case 'roll': {
      const dice = parseDice(argument || '1d6');
      if (typeof dice === 'string') return `${author}: ${dice}`;
      return `${author} rolled ${describeRoll(roll(dice, random))}`;
    }
    default:
      return null;
  }
}

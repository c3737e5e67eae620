/** How many dice, of how many sides, and what may be added: enough for any table game. */
export const DICE = { maxCount: 100, minSides: 2, maxSides: 1000, maxModifier: 1000 } as const;

export interface Dice {
  count: number;
  sides: number;
  /** Added to the sum (negative: taken from it). */
  modifier: number;
}

export interface Roll extends Dice {
  rolls: number[];
  total: number;
}

const NOTATION = /^(\d{0,6})d(\d{1,6})(?:([+-])(\d{1,6}))?$/i;

/**
 * Reads dice notation: `NdM` is N dice of M sides (`d20` is one), `+K` or `-K` after it is
 * added to the sum. Gives the dice, or a sentence saying what is wrong.
 */
export function parseDice(text: string): Dice | string {
  const spec = text.replace(/\s+/g, '');
  const match = NOTATION.exec(spec);
  if (match === null) {
    return `"${text.trim()}" is not dice notation: write NdM for N dice of M sides, as in 2d6 or d20+3.`;
  }
  const [, n, m, sign, k] = match;
  const count = n === '' ? 1 : Number(n);
  const sides = Number(m);
  const modifier = k === undefined ? 0 : Number(k) * (sign === '-' ? -1 : 1);
  if (count < 1 || count > DICE.maxCount) {
    return `Roll from 1 to ${DICE.maxCount} dice at a time (not ${count}).`;
  }
  if (sides < DICE.minSides || sides > DICE.maxSides) {
    return `Dice have ${DICE.minSides} to ${DICE.maxSides} sides (not ${sides}).`;
  }
  if (Math.abs(modifier) > DICE.maxModifier) {
    return `Add at most ${DICE.maxModifier} to a roll (not ${Math.abs(modifier)}).`;
  }
  return { count, sides, modifier };
}

/** Rolls the dice; `random` gives numbers in [0, 1) (Math.random by default). */
export function roll(dice: Dice, random: () => number = Math.random): Roll {
  const rolls = Array.from({ length: dice.count }, () => 1 + Math.floor(random() * dice.sides));
  const total = rolls.reduce((a, b) => a + b, dice.modifier);
  return { ...dice, rolls, total };
}

/** `2d6+1: 3 + 5 + 1 = 9`; a single die without modifier: `1d20: 17`. */
export function describeRoll(r: Roll): string {
  const modifier = r.modifier > 0 ? `+${r.modifier}` : r.modifier < 0 ? `${r.modifier}` : '';
  let sum = r.rolls.join(' + ');
  if (r.modifier !== 0) sum += ` ${r.modifier > 0 ? '+' : '-'} ${Math.abs(r.modifier)}`;
  const worked = r.rolls.length > 1 || r.modifier !== 0 ? `${sum} = ${r.total}` : `${r.total}`;
  return `${r.count}d${r.sides}${modifier}: ${worked}`;
}

/** The commands typed at the prompt (or read from stdin), with what /help says of each. */
export const COMMANDS = {
  rooms: { args: '[QUERY]', help: 'list the rooms (whose name holds QUERY)' },
  join: { args: 'ROOM', help: 'enter a room, by name or uuid' },
  create: { args: 'NAME', help: 'make a room and enter it' },
  leave: { args: '', help: 'leave the room' },
  who: { args: '', help: 'who is in the room' },
  more: { args: '', help: 'show older messages of the room' },
  rename: { args: 'NAME', help: 'change your name' },
  help: { args: '', help: 'this list' },
  quit: { args: '', help: 'leave the chat (so do Ctrl-D and Ctrl-C)' },
} as const;

export type CommandName = keyof typeof COMMANDS;

/** Other spellings of some commands. */
const ALIASES: Record<string, CommandName> = { exit: 'quit', list: 'rooms', nick: 'rename' };

export type Input =
  | { kind: 'empty' }
  | { kind: 'message'; body: string }
  | { kind: 'command'; name: CommandName; arg: string }
  | { kind: 'unknown'; name: string };

/**
 * One line of input: a command (`/name argument`), or a message. `//` at the start sends a
 * message that begins with `/`.
 */
export function parseInput(line: string): Input {
  if (line.trim() === '') return { kind: 'empty' };
  if (line.startsWith('//')) return { kind: 'message', body: line.slice(1) };
  if (!line.startsWith('/')) return { kind: 'message', body: line };
  const match = /^\/(\S*)\s*(.*)$/s.exec(line.trimEnd())!;
  const word = match[1]!.toLowerCase();
  const name = word in COMMANDS ? (word as CommandName) : ALIASES[word];
  if (name === undefined) return { kind: 'unknown', name: word };
  return { kind: 'command', name, arg: match[2]!.trim() };
}

export function usage(name: CommandName): string {
  const { args } = COMMANDS[name];
  return `/${name}${args ? ` ${args}` : ''}`;
}

export function helpText(): string {
  const rows = (Object.keys(COMMANDS) as CommandName[]).map((name) => [
    usage(name),
    COMMANDS[name].help,
  ]);
  const width = Math.max(...rows.map(([u]) => u!.length));
  return [
    'Type a line to send it to the room. Commands:',
    ...rows.map(([u, h]) => `  ${u!.padEnd(width)}  ${h}`),
    `  ${'//text'.padEnd(width)}  send a message that begins with /`,
  ].join('\n');
}

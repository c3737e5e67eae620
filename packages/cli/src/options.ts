import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { PAGES } from '@chat/protocol';
import { helpText } from './commands.ts';

export interface Options {
  /** The server, `http(s)://` or `ws(s)://host:port[/path]`, without a trailing slash. */
  url: string;
  /** The room to enter at start, by name or uuid. */
  room: string | undefined;
  /** The name to take at start. */
  name: string | undefined;
  /** The file that keeps the identity token; null: a new identity, not kept. */
  identity: string | null;
  /** Messages shown on entering a room. */
  history: number;
  /** Colors, when stdout is a terminal. */
  color: boolean;
  /** How long the first connection may take. */
  connectTimeoutMs: number;
  /** How long to stay after the end of stdin, showing what comes. */
  lingerMs: number;
}

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** Where the identity is kept by default: `$XDG_CONFIG_HOME/socket-chat/token`. */
export function defaultIdentity(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'socket-chat', 'token');
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** A server address as ChatClient takes it; anything else is refused with a reason. */
export function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError(
      'Not a URL: give the server as ws://HOST:PORT or http://HOST:PORT.',
    );
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) {
    throw new InvalidArgumentError(
      `${url.protocol} is not a server address: use ws://, wss://, http:// or https://.`,
    );
  }
  if (url.search || url.hash) {
    throw new InvalidArgumentError('Give the server without ?query or #fragment.');
  }
  return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, '');
}

function whole(min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`A whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/**
 * Reads the command line: the options, or the exit code when there is nothing to run
 * (`--help` and `--version`: 0; a bad argument: 2, with a message on stderr).
 */
export function parseOptions(argv: string[], io: Io): Options | { exit: number } {
  const program = new Command('chat-cli')
    .description(
      'A terminal client for the chat: lists and searches rooms, enters one, shows the ' +
        'conversation and sends what you type. When stdin is not a terminal it reads one ' +
        'message or /command a line; when stdout is not a terminal it prints plain ' +
        '"HH:MM name: body" lines. Notices and errors go to stderr.',
    )
    .version(version(), '-V, --version')
    .argument(
      '<url>',
      'the server, e.g. ws://localhost:9000 or https://chat.example.org',
      serverUrl,
    )
    .option('-r, --room <room>', 'enter this room at start (a name or a uuid)')
    .option('-n, --name <name>', 'take this name')
    .addOption(
      new Option('-i, --identity <file>', 'keep your identity (its token) in this file')
        .env('CHAT_IDENTITY')
        .default(defaultIdentity(io.env), '$XDG_CONFIG_HOME/socket-chat/token'),
    )
    .option('--no-identity', 'a new identity, forgotten on exit')
    .option(
      '--history <n>',
      `messages shown on entering a room (0 to ${PAGES.messages.max})`,
      whole(0, PAGES.messages.max),
      20,
    )
    .option('--no-color', 'no colors (also when NO_COLOR is set)')
    .option(
      '--connect-timeout <seconds>',
      'give up when the server does not answer within this at start',
      whole(1, 3600),
      10,
    )
    .option(
      '--linger <seconds>',
      'after the end of stdin, stay this long to show what comes (answers to a script)',
      whole(0, 3600),
      0,
    )
    .addHelpText('after', `\nOnce connected:\n${helpText()}`)
    .showHelpAfterError('(chat-cli --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    });
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    return { exit: err.exitCode === 0 ? 0 : 2 };
  }
  const o = program.opts<{
    room?: string;
    name?: string;
    identity: string | false;
    history: number;
    color: boolean;
    connectTimeout: number;
    linger: number;
  }>();
  return {
    url: program.processedArgs[0] as string,
    room: o.room,
    name: o.name,
    identity: o.identity === false ? null : o.identity,
    history: o.history,
    color: o.color && !io.env.NO_COLOR,
    connectTimeoutMs: o.connectTimeout * 1_000,
    lingerMs: o.linger * 1_000,
  };
}

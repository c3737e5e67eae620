import type { Writable } from 'node:stream';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULTS } from '../config.ts';
import {
  backup,
  CommandError,
  exportRoom,
  migrate,
  version,
  type ExportFormat,
} from './commands.ts';

/** The commands besides `serve` (the default, read by parseConfig). */
export const COMMANDS = ['migrate', 'backup', 'export-room'] as const;

export function isCommand(word: string | undefined): boolean {
  return (COMMANDS as readonly string[]).includes(word ?? '');
}

export interface Io {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/** Runs `migrate`, `backup` or `export-room`; resolves with the exit code. */
export async function runCommand(argv: string[], io: Io): Promise<number> {
  const storage = () =>
    new Option('--storage <spec>', 'memory, sqlite:PATH or postgres://... (env STORAGE)').default(
      io.env.STORAGE || DEFAULTS.storage,
    );
  /** What a command did (stdout: export-room's stdout is the export, so it tells stderr). */
  const say = (text: string): void => void io.stdout.write(`${text}\n`);
  const note = (text: string): void => void io.stderr.write(`${text}\n`);
  const program = new Command('socket-chat')
    .version(version())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  program
    .command('migrate')
    .description('bring the database up to date, then exit')
    .addOption(storage())
    .action(async (o: { storage: string }) => say(await migrate(o.storage)));
  program
    .command('backup')
    .description('copy a SQLite database, consistently, while a server may be using it')
    .addOption(storage())
    .requiredOption('--to <file>', 'the new file to write (never overwritten)')
    .action(async (o: { storage: string; to: string }) => say(await backup(o.storage, o.to)));
  program
    .command('export-room')
    .description("write a room's whole history to stdout, each message as it stands")
    .argument('<uuid>', 'the room')
    .addOption(storage())
    .addOption(
      new Option('--format <format>', 'json or markdown')
        .choices(['json', 'markdown'])
        .default('json'),
    )
    .action(async (uuid: string, o: { storage: string; format: ExportFormat }) => {
      const count = await exportRoom(o.storage, uuid, o.format, io.stdout);
      note(`Exported ${count} messages.`);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    // commander has printed its own message (a missing argument, --help)
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof CommandError) {
      note(`error: ${err.message}`);
      return err.exitCode;
    }
    note(`error: ${(err as Error).message}`);
    return 1;
  }
}

import { CommanderError } from 'commander';
import { startServer } from './app.ts';
import { isCommand, runCommand } from './cli/program.ts';
import { ConfigError, parseConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { describeStorage } from './storage/index.ts';

/** `socket-chat`: a command (migrate, backup, export-room), or serve (the default). */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (isCommand(argv[0])) {
    process.exitCode = await runCommand(argv, { ...process, env: process.env });
    return;
  }
  await serve(argv[0] === 'serve' ? argv.slice(1) : argv);
}

/** Serve: read config, start, stop cleanly on SIGINT/SIGTERM. */
async function serve(argv: string[]): Promise<void> {
  let config;
  try {
    config = parseConfig(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    if (err instanceof ConfigError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  logger.info(
    {
      config: {
        ...config,
        storage: describeStorage(config.storage),
        bus: describeStorage(config.bus),
      },
    },
    'configuration',
  );
  let server;
  try {
    server = await startServer({ ...config, logger });
  } catch (err) {
    logger.fatal({ err }, `could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  const running = server;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'stopping');
      const force = setTimeout(() => {
        logger.error('stop took over 10 s; exiting');
        process.exit(1);
      }, 10_000);
      force.unref();
      running.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'stop failed');
          process.exit(1);
        },
      );
    });
  }
}

await main();

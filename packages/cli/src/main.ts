import { Chat } from './chat.ts';
import { parseOptions } from './options.ts';

/** chat-cli: reads the command line, runs the chat, exits with its code. */
async function main(): Promise<number> {
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  const options = parseOptions(process.argv.slice(2), { ...io, env: process.env });
  if ('exit' in options) return options.exit;
  const chat = new Chat(options, io);
  const stop = () => chat.quit(0);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await chat.run();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  process.stdin.destroy();
  return code;
}

process.exitCode = await main();
// the socket closes on its own; should anything else hold the process, it goes anyway
setTimeout(() => process.exit(), 2_000).unref();

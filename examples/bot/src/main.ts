import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { tokenFile } from '@chat/client/node';
import { DiceBot } from './bot.ts';

const USAGE = `Usage: dice-bot URL ROOM [--name NAME] [--identity FILE]

Joins ROOM (a name, made when missing, or a uuid) on the chat server at URL
(ws://host:port or http://host:port) and answers !help and !roll NdM there.

  --name NAME      its name (default DiceBot)
  --identity FILE  where it keeps its identity, to come back as the same user
                   (default $XDG_CONFIG_HOME/socket-chat/dice-bot-token)
  -h, --help       this text`;

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        name: { type: 'string', default: 'DiceBot' },
        identity: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    fail((err as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const [url, room, ...extra] = parsed.positionals;
  if (url === undefined || room === undefined || extra.length > 0) fail('give URL and ROOM');
  if (!/^(ws|http)s?:\/\/[^/]/.test(url)) fail(`${url} is not a ws:// or http:// address`);
  const config = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const identity = parsed.values.identity ?? join(config, 'socket-chat', 'dice-bot-token');
  return { url, room, name: parsed.values.name, identity };
}

const { url, room, name, identity } = options();
const bot = new DiceBot({
  url,
  room,
  name,
  client: { WebSocket, storage: tokenFile(identity) },
  log: (line) => console.log(`${new Date().toISOString()} ${line}`),
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => bot.stop());
}
void bot.ended.then(() => (process.exitCode = 1));
try {
  await bot.start();
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  bot.stop();
  process.exitCode = 1;
}

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ChatClient } from '@chat/client';
import { TcpProxy } from '../../client/test/helpers/proxy.ts';
import { online } from '../../client/test/helpers/server.ts';
import { testServer, type TestServer } from '../../server/test/helpers/server.ts';

/** The installed command (bin/chat-cli.js: the sources through tsx). */
export const BIN = new URL('../bin/chat-cli.js', import.meta.url).pathname;

/** `--import` this to run TypeScript sources with tsx, from any working directory. */
export const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/** A folder of its own for a test's identity files; nothing is written to the real ~/.config. */
export const scratch = () => mkdtempSync(join(tmpdir(), 'chat-cli-test-'));

type Stream = 'out' | 'err';

/**
 * A Node program running as a child process (chat-cli, the example bot), driven through its
 * stdin, read from stdout and stderr line by line.
 */
export class Child {
  readonly lines: Record<Stream, string[]> = { out: [], err: [] };
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters: { stream: Stream; test: RegExp; found: (line: string) => void }[] = [];

  /** `node ...nodeArgs`, with `home` as its XDG_CONFIG_HOME, in `cwd` (by default this one). */
  constructor(nodeArgs: string[], home: string, cwd?: string) {
    this.child = spawn(process.execPath, nodeArgs, {
      env: { ...process.env, XDG_CONFIG_HOME: home, NO_COLOR: '1' },
      ...(cwd === undefined ? {} : { cwd }),
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    for (const stream of ['out', 'err'] as const) {
      const from = stream === 'out' ? this.child.stdout : this.child.stderr;
      createInterface({ input: from }).on('line', (line) => this.read(stream, line));
    }
  }

  /** The first line of the stream, printed already or to come, that matches. */
  line(stream: Stream, test: RegExp, ms = 15_000): Promise<string> {
    const seen = this.lines[stream].find((l) => test.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `no line matching ${test} on std${stream} within ${ms} ms:\n` +
              `stdout:\n${this.lines.out.join('\n')}\nstderr:\n${this.lines.err.join('\n')}`,
          ),
        );
      }, ms);
      this.waiters.push({
        stream,
        test,
        found: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  /** Types a line. */
  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Ends its input (EOF). */
  end(): void {
    this.child.stdin.end();
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Ends it whatever it is doing (after a failed test). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private read(stream: Stream, line: string): void {
    this.lines[stream].push(line);
    for (const w of [...this.waiters]) {
      if (w.stream !== stream || !w.test.test(line)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.found(line);
    }
  }
}

/** The uuid in chat-cli's `connected to … as NAME (UUID), …` line. */
export async function connectedAs(cli: Child): Promise<{ name: string; uuid: string }> {
  const line = await cli.line('err', /^connected to /);
  const [, name, uuid] = /as (.+) \(([0-9a-f-]{36})\)/.exec(line)!;
  return { name: name!, uuid: uuid! };
}

/** Escapes text for a RegExp. */
export const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A plain message line: `HH:MM name: body`. */
export const said = (name: string, body: string) =>
  new RegExp(`^\\d\\d:\\d\\d ${literal(name)}: ${literal(body)}$`);

/**
 * A real server (in memory, in this process, with `config` beside the tests' own) for a test
 * file's tests, with what they need around it; what a test opens is closed after it.
 */
export function chatServer(config: Parameters<typeof testServer>[1] = {}) {
  let server: TestServer | undefined;
  const clients: ChatClient[] = [];
  const proxies: TcpProxy[] = [];
  const stops: (() => void)[] = [];
  beforeAll(async () => {
    server = await testServer('memory', config);
  });
  afterAll(async () => {
    await server?.dispose();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    for (const c of clients.splice(0)) c.close();
    for (const p of proxies.splice(0)) await p.close();
  });
  return {
    get server(): TestServer {
      return server!;
    },
    /** A client of the protocol (@chat/client), online. */
    async client(): Promise<ChatClient> {
      const { client } = await online(server!.url);
      clients.push(client);
      return client;
    },
    /** A TCP proxy in front of the server, that a test can cut. */
    async proxy(): Promise<TcpProxy> {
      const proxy = await TcpProxy.start(server!.port);
      proxies.push(proxy);
      return proxy;
    },
    /** Runs `stop` after the test (a bot to stop, say). */
    after(stop: () => void): void {
      stops.push(stop);
    },
    /** A Node program as a child process (see Child), killed after the test if it still runs. */
    spawn(nodeArgs: string[], home: string, cwd?: string): Child {
      const child = new Child(nodeArgs, home, cwd);
      stops.push(() => child.kill());
      return child;
    },
  };
}

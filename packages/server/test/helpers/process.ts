import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const here = (path: string) => new URL(path, import.meta.url).pathname;

/** The programs tests start as processes, by name: test/globalSetup.ts bundles each. */
export const PROGRAMS = { main: here('../../src/main.ts'), flooder: here('./flooder.ts') };
/**
 * Where the bundles go: at the depth of src/, so that the server finds the web client
 * (../../web/dist) as it does from its sources.
 */
export const BUILD_DIR = here('../../dist');
/** The bundle of a program, run with plain node. */
export const built = (name: keyof typeof PROGRAMS) => `${BUILD_DIR}/${name}.js`;
/** The CLI from its sources, as `npm run dev` runs it: tsx from this repository, whatever the working directory. */
export const TSX_MAIN = [
  '--import',
  new URL('../../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href,
  PROGRAMS.main,
];

/** The flags of GENEROUS_LIMITS (helpers/server.ts): limits that tests on one address never reach. */
export const GENEROUS_FLAGS = [
  ...['--rate-limit', '100000', '--rate-burst', '100000'],
  ...['--address-calls-per-second', '1000000', '--address-new-users-per-hour', '10000000'],
  ...['--address-rooms-per-hour', '10000000'],
  ...['--address-message-bytes-per-second', '1000000000'],
];

/** The flags of FAST_TIMINGS (helpers/server.ts). */
export const FAST_FLAGS = ['--room-change-interval-ms', '50'];

/** One server process, started with the CLI. */
export interface ServerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Its log lines, parsed. */
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /**
   * What node runs, before the server's flags: its own options and the program. By default
   * SERVER_NODE_ARGS and the bundle of main (built('main')); the bench runs a checkout's
   * sources under tsx.
   */
  command?: string[];
  /** Not listening after this long: killed (SIGKILL) and a rejection. By default it waits. */
  listenTimeoutMs?: number;
}

/**
 * Starts `socket-chat` with `args` (port 0 and JSON logs at info are added unless given)
 * in `cwd`; resolves once it listens. A process that dies on its own prints why.
 */
export async function startServerProcess(
  name: string,
  args: string[],
  cwd: string,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  // SERVER_NODE_ARGS: options for node itself, e.g. "--cpu-prof --cpu-prof-dir=DIR" to profile,
  // "--enable-source-maps" for stacks that name the sources
  const command = options.command ?? [
    ...(process.env.SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    built('main'),
  ];
  const child = spawn(
    process.execPath,
    [...command, '--port', '0', '--log-level', 'info', ...args],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: Record<string, unknown>[] = [];
  if (process.env.SERVER_STDOUT) child.stdout.on('data', (d: Buffer) => process.stderr.write(d));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let stopping = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  void exited.then((code) => {
    if (!stopping && child.signalCode !== 'SIGKILL') {
      console.error(`${name} exited with ${code}:\n${stderr}\n${JSON.stringify(logs.slice(-20))}`);
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    const { listenTimeoutMs } = options;
    const timer =
      listenTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            const why = `${stderr}${JSON.stringify(logs.slice(-20))}`;
            reject(new Error(`${name} did not listen within ${listenTimeoutMs} ms: ${why}`));
          }, listenTimeoutMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (typeof entry.url === 'string') {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${stderr}${JSON.stringify(logs)}`));
    });
  });
  return {
    name,
    url,
    child,
    logs,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

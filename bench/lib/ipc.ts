import { fork, type ChildProcess } from 'node:child_process';

/** Commands a child process answers: name -> argument and result types. */
export type CommandMap = Record<string, { args: unknown; result: unknown }>;

interface Request {
  kind: 'request';
  id: number;
  cmd: string;
  args: unknown;
}
interface Response {
  kind: 'response';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}
interface Ready {
  kind: 'ready';
  value: unknown;
}
type FromChild = Response | Ready;

export interface StartOptions {
  /** Extra Node flags (--expose-gc, --cpu-prof ...); `--import tsx` is always added. */
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  /** How long the child may take to report ready. */
  readyTimeoutMs?: number;
}

/** The parent's handle on a bench child process: typed request/response over IPC. */
export class Child<C extends CommandMap, R = unknown> {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private exitCode: number | null | undefined;
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    readonly ready: R,
  ) {
    proc.on('message', (m: FromChild) => {
      if (m.kind !== 'response') return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(`${this.name}: ${m.error ?? 'failed'}`));
    });
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exitCode = code;
        const err = new Error(`${this.name} exited (code ${code}, signal ${signal})`);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        resolve(code);
      });
    });
  }

  /** Forks `script` (a .ts file run through tsx) and waits for its ready message. */
  static async start<C extends CommandMap, R = unknown>(
    name: string,
    script: string,
    args: string[],
    opts: StartOptions = {},
  ): Promise<Child<C, R>> {
    const proc = fork(script, args, {
      execArgv: ['--import', 'tsx', ...(opts.nodeFlags ?? [])],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...opts.env },
    });
    const ready = await new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${opts.readyTimeoutMs ?? 60_000} ms`));
      }, opts.readyTimeoutMs ?? 60_000);
      const onMessage = (m: FromChild) => {
        if (m.kind !== 'ready') return;
        clearTimeout(timer);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve(m.value as R);
      };
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before it was ready (code ${code})`));
      };
      proc.on('message', onMessage);
      proc.once('exit', onExit);
    });
    return new Child<C, R>(name, proc, ready);
  }

  request<K extends keyof C & string>(
    cmd: K,
    args: C[K]['args'],
    timeoutMs = 30 * 60_000,
  ): Promise<C[K]['result']> {
    if (this.exitCode !== undefined)
      return Promise.reject(new Error(`${this.name} has exited (code ${this.exitCode})`));
    const id = ++this.nextId;
    return new Promise<C[K]['result']>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      const msg: Request = { kind: 'request', id, cmd, args };
      this.proc.send(msg);
    });
  }

  /** Asks the child to exit (command `exit`), then kills it if it has not within `graceMs`. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (this.exitCode !== undefined) return this.exitCode;
    const id = ++this.nextId;
    const msg: Request = { kind: 'request', id, cmd: 'exit', args: {} };
    try {
      this.proc.send(msg);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

export type Handlers<C extends CommandMap> = {
  [K in keyof C]: (args: C[K]['args']) => Promise<C[K]['result']> | C[K]['result'];
};

/**
 * The child's side: answers requests with `handlers`, reports `ready`. The `exit` command
 * runs `onExit` (to stop servers cleanly, so a --cpu-prof profile is written) and exits.
 */
export function serve<C extends CommandMap>(
  handlers: Handlers<C>,
  readyValue: unknown,
  onExit: () => Promise<void> = async () => {},
): void {
  const send = (m: FromChild) => process.send?.(m);
  let exiting: Promise<void> | undefined;
  const exitOnce = () => (exiting ??= onExit());
  process.on('message', (m: Request) => {
    if (m.kind !== 'request') return;
    if (m.cmd === 'exit') {
      exitOnce()
        .catch((err: unknown) => console.error('stopping failed:', err))
        .finally(() => {
          process.disconnect?.();
          process.exit(0);
        });
      return;
    }
    const handler = (handlers as Record<string, (a: unknown) => unknown>)[m.cmd];
    if (!handler) {
      send({ kind: 'response', id: m.id, ok: false, error: `unknown command ${m.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(m.args))
      .then(
        (value) => send({ kind: 'response', id: m.id, ok: true, value }),
        (err: unknown) =>
          send({
            kind: 'response',
            id: m.id,
            ok: false,
            error: err instanceof Error ? (err.stack ?? err.message) : String(err),
          }),
      );
  });
  // the parent went away: do not linger
  process.on('disconnect', () => {
    exitOnce()
      .catch(() => {})
      .finally(() => process.exit(0));
  });
  send({ kind: 'ready', value: readyValue });
}

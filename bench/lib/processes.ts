import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type {
  CpuSample,
  GeneratorCommands,
  ServerCommands,
  ServerConfig,
  ServerReady,
  StorageCommands,
} from './commands.ts';
import { Child } from './ipc.ts';
import { BENCH_DIR, RESULTS_DIR } from './report.ts';

export type ServerChild = Child<ServerCommands, ServerReady>;
export type GeneratorChild = Child<GeneratorCommands>;
export type StorageChild = Child<StorageCommands>;

export const PROFILE_DIR = join(RESULTS_DIR, 'profiles');

export interface Options {
  quick: boolean;
  runs: number;
  /** Write a CPU profile of every chat server process to bench/results/profiles/. */
  profile: boolean;
}

/** Children still running, so that an interrupted run can end them. */
const live = new Set<{ stop(): Promise<unknown> }>();

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((c) => c.stop().catch(() => undefined)));
  live.clear();
}

/** Registers a child so that stopAll (an interrupted run) ends it too. */
export function track<T extends { stop(): Promise<unknown>; exited: Promise<unknown> }>(
  child: T,
): T {
  live.add(child);
  void child.exited.then(() => live.delete(child));
  return child;
}

/** The main thread's CPU profile of each process profiled for `scenario`, oldest first. */
export function profilesOf(scenario: string): string[] {
  try {
    return readdirSync(PROFILE_DIR)
      .filter((d) => d.startsWith(`${scenario}-`))
      .sort()
      .flatMap((d) =>
        readdirSync(join(PROFILE_DIR, d))
          .filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))
          .map((f) => join(PROFILE_DIR, d, f)),
      );
  } catch {
    return [];
  }
}

/** Removes the profiles of `scenario` left by an earlier run. */
export function clearProfiles(scenario: string): void {
  try {
    for (const d of readdirSync(PROFILE_DIR))
      if (d.startsWith(`${scenario}-`))
        rmSync(join(PROFILE_DIR, d), { recursive: true, force: true });
  } catch {
    // no profiles yet
  }
}

/** The server under test in its own process; `profile` names the directory of its CPU profile. */
export async function startServerProcess(
  config: ServerConfig,
  profile?: string,
): Promise<{ server: ServerChild; url: string }> {
  const flags = ['--expose-gc'];
  if (profile !== undefined) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    // one directory per process: tsx's loader thread writes a profile of its own there too
    const dir = join(PROFILE_DIR, profile);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    flags.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const server = track(
    await Child.start<ServerCommands, ServerReady>(
      `${config.kind} server`,
      join(BENCH_DIR, 'server-process.ts'),
      [JSON.stringify(config)],
      { nodeFlags: flags },
    ),
  );
  return { server, url: `http://127.0.0.1:${server.ready.port}` };
}

export async function startGenerators(n: number): Promise<GeneratorChild[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) =>
      track(
        await Child.start<GeneratorCommands>(
          `generator ${i + 1}`,
          join(BENCH_DIR, 'generator.ts'),
          [],
        ),
      ),
    ),
  );
}

export async function startStorageProcess(config: {
  kind: 'sqlite' | 'postgres';
  url?: string;
  schema?: string;
}): Promise<StorageChild> {
  return track(
    await Child.start<StorageCommands>(
      `${config.kind} storage`,
      join(BENCH_DIR, 'storage-process.ts'),
      [JSON.stringify(config)],
    ),
  );
}

export async function stopChildren(...children: { stop(): Promise<unknown> }[]): Promise<void> {
  await Promise.all(children.map((c) => c.stop().catch(() => undefined)));
}

/** CPU use between two samples, in % of one core. */
export function cpuPercent(a: CpuSample, b: CpuSample): number {
  const wall = b.wallMs - a.wallMs;
  return wall > 0 ? ((b.cpuMs - a.cpuMs) / wall) * 100 : NaN;
}

/** Busy and total jiffies of the whole machine (/proc/stat), or undefined off Linux. */
export function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * Waits (at most `maxMs`) until the machine is quiet: less than `limit` % of a core busy over
 * half a second, while our own processes idle. Other programs sharing the machine make
 * latency tails that are not the server's. Returns what the machine's load was at the end.
 */
export async function waitForQuietMachine(
  maxMs: number,
  limit = 50,
): Promise<{ waitedMs: number; busy: number }> {
  const t0 = performance.now();
  for (;;) {
    const a = machineJiffies();
    await new Promise((r) => setTimeout(r, 500));
    const b = machineJiffies();
    if (!a || !b || b.total <= a.total) return { waitedMs: 0, busy: NaN };
    const busy = ((b.busy - a.busy) / (b.total - a.total)) * cpus().length * 100;
    const waitedMs = performance.now() - t0;
    if (busy < limit || waitedMs >= maxMs) return { waitedMs, busy };
  }
}

export interface CpuUse {
  /** Generators summed, % of one core. */
  generator: number;
  /** The busiest generator. */
  generatorMax: number;
  server: number;
  /** Everything else on the machine (other programs), % of one core: noise in the numbers. */
  others: number;
}

/** CPU samples of all generators (summed) and the server, to measure a phase. */
export class CpuMeter {
  private constructor(
    private readonly gens: GeneratorChild[],
    private readonly server: ServerChild | undefined,
    private readonly g0: CpuSample[],
    private readonly s0: CpuSample | undefined,
    private readonly m0 = machineJiffies(),
  ) {}

  static async start(gens: GeneratorChild[], server?: ServerChild): Promise<CpuMeter> {
    const [g0, s0] = await Promise.all([
      Promise.all(gens.map((g) => g.request('cpu', {}))),
      server?.request('stats', { gc: false }),
    ]);
    return new CpuMeter(gens, server, g0, s0);
  }

  /** % of one core: generators summed (and the busiest one), the server, everything else. */
  async stop(): Promise<CpuUse> {
    const [g1, s1] = await Promise.all([
      Promise.all(this.gens.map((g) => g.request('cpu', {}))),
      this.server?.request('stats', { gc: false }),
    ]);
    const m1 = machineJiffies();
    const per = g1.map((b, i) => cpuPercent(this.g0[i]!, b));
    const generator = per.reduce((a, b) => a + b, 0);
    const server = this.s0 && s1 ? cpuPercent(this.s0, s1) : NaN;
    const machine =
      this.m0 && m1 && m1.total > this.m0.total
        ? ((m1.busy - this.m0.busy) / (m1.total - this.m0.total)) * cpus().length * 100
        : NaN;
    return {
      generator,
      generatorMax: Math.max(...per),
      server,
      others: Math.max(0, machine - generator - (Number.isFinite(server) ? server : 0)),
    };
  }
}

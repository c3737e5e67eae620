/**
 * The benchmark suite: `npm run bench` runs every scenario, `npm run bench -- fanout history`
 * the named ones. Flags: `--quick` (small sizes, one run: for CI, asserts only that every
 * scenario completes and loses nothing), `--runs N` (default 3; tables show medians),
 * `--profile` (CPU profile of each chat server process, summarized).
 * Sizes: BENCH_* environment variables (see BENCHMARKS.md).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import { profileTables, summarizeProfile, type ProfileSummary } from './profile-summary.ts';
import { clearProfiles, profilesOf, stopAll, type Options } from './lib/processes.ts';
import { BENCH_DIR, envInt, log, table, writeResult } from './lib/report.ts';
import type { Scenario, TargetRow } from './lib/scenario.ts';
import { board } from './scenarios/board.ts';
import { busyRoom } from './scenarios/busyRoom.ts';
import { cluster } from './scenarios/cluster.ts';
import { fanout } from './scenarios/fanout.ts';
import { history } from './scenarios/history.ts';
import { hotRoom } from './scenarios/hotRoom.ts';
import { idle } from './scenarios/idle.ts';
import { rooms } from './scenarios/rooms.ts';
import { roomlist } from './scenarios/roomlist.ts';
import { storage } from './scenarios/storage.ts';

const SCENARIOS: Record<string, Scenario> = {
  fanout,
  rooms,
  idle,
  history,
  roomlist,
  storage,
  'busy-room': busyRoom,
  board,
  cluster,
  'hot-room': hotRoom,
};

function parseArgs(argv: string[]): { names: string[]; opts: Options } {
  const names: string[] = [];
  let quick = false;
  let profile = false;
  let runs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--profile') profile = true;
    else if (a === '--runs' || a.startsWith('--runs=')) {
      const v = a === '--runs' ? argv[++i] : a.slice('--runs='.length);
      runs = Number(v);
      if (!Number.isInteger(runs) || runs < 1)
        throw new Error(`--runs needs a whole number ≥ 1, got ${v}`);
    } else if (a in SCENARIOS) names.push(a);
    else if (a === '--help' || a === '-h') {
      console.log(
        `usage: npm run bench -- [${Object.keys(SCENARIOS).join('|')} ...] [--quick] [--runs N] [--profile]`,
      );
      process.exit(0);
    } else
      throw new Error(
        `unknown scenario or flag "${a}"; scenarios: ${Object.keys(SCENARIOS).join(', ')}`,
      );
  }
  return {
    names: names.length > 0 ? names : Object.keys(SCENARIOS),
    opts: { quick, profile, runs: runs ?? (quick ? 1 : envInt('BENCH_RUNS', 3)) },
  };
}

function machine() {
  let free: string;
  try {
    free = execFileSync('free', ['-h'], { encoding: 'utf8' }).trim();
  } catch {
    free = `${Math.round(totalmem() / 2 ** 30)} GiB total`;
  }
  return {
    ...sourceVersion(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memory: free,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** Which server was measured: the commit, and a hash of the server and protocol sources as they were. */
function sourceVersion(): { commit: string; sourceHash: string } {
  let commit: string;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    commit = 'unknown';
  }
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts')) hash.update(path).update(readFileSync(path));
    }
  };
  try {
    for (const pkg of ['server', 'protocol']) walk(join(BENCH_DIR, '..', 'packages', pkg, 'src'));
  } catch {
    // sources missing: the hash says so by being the empty one
  }
  return { commit, sourceHash: hash.digest('hex').slice(0, 12) };
}

/** The 1-minute load average (other programs on the machine distort the numbers). */
function loadAverage(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

async function main(): Promise<number> {
  const { names, opts } = parseArgs(process.argv.slice(2));
  const info = machine();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  log(
    `${command}: ${names.join(', ')}; ${opts.runs} run(s)${opts.quick ? ', quick' : ''} on ${info.cpus} CPUs, Node ${info.node}`,
  );
  const started = performance.now();
  const targets: TargetRow[] = [];
  const problems: string[] = [];
  const findings: string[] = [];
  const printed: string[] = [];

  for (const name of names) {
    const t0 = performance.now();
    log(`== ${name}`);
    clearProfiles(name);
    const loadBefore = loadAverage();
    try {
      const out = await SCENARIOS[name]!(opts);
      const profiles: ProfileSummary[] = profilesOf(name).map((f) => summarizeProfile(f));
      const seconds = (performance.now() - t0) / 1000;
      const path = writeResult(name, {
        scenario: name,
        command,
        machine: info,
        options: opts,
        seconds,
        targets: out.targets,
        problems: out.problems,
        findings: out.findings ?? [],
        load: { before: loadBefore, after: loadAverage() },
        ...(out.data as object),
        profiles,
      });
      targets.push(...out.targets);
      problems.push(...out.problems);
      const text = [...out.tables, ...profiles.slice(-1).map(profileTables)].join('\n\n');
      printed.push(`### ${name}\n\n${text}`);
      console.log(`\n${text}\n`);
      for (const f of out.findings ?? []) console.log(`FINDING: ${f}`);
      for (const p of out.problems) console.log(`PROBLEM: ${p}`);
      findings.push(...(out.findings ?? []).map((f) => `${name}: ${f}`));
      log(`${name} done in ${seconds.toFixed(0)} s; wrote ${path}`);
    } catch (err) {
      const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
      problems.push(`${name} failed: ${msg}`);
      console.error(`${name} FAILED:`, msg);
      await stopAll();
    }
  }

  const targetTable = table(
    ['scenario', 'target', 'measured', 'met', 'distance'],
    targets.map((t) => [
      t.scenario,
      t.target,
      t.measured,
      t.met === null ? '-' : t.met ? 'yes' : 'NO',
      t.distance,
    ]),
  );
  const minutes = (performance.now() - started) / 60_000;
  console.log(
    `\n## Targets (${opts.quick ? 'quick run: not the target sizes' : `medians of ${opts.runs} run(s)`})\n\n${targetTable}\n`,
  );
  console.log(
    `Machine: ${info.cpus} x ${info.cpuModel}, Node ${info.node}, ${info.date}; server at ${info.commit} (sources ${info.sourceHash}); ${minutes.toFixed(1)} min.`,
  );
  writeResult('summary', {
    command,
    machine: info,
    options: opts,
    minutes,
    targets,
    problems,
    findings,
    tables: printed,
  });
  if (findings.length > 0) {
    console.log(`\nFindings:`);
    for (const f of findings) console.log(`- ${f}`);
  }
  if (problems.length > 0) {
    console.log(`\n${problems.length} problem(s):`);
    for (const p of problems) console.log(`- ${p}`);
    return 1;
  }
  console.log('\nEvery scenario completed; nothing lost.');
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await stopAll();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    console.error(err);
    await stopAll();
    process.exit(1);
  });

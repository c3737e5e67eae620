/**
 * Where a process spent its CPU: the top self-time functions, and the time by package or
 * file, of a V8 .cpuprofile (as written by `node --cpu-prof`).
 * `node --import tsx bench/profile-summary.ts FILE.cpuprofile [TOP]`
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { table } from './lib/report.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  where: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  /** CPU time sampled, excluding (idle), ms. */
  busyMs: number;
  wallMs: number;
  functions: ProfileEntry[];
  /** By package (node_modules/X), by server source file, node internals, GC... */
  areas: ProfileEntry[];
}

function shortUrl(url: string): string {
  if (url === '') return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const pk = url.indexOf('/packages/');
  if (pk >= 0) return url.slice(pk + 1);
  const b = url.indexOf('/bench/');
  if (b >= 0) return url.slice(b + 1);
  return url.replace(/^file:\/\//, '');
}

function areaOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native / V8 builtins)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return shortUrl(url);
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // timeDeltas[i] is the time since sample i-1: charge it to the sample before
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const fns = new Map<string, ProfileEntry>();
  const areas = new Map<string, ProfileEntry>();
  let busy = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') continue;
    busy += us;
    const where = n.callFrame.url
      ? `${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
      : '';
    const key = `${name}@${where}`;
    const f = fns.get(key) ?? { name, where, ms: 0, percent: 0 };
    f.ms += us / 1000;
    fns.set(key, f);
    const area = areaOf(n.callFrame.url, name);
    const a = areas.get(area) ?? { name: area, where: '', ms: 0, percent: 0 };
    a.ms += us / 1000;
    areas.set(area, a);
  }
  const finish = (m: Map<string, ProfileEntry>) =>
    [...m.values()]
      .map((e) => ({
        ...e,
        ms: Math.round(e.ms),
        percent: Math.round((e.ms / (busy / 1000)) * 1000) / 10,
      }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return {
    file,
    busyMs: Math.round(busy / 1000),
    wallMs: Math.round((profile.endTime - profile.startTime) / 1000),
    functions: finish(fns),
    areas: finish(areas),
  };
}

export function profileTables(s: ProfileSummary): string {
  return (
    `CPU profile ${shortUrl(s.file)}: ${s.busyMs.toLocaleString('en-US')} ms busy of ${s.wallMs.toLocaleString('en-US')} ms\n` +
    table(
      ['self time: function', 'where', 'ms', '% of busy'],
      s.functions.map((f) => [f.name, f.where, String(f.ms), f.percent.toFixed(1)]),
    ) +
    '\n\n' +
    table(
      ['self time: area', 'ms', '% of busy'],
      s.areas.map((a) => [a.name, String(a.ms), a.percent.toFixed(1)]),
    )
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  console.log(profileTables(summarizeProfile(file, Number(process.argv[3] ?? 20))));
}

// `npm audit --omit=dev`: fails on any high or critical finding in what the server ships.
// Where the registry's audit endpoint cannot be reached (this CI's registry mirror refuses
// it), the check says so plainly and passes, unless AUDIT_REQUIRED=1.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = { message: run.stderr.trim() || 'no output' };
}
const counts = report.metadata?.vulnerabilities;
if (!counts) {
  console.warn(
    `npm audit could not run: ${report.message ?? report.error?.summary ?? 'unknown error'}`,
  );
  process.exit(process.env.AUDIT_REQUIRED === '1' ? 1 : 0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(`npm audit --omit=dev: ${JSON.stringify(counts)}`);
if (serious > 0) {
  console.error(`${serious} high or critical vulnerabilities in production dependencies`);
  process.exit(1);
}

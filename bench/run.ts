/**
 * `npm run bench`: every benchmark, one after the other, each in its own process (so one's memory
 * and warm caches do not colour the next). Each prints its figures next to a baseline measured
 * in the same run. BENCH_ONLY=scheduling,safety-logs,export picks some.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ALL = ['scheduling', 'safety-logs', 'export'];
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean) ?? ALL;
let failed = 0;
for (const name of ALL.filter((n) => only.includes(n))) {
  console.log(`\n=== bench:${name} ===`);
  const r = spawnSync(process.execPath, [join(import.meta.dirname, `${name}.js`)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`bench:${name} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);

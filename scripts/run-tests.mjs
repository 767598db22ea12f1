// `npm test`: every suite, then one plain summary line summed from the JSON reports, which CI reads.
// Suites: vitest (unit, store, data, API, CLI). Each suite writes test-results/<suite>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const results = 'test-results';
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const suites = [
  { name: 'vitest', cmd: ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, 'vitest.json')}`] },
];

let passed = 0;
let failed = 0;
let skipped = 0;
let crashed = false;
for (const suite of suites) {
  const r = spawnSync(process.execPath, suite.cmd, { stdio: 'inherit' });
  const report = join(results, `${suite.name}.json`);
  if (!existsSync(report)) {
    console.error(`${suite.name}: no report written (exit ${r.status}); counting the suite as failed`);
    crashed = true;
    failed += 1;
    continue;
  }
  const j = JSON.parse(readFileSync(report, 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests;
  skipped += j.numPendingTests + (j.numTodoTests ?? 0);
  // A suite that failed outside any test (a broken file, a setup error) must not pass silently.
  if (r.status !== 0 && j.numFailedTests === 0) { crashed = true; failed += 1; console.error(`${suite.name}: exited ${r.status} outside any test`); }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || crashed ? 1 : 0);

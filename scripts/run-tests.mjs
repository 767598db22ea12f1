// `npm test`: every suite, then one plain summary line summed from the suites' JSON reports, which CI reads.
// Suites: typecheck (one check per tsconfig), vitest unit (core, store, data, API, CLI, server) and vitest
// e2e (browser mode in Chromium; Electron where it runs). Each writes test-results/<suite>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const results = 'test-results';
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const vitest = (name, config) => ({
  name,
  cmd: ['node_modules/vitest/vitest.mjs', 'run', ...(config ? ['-c', config] : []), '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, `${name}.json`)}`],
});

// Type errors are failures too: each tsconfig is one check, reported in vitest's JSON shape.
function typecheck() {
  const projects = ['tsconfig.json', 'tsconfig.web.json', 'tsconfig.electron.json'];
  let passed = 0;
  for (const p of projects) {
    const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', p, '--noEmit'], { stdio: 'inherit' });
    if (r.status === 0) passed++;
    console.log(`typecheck ${p}: ${r.status === 0 ? 'ok' : 'FAILED'}`);
  }
  writeFileSync(join(results, 'typecheck.json'), JSON.stringify({ numPassedTests: passed, numFailedTests: projects.length - passed, numPendingTests: 0 }));
  return passed === projects.length ? 0 : 1;
}

const suites = [
  { name: 'typecheck', run: typecheck },
  vitest('vitest'),
  vitest('e2e', 'vitest.e2e.config.ts'),
];

let passed = 0;
let failed = 0;
let skipped = 0;
let crashed = false;
for (const suite of suites) {
  const status = suite.run ? suite.run() : spawnSync(process.execPath, suite.cmd, { stdio: 'inherit' }).status;
  const report = join(results, `${suite.name}.json`);
  if (!existsSync(report)) {
    console.error(`${suite.name}: no report written (exit ${status}); counting the suite as failed`);
    crashed = true;
    failed += 1;
    continue;
  }
  const j = JSON.parse(readFileSync(report, 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests;
  skipped += j.numPendingTests + (j.numTodoTests ?? 0);
  // A suite that failed outside any test (a broken file, a setup error) must not pass silently.
  if (status !== 0 && j.numFailedTests === 0) { crashed = true; failed += 1; console.error(`${suite.name}: exited ${status} outside any test`); }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || crashed ? 1 : 0);

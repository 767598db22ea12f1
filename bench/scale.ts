// `npm run bench:scale`: a year of rides on one machine. Builds 12 tiled files of 3.1M rows each with
// ../shared/reference/make_scale_month.js (real yellow rows repeated 31 times: NOT real months, so the figures
// are speed and memory only, never model quality), then times each step on 1, 4 and 12 of them: importing the
// files, training linear and ridge, and 100 rounds of gbt. Each step runs in its own child process, whose peak
// RSS (process.resourceUsage().maxRSS, helper threads included) is what the step cost in memory.
//   METER_SCALE_DIR=…      where the tiled files live (default: <tmp>/meter-scale; kept for the next run)
//   METER_SCALE_FILES=1,4  which file counts to run (default 1,4,12)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NEVER_CANCELLED } from '../src/shared/cancel';
import { openCore } from '../src/core/context';
import { createLocalClient } from '../src/core/api/local-client';
import { trainModel } from '../src/core/engine/train';
import { defaultWorkerDir, packageRoot } from '../src/core/paths';
import type { ModelKind } from '../src/shared/domain';

const FILES = 12;
const COPIES = 31;
const sharedDir = resolve(packageRoot(), '../shared');
const source = join(sharedDir, 'data/yellow_tripdata_2023-01_head100k.parquet');
const maker = join(sharedDir, 'reference/make_scale_month.js');

type Step = 'import' | 'linear' | 'ridge' | 'gbt';
const STEPS: Step[] = ['import', 'linear', 'ridge', 'gbt'];
/** The issue's targets on 12 files: seconds and peak RSS in MB (null: no memory target). */
const TARGETS: Record<Step, { seconds: number; rssMb: number | null }> = {
  import: { seconds: 20, rssMb: null },
  linear: { seconds: 30, rssMb: 1536 },
  ridge: { seconds: 30, rssMb: 1536 },
  gbt: { seconds: 120, rssMb: 3072 },
};

interface StepResult { step: Step; files: number; seconds: number; rssMb: number; rows: number }

/** Child mode: one step on the given files; prints one JSON line. */
async function child(step: Step, files: string[]): Promise<void> {
  const t0 = performance.now();
  let rows = 0;
  if (step === 'import') {
    const home = mkdtempSync(join(tmpdir(), 'meter-scale-home-'));
    const ctx = openCore({ home });
    try {
      const ds = await createLocalClient(ctx).call('data.importMany', { paths: files, roles: files.map(() => 'train' as const) });
      rows = ds.reduce((s, d) => s + d.rows, 0);
    } finally {
      await ctx.close();
      rmSync(home, { recursive: true, force: true });
    }
  } else {
    // Validation: the first tiled file (the rows are tiled anyway; this measures speed, not accuracy).
    const params: Record<string, number> = step === 'gbt' ? { nRounds: 100, earlyStopping: 100 } : {};
    const r = await trainModel({ model: step as ModelKind, params, featureSet: 'basic', files: { train: files, val: files[0] } }, () => {}, NEVER_CANCELLED, { workerDir: defaultWorkerDir() });
    rows = r.rows.train;
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${JSON.stringify({ step, files: files.length, seconds, rssMb: process.resourceUsage().maxRSS / 1024, rows })}\n`);
}

function ensureFiles(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: FILES }, (_, k) => join(dir, `yellow_tiled_x${COPIES}_${String(k + 1).padStart(2, '0')}.parquet`));
  for (const f of files) {
    if (existsSync(f)) continue;
    process.stdout.write(`building ${f} (tiled: ${COPIES} copies of ${source})\n`);
    const r = spawnSync(process.execPath, [maker, source, f, String(COPIES)], { encoding: 'utf8', env: { ...process.env, NODE_PATH: join(packageRoot(), 'node_modules') } });
    if (r.status !== 0) throw new Error(`make_scale_month.js failed: ${r.stderr.trim().split('\n').pop()}`);
  }
  return files;
}

function runStep(step: Step, files: string[]): StepResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [self, '--child', step, ...files], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${step} on ${files.length} files failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as StepResult;
}

async function main(): Promise<void> {
  const [, , flag, step, ...files] = process.argv;
  if (flag === '--child') return child(step as Step, files);
  const counts = (process.env.METER_SCALE_FILES ?? '1,4,12').split(',').map(Number).filter((n) => n >= 1 && n <= FILES);
  const all = ensureFiles(process.env.METER_SCALE_DIR ?? join(tmpdir(), 'meter-scale'));
  process.stdout.write(`\nA year of rides: ${COPIES * 100_000} rows per file, TILED (real yellow rows repeated; speed and memory only)\n`);
  process.stdout.write('each step in its own child process; peak RSS = its maxRSS, helper threads included\n\n');
  const results: StepResult[] = [];
  for (const n of counts) {
    for (const s of STEPS) {
      const r = runStep(s, all.slice(0, n));
      results.push(r);
      process.stdout.write(`${s.padEnd(7)} ${String(n).padStart(2)} files  ${r.rows.toLocaleString('en-US').padStart(11)} rows  ${r.seconds.toFixed(1).padStart(6)} s  peak RSS ${Math.round(r.rssMb).toString().padStart(5)} MB\n`);
    }
  }
  const base = counts[0];
  if (counts.length > 1) {
    process.stdout.write(`\ngrowth vs ${base} file${base === 1 ? '' : 's'} (linear in files is ×${counts.map((n) => n / base).join(' / ×')})\n`);
    for (const s of STEPS) {
      const row = counts.map((n) => results.find((r) => r.step === s && r.files === n)!);
      process.stdout.write(`${s.padEnd(7)} time ${row.map((r) => `×${(r.seconds / row[0].seconds).toFixed(2)}`).join(' / ')}   peak RSS ${row.map((r) => `×${(r.rssMb / row[0].rssMb).toFixed(2)}`).join(' / ')}\n`);
    }
  }
  const twelve = results.filter((r) => r.files === FILES);
  if (twelve.length) {
    process.stdout.write(`\ntargets on ${FILES} files\n`);
    for (const r of twelve) {
      const t = TARGETS[r.step];
      const ok = r.seconds < t.seconds && (t.rssMb === null || r.rssMb < t.rssMb);
      process.stdout.write(`${r.step.padEnd(7)} ${r.seconds.toFixed(1)} s (< ${t.seconds} s)${t.rssMb ? `, ${Math.round(r.rssMb)} MB (< ${t.rssMb} MB)` : ''}  ${ok ? 'met' : 'NOT met'}\n`);
    }
  } else process.stdout.write(`\n(the targets are for ${FILES} files: METER_SCALE_FILES=1,4,12)\n`);
}

main().catch((err: unknown) => { process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`); process.exit(1); });

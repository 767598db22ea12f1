// Tracking speed against the targets, on a fresh store: a 1,000-point metric batch, and the first
// page (100 rows, ordered by a metric) of a filtered search over 10,000 runs with 20 params and 10 metrics.
// Printed as time / target (≤ 1 meets it). MLflow can't run here (no PyPI), so its users' published figures
// are printed beside ours for scale, with where they come from.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCore } from '../src/core/context';
import { createLocalClient } from '../src/core/api/local-client';
import { logMetrics } from '../src/core/store/runs-repo';
import { seedRuns } from '../test/fixtures/seed-runs';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(n: number, fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

export async function trackingBench(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'meter-bench-tracking-'));
  const ctx = openCore({ home });
  try {
    const client = createLocalClient(ctx);
    const seedStart = performance.now();
    const ids = seedRuns(ctx.db, { runs: 10_000, params: 20, metrics: 10, experiments: ['a', 'b', 'c', 'd'] });
    const seedMs = performance.now() - seedStart;
    let step = 1;
    const batchMs = await timed(21, () => {
      const points = Array.from({ length: 1000 }, (_, i) => ({ key: `loss_${i % 10}`, value: Math.random(), step: step + Math.floor(i / 10) }));
      step += 100;
      logMetrics(ctx.db, ids[0], points);
    });
    const filter = "metrics.rmse_val < 8 and params.model IN ('ridge', 'lasso') and tags.note LIKE '%pu_do%'";
    let total = 0;
    const searchMs = await timed(11, async () => {
      const r = await client.call('runs.search', { filter, orderBy: 'metrics.rmse_val ASC', limit: 100 });
      total = r.total;
    });
    const allMs = await timed(11, () => client.call('runs.search', { orderBy: 'metrics.m5 DESC', limit: 100 }));
    const rows = [
      ['log 1,000 metric points (one batch)', batchMs, 20, 'no published figure (log_batch caps a request at 1,000 metrics)'],
      [`first page of a filtered search (${total} of 10,000 match)`, searchMs, 100, 'mlflow#8287: 100 exps × 30 runs, file store: 51 ms per search_runs'],
      ['first page, no filter, ordered by a metric', allMs, 100, 'mlflow#2730: 30,000 runs (SQL store): over 15 min to retrieve'],
    ] as const;
    console.log(`\nTracking: 10,000 runs × 20 params × 10 metrics (seeded in ${(seedMs / 1000).toFixed(1)} s); median of 11–21\n`);
    const head = ['operation', 'meter ms', 'target ms', 'ratio', '', 'MLflow users report'];
    const table = rows.map(([name, ms, target, mlflow]) => [name, ms.toFixed(2), String(target), (ms / target).toFixed(3), ms <= target ? 'ok' : 'MISSED', mlflow]);
    const w = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
    for (const r of [head, ...table]) console.log(r.map((c, i) => c.padEnd(w[i])).join('  '));
  } finally {
    await ctx.close();
    rmSync(home, { recursive: true, force: true });
  }
}

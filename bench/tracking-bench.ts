// Tracking speed against issue 19's targets, on one fresh store measured at 10,000 and again at 100,000 runs
// (20 params, 10 metrics, one tag each): the first page (100 rows, ordered by a metric) of a filtered search,
// the first page ordered by a metric with no filter, counting a filter's matches, opening a run, and a
// 1,000-point metric batch; and the store's size per 10,000 runs against the raw bytes logged. Printed as
// time / target (≤ 1 meets it). Seeding (one transaction, prepared statements, straight into the tables) is
// not measured. MLflow can't run here (no PyPI), so its users' published figures are printed beside ours for
// scale, with where they come from.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCore } from '../src/core/context';
import { createLocalClient } from '../src/core/api/local-client';
import type { Db } from '../src/core/store/db';
import { ensureExperiment } from '../src/core/store/experiments-repo';
import { countRuns } from '../src/core/store/run-search';
import { keyIdOf, logMetrics } from '../src/core/store/runs-repo';
import type { RunId } from '../src/shared/domain';

const PARAMS = 20;
const METRICS = 10;
const MODELS = ['linear', 'ridge', 'lasso'];
const FILTER = "metrics.rmse_val < 8 and params.model IN ('ridge', 'lasso') and tags.note LIKE '%pu_do%'";

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

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

/**
 * Runs `from`..`to`-1 as test/fixtures/seed-runs.ts makes them (same params, metrics, tag and statuses), but
 * written straight into the tables in one transaction. Returns the new ids and the raw bytes logged: each
 * run's id, name and attributes, and each param / tag / metric point as a flat record naming its run
 * (run id + key + value; a metric point's value, step and timestamp as 8 bytes each).
 */
export function bulkSeed(db: Db, experimentIds: string[], from: number, to: number): { ids: RunId[]; rawBytes: number } {
  const rand = rng(7 + from);
  const run = db.prepare(`INSERT INTO runs (run_id, experiment_id, name, status, start_ms, end_ms, source_type, source_name)
    VALUES (?, ?, ?, ?, ?, ?, 'API', 'seed')`);
  const param = db.prepare(`INSERT INTO run_params (run_key, key_id, value) VALUES ${Array(PARAMS).fill('(?, ?, ?)').join(', ')}`);
  const tag = db.prepare('INSERT INTO run_tags (run_key, key_id, value) VALUES (?, ?, ?)');
  const values = Array(METRICS).fill('(?, ?, 0, ?, ?, 0)').join(', ');
  const point = db.prepare(`INSERT INTO run_metrics (run_key, key_id, step, timestamp_ms, value, is_nan) VALUES ${values}`);
  const latest = db.prepare(`INSERT INTO latest_metrics (run_key, key_id, step, timestamp_ms, value, is_nan) VALUES ${values}`);
  const keyIds = new Map<string, number>();
  const keyId = (k: string): number => keyIds.get(k) ?? keyIds.set(k, keyIdOf(db, k)).get(k)!;
  const ids: RunId[] = [];
  let raw = 0;
  const bytes = (s: string) => Buffer.byteLength(s);
  const t0 = Date.now() - to;
  // Runs are written in start order, as they are logged (their run_key grows with it), and the value indexes
  // rebuilt at the end (the schema ends as it was): a B-tree fills in order many times faster than at random places.
  const seeds = Array.from({ length: to - from }, (_, j) => ({ i: from + j, id: randomUUID().replace(/-/g, '') }));
  const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
    AND tbl_name IN ('run_params', 'run_tags', 'run_metrics', 'latest_metrics')`).all() as { name: string; sql: string }[];
  const cache = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -262144'); // 256 MiB while seeding: the index rebuilds sort in memory
  db.transaction(() => {
    for (const ix of indexes) db.exec(`DROP INDEX "${ix.name}"`);
    for (const { i, id } of seeds) {
      const name = `run-${i}-${id.slice(0, 4)}`;
      const start = t0 + i;
      const exp = experimentIds[i % experimentIds.length];
      const key = run.run(id, exp, name, i % 17 === 3 ? 'FAILED' : 'FINISHED', start, start + 1000).lastInsertRowid;
      raw += id.length + bytes(exp) + bytes(name) + 8 + 8 + 8 + 3 + 4; // status, start, end, source
      const params: [string, string][] = [['model', MODELS[i % 3]], ['featureSet', i % 2 ? 'pu_do' : 'basic'], ['alpha', String([0.01, 0.1, 1, 10][i % 4])]];
      for (let p = 3; p < PARAMS; p++) params.push([`p${p}`, String(Math.floor(rand() * 1000))]);
      param.run(params.flatMap(([k, v]) => { raw += id.length + bytes(k) + bytes(v); return [key, keyId(k), v]; }));
      const note = i % 5 === 0 ? `try pu_do #${i}` : `baseline ${i}`;
      tag.run(key, keyId('note'), note);
      raw += id.length + 4 + bytes(note);
      const metrics: [string, number][] = [['rmse_val', 5 + (i % 50) / 10], ['rmse_train', 4 + rand()]];
      for (let m = 2; m < METRICS; m++) metrics.push([`m${m}`, rand() * 100]);
      const args = metrics.flatMap(([k, v]) => { raw += id.length + bytes(k) + 24; return [key, keyId(k), start, v]; });
      point.run(args);
      latest.run(args);
      ids.push(id as RunId);
    }
    for (const ix of indexes) db.exec(ix.sql);
  })();
  db.pragma(`cache_size = ${cache}`);
  return { ids, rawBytes: raw };
}

/** The database file's size once the WAL is folded in. */
function storeBytes(db: Db): number {
  db.pragma('wal_checkpoint(TRUNCATE)');
  return (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
}

type Row = readonly [string, number, number, string];

export async function trackingBench(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'meter-bench-tracking-'));
  const ctx = openCore({ home });
  try {
    const client = createLocalClient(ctx);
    const experiments = ['a', 'b', 'c', 'd'].map((n) => ensureExperiment(ctx.db, n).experimentId as string);
    const ids: RunId[] = [];
    let rawBytes = 0;
    for (const size of [10_000, 100_000]) {
      const seedStart = performance.now();
      const seeded = bulkSeed(ctx.db, experiments, ids.length, size);
      ids.push(...seeded.ids);
      rawBytes += seeded.rawBytes;
      // No ANALYZE (PRAGMA optimize): a user's store has no statistics, so the plans measured must not need them.
      const seedMs = performance.now() - seedStart;
      const dbBytes = storeBytes(ctx.db);

      let total = 0;
      const searchMs = await timed(11, async () => {
        const r = await client.call('runs.search', { filter: FILTER, orderBy: 'metrics.rmse_val ASC', limit: 100 });
        total = r.total;
      });
      const sortMs = await timed(11, () => client.call('runs.search', { orderBy: 'metrics.m5 DESC', limit: 100 }));
      let counted = 0;
      const countMs = await timed(11, () => { counted = countRuns(ctx.db, { filter: FILTER }); });
      if (counted !== total) throw new Error(`countRuns says ${counted}, runs.search ${total}`);
      let k = 0;
      const openMs = await timed(21, () => client.call('runs.get', { runId: ids[(k++ * 7919) % ids.length] }));
      // A fresh run per size, so the batch lands among `size` runs' points, not on a run already holding thousands.
      const target = ids[Math.floor(ids.length / 2)];
      let step = 1;
      const batchMs = await timed(21, () => {
        const points = Array.from({ length: 1000 }, (_, i) => ({ key: `loss_${i % 10}`, value: Math.random(), step: step + Math.floor(i / 10) }));
        step += 100;
        logMetrics(ctx.db, target, points);
      });
      rawBytes += 21 * 1000 * (target.length + 'loss_0'.length + 24);

      const n = size.toLocaleString('en-US');
      const rows: Row[] = [
        [`first page of a filtered search (${total.toLocaleString('en-US')} match)`, searchMs, 50, 'mlflow#8287: 100 exps × 30 runs, file store: 51 ms per search_runs'],
        ['first page, no filter, ordered by a metric', sortMs, 50, 'mlflow#2730: 30,000 runs (SQL store): over 15 min to retrieve'],
        ["count a filter's matches", countMs, 50, ''],
        ['open a run (runs.get)', openMs, 20, ''],
        ['log 1,000 metric points (one batch)', batchMs, 3, 'no published figure (log_batch caps a request at 1,000 metrics)'],
      ];
      console.log(`\nTracking: ${n} runs × ${PARAMS} params × ${METRICS} metrics (seeded in ${(seedMs / 1000).toFixed(1)} s, not timed); median of 11–21\n`);
      const head = ['operation', 'meter ms', 'target ms', 'ratio', '', 'MLflow users report'];
      const table = rows.map(([name, ms, tgt, mlflow]) => [name, ms.toFixed(2), String(tgt), (ms / tgt).toFixed(3), ms <= tgt ? 'ok' : 'MISSED', mlflow]);
      const w = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
      for (const r of [head, ...table]) console.log(r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd());
      const per10k = (b: number) => `${(b / (size / 10_000) / 2 ** 20).toFixed(1)} MiB`;
      const ratio = dbBytes / rawBytes;
      console.log(`store: ${per10k(dbBytes)} per 10,000 runs; raw data logged ${per10k(rawBytes)} per 10,000 runs; ` +
        `store / raw ${ratio.toFixed(2)} (target ≤ 2: ${ratio <= 2 ? 'ok' : 'MISSED'})`);
    }
  } finally {
    await ctx.close();
    rmSync(home, { recursive: true, force: true });
  }
}

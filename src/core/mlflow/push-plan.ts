// What a push sends, read from the store before anything goes: the runs a request names (an experiment's
// ended runs, the runs given, a model's versions' runs), and per run its params, every metric point and its
// artifact files in a fixed order, which the resume points of push-map.ts count along.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MeterError } from '../../shared/errors';
import type { Run, RunId } from '../../shared/domain';
import type { CoreContext } from '../context';
import { getRun, metricHistory } from '../store/runs-repo';
import { getModel } from '../registry/registry-repo';
import type { Point } from './push-verify';

export const PARAMS_PER_BATCH = 100;
export const METRICS_PER_BATCH = 1000;

function files(dir: string): string[] {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return []; }
  return entries.flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return e.isFile() && !e.name.endsWith('.part') && !e.name.endsWith('.tmp') ? [p] : [];
  }).sort();
}

export function chunks<T>(all: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < all.length; i += size) out.push(all.slice(i, i + size));
  return out;
}

/** What a run sends, in a fixed order (the resume point counts along it). */
export function planRun(ctx: CoreContext, run: Run) {
  const points: Point[] = Object.keys(run.metrics).sort().flatMap((key) => metricHistory(ctx.db, run.runId, key)
    .sort((a, b) => a.step - b.step || a.timestampMs - b.timestampMs || a.value - b.value)
    .map((p): Point => ({ key, value: Number.isNaN(p.value) ? 'NaN' : p.value, step: p.step, timestamp: p.timestampMs })));
  const root = ctx.artifactsDir(run.runId);
  return { params: Object.entries(run.params).map(([key, value]) => ({ key, value })), points, root, files: files(root) };
}
export type Plan = ReturnType<typeof planRun>;
export const callsOf = (p: Plan) => 2 + Math.ceil(p.params.length / PARAMS_PER_BATCH) + Math.ceil(p.points.length / METRICS_PER_BATCH) + p.files.length;

/** The runs a request names: a run named that is still running is refused; an experiment's running runs wait,
 * and so does a model version's run that is still running (MLflow's clients register a model before its run
 * ends: push-models.ts says so for that version). */
export function runsToPush(ctx: CoreContext, req: { experiments: string[]; runIds: string[]; models: string[] }): Run[] {
  const ids = new Set<string>(req.runIds);
  for (const name of req.experiments) {
    const exp = ctx.db.prepare('SELECT experiment_id FROM experiments WHERE name = ?').pluck().get(name) as string | undefined;
    if (!exp) throw new MeterError('NOT_FOUND', `No experiment named "${name}".`);
    for (const id of ctx.db.prepare("SELECT run_id FROM runs WHERE experiment_id = ? AND deleted_ms IS NULL AND status != 'RUNNING' ORDER BY start_ms").pluck().all(exp) as string[]) ids.add(id);
  }
  const running = ctx.db.prepare("SELECT 1 FROM runs WHERE run_id = ? AND status = 'RUNNING'").pluck();
  for (const name of req.models) {
    for (const v of getModel(ctx.db, name).versions) if (v.runExists && !running.get(v.runId)) ids.add(v.runId);
  }
  return [...ids].map((id) => {
    const run = getRun(ctx.db, id as RunId);
    if (run.status === 'RUNNING') throw new MeterError('INVALID_STATE', `Run ${run.name} (${id}) is still running; push it when it has ended.`);
    return run;
  });
}

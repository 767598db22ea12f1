// The pipelines' rows: saved pipelines (spec, schedule, last fire), flow runs and their steps and log lines.
// Only core writes them; each change is one statement or one transaction.
import { createHash, randomBytes } from 'node:crypto';
import { MeterError } from '../../shared/errors';
import type { RunId, JobId } from '../../shared/domain';
import {
  pipelineDifferences, PIPELINE_STEPS, type FlowRun, type FlowRunSummary, type FlowStatus, type FlowStepInfo, type FlowTrigger, type PipelineSpec,
  type PipelineStep, type StepStatus,
} from '../../shared/pipeline';
import { inTransaction, type Db } from '../store/db';
import { OWNER, ownerAlive } from '../store/runs-repo';

interface FlowRow {
  flow_run_id: string; pipeline: string; spec_json: string; spec_sha256: string; month: string; status: FlowStatus; trigger: FlowTrigger;
  run_id: string | null; promoted: number; error: string | null; owner: string | null; job_id: string | null;
  created_ms: number; started_ms: number | null; ended_ms: number | null;
}
interface StepRow {
  flow_run_id: string; step: PipelineStep; position: number; status: StepStatus; attempts: number; cache_key: string | null;
  outputs_json: string | null; error: string | null; started_ms: number | null; ended_ms: number | null;
}
/** last_fire_ms: the schedule's last real fire (NULL until one); schedule_from_ms: when the current schedule was
 *  saved, the point catch-up counts from when it has not fired since (a save is not a fire). */
export interface PipelineRow {
  name: string; spec_json: string; schedule: string | null; last_fire_ms: number | null; schedule_from_ms: number | null; created_ms: number; updated_ms: number;
}

/** Canonical JSON (keys sorted), so the same inputs always hash the same. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
export const sha256Of = (value: unknown): string => createHash('sha256').update(canonical(value)).digest('hex');

/** What decides a flow's results: everything but the schedule and the retry policy. */
export const specSha = (spec: PipelineSpec): string => sha256Of({ ...spec, schedule: undefined, retries: undefined });

/**
 * Saves a pipeline under its name. A name already saved with another spec is refused, naming each
 * difference, unless `replace` says to overwrite it: one pipeline file or form must never silently take the
 * place of another that happens to share its name (and its schedule). Saving the same spec again changes nothing.
 */
export function savePipeline(db: Db, spec: PipelineSpec, now = Date.now(), opts: { replace: boolean } = { replace: true }): { saved: boolean } {
  return inTransaction(db, () => {
    const old = db.prepare('SELECT spec_json, schedule FROM pipelines WHERE name = ?').get(spec.name) as { spec_json: string; schedule: string | null } | undefined;
    const schedule = spec.schedule ?? null;
    if (!old) {
      db.prepare('INSERT INTO pipelines (name, spec_json, schedule, last_fire_ms, schedule_from_ms, created_ms, updated_ms) VALUES (?, ?, ?, NULL, ?, ?, ?)')
        .run(spec.name, JSON.stringify(spec), schedule, schedule ? now : null, now, now);
      return { saved: true };
    }
    const differences = pipelineDifferences(JSON.parse(old.spec_json) as PipelineSpec, spec);
    if (differences.length === 0) return { saved: false };
    if (!opts.replace) {
      throw new MeterError('ALREADY_EXISTS', `A pipeline named "${spec.name}" is already saved with a different spec: ${differences.join('; ')}. `
        + 'Save it with replace to replace the saved one, or give this one another name.', { pipeline: spec.name, differences });
    }
    // A new or changed schedule starts from now: nothing before it was "missed". Its last fire stays what it was.
    const changed = old.schedule !== schedule;
    db.prepare(`UPDATE pipelines SET spec_json = ?, schedule = ?, updated_ms = ?${changed ? ', schedule_from_ms = ?' : ''} WHERE name = ?`)
      .run(...[JSON.stringify(spec), schedule, now, ...(changed ? [schedule ? now : null] : []), spec.name]);
    return { saved: true };
  });
}

export const listPipelineRows = (db: Db): PipelineRow[] => db.prepare('SELECT * FROM pipelines ORDER BY name').all() as PipelineRow[];

export function getPipelineRow(db: Db, name: string): PipelineRow {
  const row = db.prepare('SELECT * FROM pipelines WHERE name = ?').get(name) as PipelineRow | undefined;
  if (!row) throw new MeterError('NOT_FOUND', `No pipeline named "${name}" is saved; save it with "meter pipeline save FILE.json" or Save on the Pipelines screen.`);
  return row;
}

export function markFired(db: Db, name: string, fireMs: number): void {
  db.prepare('UPDATE pipelines SET last_fire_ms = ? WHERE name = ? AND (last_fire_ms IS NULL OR last_fire_ms < ?)').run(fireMs, name, fireMs);
}

export function createFlowRun(db: Db, spec: PipelineSpec, month: string, trigger: FlowTrigger): string {
  const id = randomBytes(8).toString('hex');
  const now = Date.now();
  inTransaction(db, () => {
    // Owned from the start, so a flow left pending by a killed process is found like one left running.
    db.prepare(`INSERT INTO pipeline_runs (flow_run_id, pipeline, spec_json, spec_sha256, month, status, trigger, owner, created_ms)
      VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`).run(id, spec.name, JSON.stringify(spec), specSha(spec), month, trigger, OWNER, now);
    const step = db.prepare("INSERT INTO pipeline_steps (flow_run_id, step, position, status) VALUES (?, ?, ?, 'pending')");
    PIPELINE_STEPS.forEach((s, i) => step.run(id, s, i));
  });
  return id;
}

/** The newest flow run of this exact pipeline (same spec) for a month, if any. */
export function findFlowRun(db: Db, spec: PipelineSpec, month: string): FlowRow | null {
  return (db.prepare('SELECT * FROM pipeline_runs WHERE spec_sha256 = ? AND month = ? ORDER BY created_ms DESC LIMIT 1').get(specSha(spec), month) as FlowRow | undefined) ?? null;
}

function flowRow(db: Db, id: string): FlowRow {
  const row = db.prepare('SELECT * FROM pipeline_runs WHERE flow_run_id = ?').get(id) as FlowRow | undefined;
  if (!row) throw new MeterError('NOT_FOUND', `No flow run with id ${id}; "meter pipeline runs" lists them.`);
  return row;
}

const summary = (r: FlowRow): FlowRunSummary => ({
  flowRunId: r.flow_run_id, pipeline: r.pipeline, month: r.month, status: r.status, trigger: r.trigger, runId: r.run_id as RunId | null,
  promoted: r.promoted === 1, error: r.error, createdMs: r.created_ms, startedMs: r.started_ms, endedMs: r.ended_ms,
});

export function getFlowRun(db: Db, id: string): FlowRun {
  const r = flowRow(db, id);
  const logs = db.prepare('SELECT step, at_ms, level, message FROM pipeline_logs WHERE flow_run_id = ? ORDER BY seq').all(id) as { step: string; at_ms: number; level: FlowStepInfo['logs'][number]['level']; message: string }[];
  const steps = (db.prepare('SELECT * FROM pipeline_steps WHERE flow_run_id = ? ORDER BY position').all(id) as StepRow[]).map((s): FlowStepInfo => ({
    name: s.step, status: s.status, attempts: s.attempts, cached: s.status === 'cached', startedMs: s.started_ms, endedMs: s.ended_ms,
    outputs: s.outputs_json ? JSON.parse(s.outputs_json) as Record<string, unknown> : null, error: s.error,
    logs: logs.filter((l) => l.step === s.step).map((l) => ({ atMs: l.at_ms, level: l.level, message: l.message })),
  }));
  return { ...summary(r), spec: JSON.parse(r.spec_json) as PipelineSpec, steps, jobId: r.job_id as JobId | null };
}

export function listFlowRuns(db: Db, q: { pipeline?: string; limit?: number }): FlowRunSummary[] {
  const rows = (q.pipeline
    ? db.prepare('SELECT * FROM pipeline_runs WHERE pipeline = ? ORDER BY created_ms DESC, rowid DESC LIMIT ?').all(q.pipeline, q.limit ?? 500)
    : db.prepare('SELECT * FROM pipeline_runs ORDER BY created_ms DESC, rowid DESC LIMIT ?').all(q.limit ?? 500)) as FlowRow[];
  return rows.map(summary);
}

export function stepRow(db: Db, id: string, step: PipelineStep): StepRow {
  return db.prepare('SELECT * FROM pipeline_steps WHERE flow_run_id = ? AND step = ?').get(id, step) as StepRow;
}

export function updateStep(db: Db, id: string, step: PipelineStep, patch: Partial<Pick<StepRow, 'status' | 'attempts' | 'cache_key' | 'outputs_json' | 'error' | 'started_ms' | 'ended_ms'>>): void {
  const keys = Object.keys(patch) as (keyof typeof patch)[];
  if (!keys.length) return;
  db.prepare(`UPDATE pipeline_steps SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE flow_run_id = ? AND step = ?`)
    .run(...keys.map((k) => patch[k] ?? null), id, step);
}

export function addLog(db: Db, id: string, step: PipelineStep, level: 'info' | 'warn' | 'error', message: string): void {
  db.prepare('INSERT INTO pipeline_logs (flow_run_id, step, at_ms, level, message) VALUES (?, ?, ?, ?, ?)').run(id, step, Date.now(), level, message);
}

/** A finished step elsewhere with the same inputs (its outputs are reused). */
export function cachedStep(db: Db, step: PipelineStep, cacheKey: string): Record<string, unknown> | null {
  const row = db.prepare(`SELECT outputs_json FROM pipeline_steps WHERE step = ? AND cache_key = ? AND status IN ('done', 'cached') AND outputs_json IS NOT NULL
    ORDER BY ended_ms DESC LIMIT 1`).get(step, cacheKey) as { outputs_json: string } | undefined;
  return row ? JSON.parse(row.outputs_json) as Record<string, unknown> : null;
}

/** This process takes the flow run: running, with its owner and job. Refused while another live process runs it. */
export function claimFlow(db: Db, id: string, jobId: JobId): void {
  inTransaction(db, () => {
    const r = flowRow(db, id);
    if (r.status === 'running' && r.owner !== OWNER && ownerAlive(r.owner)) {
      throw new MeterError('INVALID_STATE', `Flow run ${id} (${r.pipeline} ${r.month}) is running in another Meter process (${r.owner}).`);
    }
    db.prepare("UPDATE pipeline_runs SET status = 'running', owner = ?, job_id = ?, error = NULL, ended_ms = NULL, started_ms = COALESCE(started_ms, ?) WHERE flow_run_id = ?")
      .run(OWNER, jobId, Date.now(), id);
  });
}

export function setFlowFields(db: Db, id: string, patch: { status?: FlowStatus; runId?: string; promoted?: boolean; error?: string | null; ended?: boolean }): void {
  const sets: string[] = [];
  const vals: unknown[] = [];
  if (patch.status) { sets.push('status = ?'); vals.push(patch.status); }
  if (patch.runId !== undefined) { sets.push('run_id = ?'); vals.push(patch.runId); }
  if (patch.promoted !== undefined) { sets.push('promoted = ?'); vals.push(patch.promoted ? 1 : 0); }
  if (patch.error !== undefined) { sets.push('error = ?'); vals.push(patch.error); }
  if (patch.ended) { sets.push('ended_ms = ?'); vals.push(Date.now()); }
  if (sets.length) db.prepare(`UPDATE pipeline_runs SET ${sets.join(', ')} WHERE flow_run_id = ?`).run(...vals, id);
}

/** A finished flow run queued again by this process (a rerun, a resumed backfill month). */
export function requeueFlow(db: Db, id: string): void {
  db.prepare("UPDATE pipeline_runs SET status = 'pending', error = NULL, ended_ms = NULL, owner = ? WHERE flow_run_id = ?").run(OWNER, id);
}

/** Steps from `from` on go back to pending (a rerun from a failed step); the ones before keep their outputs. */
export function resetStepsFrom(db: Db, id: string, from: PipelineStep): void {
  const pos = PIPELINE_STEPS.indexOf(from);
  db.prepare(`UPDATE pipeline_steps SET status = 'pending', attempts = 0, outputs_json = NULL, error = NULL, started_ms = NULL, ended_ms = NULL, cache_key = NULL
    WHERE flow_run_id = ? AND position >= ?`).run(id, pos);
}

/** Flow runs left running (or pending) by a Meter process that no longer exists: failed, their running step too. */
export function failOrphanedFlows(db: Db): number {
  const orphans = (): FlowRow[] => (db.prepare("SELECT * FROM pipeline_runs WHERE status IN ('running', 'pending')").all() as FlowRow[])
    .filter((r) => r.owner !== OWNER && !ownerAlive(r.owner));
  if (orphans().length === 0) return 0;
  return inTransaction(db, () => {
    const found = orphans();
    for (const r of found) {
      db.prepare("UPDATE pipeline_runs SET status = 'failed', error = 'Meter stopped while this flow run was in progress; run it again to finish it.', ended_ms = ? WHERE flow_run_id = ?").run(Date.now(), r.flow_run_id);
      db.prepare("UPDATE pipeline_steps SET status = 'failed', error = 'Meter stopped during this step.', ended_ms = ? WHERE flow_run_id = ? AND status = 'running'").run(Date.now(), r.flow_run_id);
    }
    return found.length;
  });
}

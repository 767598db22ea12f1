// Flow runs as task jobs (core/jobs): the steps in order, each recorded (status, attempts, start/end, log
// lines, outputs), retried with backoff on a passing failure and failed fast on a bad file; a step whose
// inputs are unchanged is reused (cached). A flow run resumes where it stopped: steps already done keep their
// outputs, so a rerun from a failed step, or a backfill after a crash, finishes what was left and redoes nothing.
import { resolve } from 'node:path';
import { MeterError, toErrorData, type MeterErrorData } from '../../shared/errors';
import type { ErrorCode } from '../../shared/errors';
import type { JobId } from '../../shared/domain';
import {
  DEFAULT_RETRIES, monthRange, type BackfillMonth, type FlowTrigger, type PipelineSpec, type PipelineStep,
} from '../../shared/pipeline';
import type { CoreContext } from '../context';
import type { TaskControl } from '../jobs/job-manager';
import { inTransaction } from '../store/db';
import { OWNER } from '../store/runs-repo';
import {
  addLog, claimFlow, createFlowRun, failOrphanedFlows, findFlowRun, getFlowRun, requeueFlow, resetStepsFrom, setFlowFields, stepRow, updateStep,
} from './flow-repo';
import { filesFor, STEPS, type StepContext } from './steps';
import { parseCron } from './cron';

/** A bad file or a bad request fails at once: retrying can't change it. */
const PERMANENT: ReadonlySet<ErrorCode> = new Set(['FILE_UNREADABLE', 'SCHEMA_MISMATCH', 'NOT_FOUND', 'INVALID_ARGUMENT', 'CANCELLED']);

/**
 * The explicit fault hook for tests: METER_FAULT=pipeline:<step>:<n> makes the step's first n attempts fail
 * with a passing error (several, comma-separated). Read here only, at each attempt.
 */
function injectedFault(step: PipelineStep, attempt: number): void {
  for (const part of (process.env.METER_FAULT ?? '').split(',')) {
    const m = /^pipeline:([a-z]+):(\d+)$/.exec(part.trim());
    if (m && m[1] === step && attempt <= Number(m[2])) {
      throw new MeterError('INTERNAL', `Injected fault (METER_FAULT=${part.trim()}): attempt ${attempt} of step ${step} fails.`, undefined, true);
    }
  }
}

async function sleep(ms: number, control: TaskControl): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && !control.cancelled()) await new Promise((r) => setTimeout(r, Math.min(100, end - Date.now())));
}

/** Makes the spec's data folder absolute and checks what the schema can't (the schedule). */
export function normalizeSpec(spec: PipelineSpec, baseDir = process.cwd()): PipelineSpec {
  if (spec.schedule !== undefined) parseCron(spec.schedule);
  return { ...spec, data: resolve(baseDir, spec.data) };
}

const emit = (ctx: CoreContext, flowRunId: string): void => { setImmediate(() => ctx.events.emit('pipeline.updated', { flowRunId })); };

async function runStep(ctx: CoreContext, flowRunId: string, step: PipelineStep, sc: Omit<StepContext, 'log'>): Promise<Record<string, unknown> | null> {
  const retries = sc.spec.retries ?? DEFAULT_RETRIES;
  const log = (message: string, level: 'info' | 'warn' | 'error' = 'info') => { addLog(ctx.db, flowRunId, step, level, message); emit(ctx, flowRunId); };
  const first = stepRow(ctx.db, flowRunId, step).attempts;
  for (let attempt = first + 1; ; attempt++) {
    if (sc.control.cancelled()) throw new MeterError('CANCELLED', 'The flow run was cancelled.');
    updateStep(ctx.db, flowRunId, step, { status: 'running', attempts: attempt, error: null, ended_ms: null, ...(attempt === first + 1 ? { started_ms: Date.now() } : {}) });
    log(`attempt ${attempt}`);
    try {
      injectedFault(step, attempt);
      const r = await STEPS[step]({ ...sc, log: (m, level) => log(m, level) });
      updateStep(ctx.db, flowRunId, step, { status: r.status, outputs_json: r.outputs ? JSON.stringify(r.outputs) : null, cache_key: r.cacheKey, ended_ms: Date.now() });
      emit(ctx, flowRunId);
      return r.outputs;
    } catch (err) {
      const data: MeterErrorData = sc.control.cancelled() ? { code: 'CANCELLED', message: 'The flow run was cancelled.' } : toErrorData(err);
      log(`${data.code}: ${data.message}`, 'error');
      const last = attempt - first > retries.count;
      if (PERMANENT.has(data.code) || last) {
        updateStep(ctx.db, flowRunId, step, { status: 'failed', error: data.message, ended_ms: Date.now() });
        throw MeterError.fromData({ ...data, message: data.code === 'CANCELLED' ? data.message : `Step ${step} failed${PERMANENT.has(data.code) ? '' : ` after ${attempt - first} attempts`}: ${data.message}` });
      }
      const delayMs = retries.delaySeconds * 1000 * 2 ** (attempt - first - 1);
      log(`retrying in ${(delayMs / 1000).toFixed(1)} s (${retries.count - (attempt - first) + 1} retr${retries.count - (attempt - first) + 1 === 1 ? 'y' : 'ies'} left)`, 'warn');
      await sleep(delayMs, sc.control);
    }
  }
}

/** Runs a flow's unfinished steps in order and records how it ended. Never throws: the outcome is in the row. */
export async function executeFlow(ctx: CoreContext, flowRunId: string, control: TaskControl): Promise<'done' | 'failed' | 'cancelled'> {
  claimFlow(ctx.db, flowRunId, control.jobId);
  emit(ctx, flowRunId);
  const flow = getFlowRun(ctx.db, flowRunId);
  const outputs: StepContext['outputs'] = {};
  try {
    for (const [i, s] of flow.steps.entries()) {
      control.progress(`${flow.month} ${s.name}`, i, flow.steps.length);
      if (s.status === 'done' || s.status === 'cached' || s.status === 'skipped') { outputs[s.name] = s.outputs; continue; }
      outputs[s.name] = await runStep(ctx, flowRunId, s.name, { ctx, flowRunId, spec: flow.spec, month: flow.month, trigger: flow.trigger, outputs, control });
    }
    setFlowFields(ctx.db, flowRunId, { status: 'done', error: null, ended: true });
    return 'done';
  } catch (err) {
    const data = toErrorData(err);
    const status = data.code === 'CANCELLED' || control.cancelled() ? 'cancelled' : 'failed';
    setFlowFields(ctx.db, flowRunId, { status, error: data.message, ended: true });
    return status;
  } finally {
    emit(ctx, flowRunId);
  }
}

function startFlowJob(ctx: CoreContext, flowRunId: string): JobId {
  // Claimed before the job starts, so two callers can't both start the same flow run.
  const jobId = ctx.jobs.startTask('pipeline', async (control) => {
    const status = await executeFlow(ctx, flowRunId, control);
    if (status === 'failed') throw MeterError.fromData({ code: 'INTERNAL', message: getFlowRun(ctx.db, flowRunId).error ?? 'The flow run failed.' });
  }, { runId: null });
  return jobId;
}

/**
 * A flow run for one month: a new flow run row (holding its spec), then the task job. Returns at once. A run
 * is once: it saves no pipeline and touches no schedule, whatever its spec says (pipelines.save does that).
 */
export function startFlow(ctx: CoreContext, rawSpec: PipelineSpec, month: string, trigger: FlowTrigger): { flowRunId: string; jobId: JobId } {
  const spec = normalizeSpec(rawSpec);
  const flowRunId = createFlowRun(ctx.db, spec, month, trigger);
  return { flowRunId, jobId: startFlowJob(ctx, flowRunId) };
}

/** Runs a finished flow run again from a step (default: its first step that did not finish), keeping the steps before. */
export function rerunFlow(ctx: CoreContext, flowRunId: string, fromStep?: PipelineStep): { flowRunId: string; jobId: JobId } {
  failOrphanedFlows(ctx.db);
  inTransaction(ctx.db, () => {
    const flow = getFlowRun(ctx.db, flowRunId);
    if (flow.status === 'running' || flow.status === 'pending') {
      throw new MeterError('INVALID_STATE', `Flow run ${flowRunId} is ${flow.status}; cancel it before running it again.`);
    }
    const from = fromStep ?? flow.steps.find((s) => s.status === 'failed' || s.status === 'pending' || s.status === 'running')?.name;
    if (!from) throw new MeterError('INVALID_STATE', `Every step of flow run ${flowRunId} finished; give a step to rerun from.`);
    resetStepsFrom(ctx.db, flowRunId, from);
    addLog(ctx.db, flowRunId, from, 'info', `rerun from step ${from}`);
    requeueFlow(ctx.db, flowRunId);
  });
  return { flowRunId, jobId: startFlowJob(ctx, flowRunId) };
}

export function cancelFlow(ctx: CoreContext, flowRunId: string): { cancelled: boolean } {
  const flow = getFlowRun(ctx.db, flowRunId);
  if (flow.status !== 'running' && flow.status !== 'pending') return { cancelled: false };
  const row = ctx.db.prepare('SELECT owner FROM pipeline_runs WHERE flow_run_id = ?').get(flowRunId) as { owner: string | null };
  if (row.owner && row.owner !== OWNER) throw new MeterError('INVALID_STATE', `Flow run ${flowRunId} runs in another Meter process (${row.owner}); cancel it there.`);
  if (!flow.jobId) return { cancelled: false };
  try {
    return { cancelled: ctx.jobs.cancel(flow.jobId) };
  } catch (err) {
    if (err instanceof MeterError && err.code === 'NOT_FOUND') return { cancelled: false };
    throw err;
  }
}

/**
 * One flow run per month, in order. A month whose files are missing is skipped and says which; a month that
 * finished before (same pipeline, same spec) is reused; one that stopped part-way (failed, cancelled, killed)
 * resumes on its own flow run, so running the same backfill again after a crash finishes what was left.
 * Like a run, a backfill saves no pipeline and touches no schedule.
 */
export function startBackfill(ctx: CoreContext, rawSpec: PipelineSpec, from: string, to: string): { jobId: JobId; months: BackfillMonth[] } {
  const spec = normalizeSpec(rawSpec);
  const months = monthRange(from, to);
  const plan: BackfillMonth[] = [];
  const toRun: string[] = [];
  failOrphanedFlows(ctx.db);
  inTransaction(ctx.db, () => {
    for (const m of months) {
      const missing = filesFor(spec, m).filter((f) => !f.exists);
      if (missing.length) {
        plan.push({ month: m, flowRunId: null, reused: false, reason: `missing ${missing.map((f) => `${f.path.split(/[\\/]/).pop()} (${f.role})`).join(', ')}` });
        continue;
      }
      const prior = findFlowRun(ctx.db, spec, m);
      if (prior && prior.status === 'done') { plan.push({ month: m, flowRunId: prior.flow_run_id, reused: true, reason: null }); continue; }
      if (prior && (prior.status === 'running' || prior.status === 'pending')) {
        throw new MeterError('INVALID_STATE', `${spec.name} ${m} is already being run (flow run ${prior.flow_run_id}${prior.owner && prior.owner !== OWNER ? `, by another Meter process ${prior.owner}` : ''}); wait for it or cancel it.`);
      }
      let id: string;
      if (prior) {
        id = prior.flow_run_id;
        const first = getFlowRun(ctx.db, id).steps.find((s) => s.status === 'failed' || s.status === 'pending' || s.status === 'running');
        if (first) resetStepsFrom(ctx.db, id, first.name);
        requeueFlow(ctx.db, id);
      } else {
        id = createFlowRun(ctx.db, spec, m, 'backfill');
      }
      plan.push({ month: m, flowRunId: id, reused: false, reason: null });
      toRun.push(id);
    }
  });
  const jobId = ctx.jobs.startTask('pipeline', async (control) => {
    let failed = 0;
    for (const id of toRun) {
      if (control.cancelled()) { setFlowFields(ctx.db, id, { status: 'cancelled', error: 'The backfill was cancelled before this month started.', ended: true }); emit(ctx, id); continue; }
      if ((await executeFlow(ctx, id, control)) === 'failed') failed++;
    }
    if (failed) throw new MeterError('INTERNAL', `${failed} of ${toRun.length} flow runs failed.`);
  }, { runId: null });
  // Every flow of the backfill names its job, so each can be cancelled (which stops the backfill).
  for (const id of toRun) ctx.db.prepare('UPDATE pipeline_runs SET job_id = ? WHERE flow_run_id = ?').run(jobId, id);
  return { jobId, months: plan };
}

// The one job framework. Every long task is a job of a registered kind: a worker job runs a worker entry
// (`<kind>.worker.js`, one per kind in src/worker) that computes and posts progress and a result; a task job
// runs in core and starts child jobs (a hyper-parameter search and its trials). Both cancel one way (the
// job's cancel: a shared flag the worker polls, then terminate after a grace period; a task's children are
// cancelled with it), announce progress and their outcome as events, and save their result through hooks
// that the manager runs inside one IMMEDIATE transaction, so a job's result is in the store whole or not at
// all. A finished job stays listed until its outcome is read (jobs.wait), then it is dropped.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { newCancelFlag } from '../../shared/cancel';
import { MeterError, toErrorData, type MeterErrorData } from '../../shared/errors';
import type { FromWorker, JobInfo, JobKind, JobOutcome, JobPartials, JobResults, JobSpecs, ToWorker, WorkerJobKind } from '../../shared/jobs';
import { asJobId, type JobId, type RunId } from '../../shared/domain';
import type { EventHub } from './event-hub';

const CANCEL_GRACE_MS = 3000;
/** Finished jobs nobody asked about (the UI learns outcomes from events) are kept up to this many. */
const MAX_UNREAD_FINISHED = 200;

export interface JobHooks<R, P = never> {
  runId: RunId | null;
  /** the task job this one belongs to (a trial of a search) */
  parentJobId?: JobId;
  /** Files the result needs on disk (written atomically), before the transaction that records them. */
  writeFiles?: (value: R) => void;
  /** Persists one piece the worker finished before its result (a scored input), inside its own transaction, as
   * it arrives; if it throws, the job fails. It may return what to do once that transaction is committed
   * (moving the piece's file into place), so the row is the commit point. Pieces arriving after the job ended
   * are not delivered. */
  onPartial?: (value: P) => (() => void) | void;
  /** Persists the result inside one transaction and returns metrics for the outcome. */
  onSuccess?: (value: R) => Record<string, number> | null;
  /** Records a failure or cancellation inside one transaction; called before the outcome is announced. */
  onFailure?: (state: 'failed' | 'cancelled', error: MeterErrorData) => void;
}

/** What a task job's body gets: whether it was cancelled, and a way to make its child jobs its own. */
export interface TaskControl {
  readonly jobId: JobId;
  cancelled(): boolean;
  /** a child is cancelled with its task */
  adopt(childJobId: JobId): void;
  progress(phase: string, done: number, total: number): void;
}

interface LiveJob {
  info: JobInfo;
  cancel(): void;
  outcome: Promise<JobOutcome>;
}

type Transact = <T>(fn: () => T) => T;

export class JobManager {
  private jobs = new Map<JobId, LiveJob>();

  constructor(private readonly workerDir: string, private readonly events: EventHub, private readonly transact: Transact) {}

  /** A job whose work runs in a worker thread. */
  start<K extends WorkerJobKind>(kind: K, spec: JobSpecs[K], hooks: JobHooks<JobResults[K], JobPartials[K]>): JobId {
    const flag = newCancelFlag();
    const worker = new Worker(join(this.workerDir, `${kind}.worker.js`));
    let cancelRequested = false;
    let killTimer: NodeJS.Timeout | null = null;
    const { jobId, info, settle } = this.register(kind, hooks, () => {
      cancelRequested = true;
      flag.cancel();
      worker.postMessage({ type: 'cancel', jobId } satisfies ToWorker);
      killTimer = setTimeout(() => void worker.terminate(), CANCEL_GRACE_MS);
    }, () => { if (killTimer) clearTimeout(killTimer); void worker.terminate(); });
    worker.on('message', (msg: FromWorker<K>) => {
      if (msg.type === 'progress') this.progress(info, msg.phase, msg.done, msg.total);
      else if (msg.type === 'partial') {
        if (info.state !== 'running') return;
        try { this.transact(() => hooks.onPartial?.(msg.value))?.(); } catch (err) { settle('failed', toErrorData(err)); }
      }
      else if (msg.type === 'result') settle('succeeded', null, msg.value);
      else if (msg.type === 'error') settle(msg.error.code === 'CANCELLED' ? 'cancelled' : 'failed', msg.error);
    });
    worker.on('error', (err) => settle('failed', { code: 'WORKER_CRASHED', message: `The ${kind} worker crashed: ${err.message}` }));
    worker.on('exit', (code) => {
      if (cancelRequested) settle('cancelled', { code: 'CANCELLED', message: 'The job was cancelled.' });
      else settle('failed', { code: 'WORKER_CRASHED', message: `The ${kind} worker stopped unexpectedly (exit code ${code}).` });
    });
    worker.postMessage({ type: 'start', jobId, kind, spec, cancelFlag: flag.buffer, env: { workerDir: this.workerDir } } satisfies ToWorker<K>);
    return jobId;
  }

  /** A job whose work runs here in core and starts child jobs (a search and its trials). */
  startTask<R>(kind: Exclude<JobKind, WorkerJobKind>, body: (control: TaskControl) => Promise<R>, hooks: JobHooks<R>): JobId {
    let cancelled = false;
    const children = new Set<JobId>();
    const { jobId, info, settle } = this.register(kind, hooks, () => {
      cancelled = true;
      for (const child of children) this.cancelQuietly(child);
    }, () => {});
    const control: TaskControl = {
      jobId,
      cancelled: () => cancelled,
      adopt: (child) => { children.add(child); if (cancelled) this.cancelQuietly(child); },
      progress: (phase, done, total) => this.progress(info, phase, done, total),
    };
    // The body starts on the next tick, so the caller has the job id before any event about it.
    setImmediate(() => {
      body(control).then(
        (value) => settle(cancelled ? 'cancelled' : 'succeeded', cancelled ? { code: 'CANCELLED', message: 'The job was cancelled.' } : null, value),
        // a body that stops itself with CANCELLED (a push whose lease was taken) ends cancelled, as a worker's does
        (err: unknown) => { const error = toErrorData(err); settle(error.code === 'CANCELLED' ? 'cancelled' : 'failed', error); },
      );
    });
    return jobId;
  }

  /** Runs a worker job to the end and returns its value, throwing its error (short jobs like import). */
  async run<K extends WorkerJobKind>(kind: K, spec: JobSpecs[K]): Promise<JobResults[K]> {
    let value: JobResults[K] | undefined;
    const jobId = this.start(kind, spec, { runId: null, onSuccess: (v) => { value = v; return null; } });
    const out = await this.wait(jobId);
    if (out.state !== 'succeeded') throw MeterError.fromData(out.error ?? { code: 'INTERNAL', message: 'job failed' });
    return value as JobResults[K];
  }

  cancel(jobId: JobId): boolean {
    const job = this.get(jobId);
    if (job.info.state !== 'running') return false;
    job.cancel();
    return true;
  }

  /** The job's outcome; once it is read the finished job is dropped. */
  async wait(jobId: JobId): Promise<JobOutcome> {
    const outcome = await this.get(jobId).outcome;
    this.jobs.delete(jobId);
    return outcome;
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  /** The running job working for a run (a search's task job, a training run's job), if any. */
  findRunning(runId: RunId): JobId | null {
    for (const [id, j] of this.jobs) if (j.info.runId === runId && j.info.state === 'running') return id;
    return null;
  }

  /** Cancels every running job and waits for all of them to end (app quit, test teardown). */
  async shutdown(): Promise<void> {
    const all = [...this.jobs.values()];
    for (const job of all) if (job.info.state === 'running') job.cancel();
    await Promise.all(all.map((j) => j.outcome));
  }

  private cancelQuietly(jobId: JobId): void {
    const job = this.jobs.get(jobId);
    if (job && job.info.state === 'running') job.cancel();
  }

  private progress(info: JobInfo, phase: string, done: number, total: number): void {
    Object.assign(info, { phase, done, total });
    this.events.emit('job.progress', { jobId: info.jobId, kind: info.kind, runId: info.runId, phase, done, total });
  }

  /** The bookkeeping every kind shares: the job's record, its outcome promise and the one way it settles. */
  private register<R>(kind: JobKind, hooks: JobHooks<R>, cancel: () => void, release: () => void) {
    const jobId = asJobId(randomBytes(8).toString('hex'));
    const info: JobInfo = { jobId, kind, runId: hooks.runId, parentJobId: hooks.parentJobId ?? null, state: 'running', phase: 'starting', done: 0, total: 1, startedMs: Date.now() };
    let resolveOutcome!: (o: JobOutcome) => void;
    const outcome = new Promise<JobOutcome>((res) => { resolveOutcome = res; });
    let settled = false;
    const settle = (state: JobOutcome['state'], error: MeterErrorData | null, value?: R): void => {
      if (settled) return;
      settled = true;
      release();
      let metrics: Record<string, number> | null = null;
      try {
        if (state === 'succeeded') {
          // Saving is a phase of its own, so a progress bar doesn't sit at the last phase's 100% meanwhile.
          if (hooks.writeFiles || hooks.onSuccess) this.progress(info, 'save', 0, 1);
          hooks.writeFiles?.(value as R);
          metrics = this.transact(() => hooks.onSuccess?.(value as R) ?? null);
        } else {
          const ending = state;
          this.transact(() => hooks.onFailure?.(ending, error!));
        }
      } catch (err) {
        // Saving the result failed: the job failed, and the failure is recorded in its place.
        error = toErrorData(err);
        state = 'failed';
        try { this.transact(() => hooks.onFailure?.('failed', error!)); } catch { /* the store itself is failing; the outcome still says so */ }
      }
      info.state = state;
      const out: JobOutcome = { jobId, kind, runId: hooks.runId, state, error, metrics };
      this.events.emit('job.finished', out);
      resolveOutcome(out);
      this.dropOldFinished();
    };
    this.jobs.set(jobId, { info, cancel: () => { if (info.state === 'running') cancel(); }, outcome });
    return { jobId, info, settle };
  }

  private dropOldFinished(): void {
    const finished = [...this.jobs].filter(([, j]) => j.info.state !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - MAX_UNREAD_FINISHED))) this.jobs.delete(id);
  }

  private get(jobId: JobId): LiveJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new MeterError('NOT_FOUND', `No job with id ${jobId} (a finished job is forgotten once its outcome was read).`);
    return job;
  }
}

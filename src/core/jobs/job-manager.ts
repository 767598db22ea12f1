// Spawns one worker thread per job, relays its progress as events, cancels it (shared flag first, then
// terminate after a grace period) and turns crashes into data. It never lets a job end without an outcome.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { newCancelFlag } from '../../shared/cancel';
import { MeterError, toErrorData, type MeterErrorData } from '../../shared/errors';
import type { FromWorker, JobInfo, JobKind, JobOutcome, JobResults, JobSpecs, ToWorker } from '../../shared/jobs';
import { asJobId, type JobId, type RunId } from '../../shared/domain';
import type { EventHub } from './event-hub';

const CANCEL_GRACE_MS = 3000;

export interface JobHooks<K extends JobKind> {
  runId: RunId | null;
  /** Persists the result (the store's single writer runs here) and returns metrics for the outcome. */
  onSuccess?: (value: JobResults[K]) => Record<string, number> | null;
  /** Records a failure or cancellation; called before the outcome is announced. */
  onFailure?: (state: 'failed' | 'cancelled', error: MeterErrorData) => void;
}

interface LiveJob {
  info: JobInfo;
  worker: Worker;
  cancel(): void;
  outcome: Promise<JobOutcome>;
}

export class JobManager {
  private jobs = new Map<JobId, LiveJob>();

  constructor(private readonly workerDir: string, private readonly events: EventHub) {}

  start<K extends JobKind>(kind: K, spec: JobSpecs[K], hooks: JobHooks<K>): JobId {
    const jobId = asJobId(randomBytes(8).toString('hex'));
    const flag = newCancelFlag();
    const worker = new Worker(join(this.workerDir, `${kind}.worker.js`));
    const info: JobInfo = { jobId, kind, runId: hooks.runId, state: 'running', phase: 'starting', done: 0, total: 1, startedMs: Date.now() };
    let cancelRequested = false;
    let killTimer: NodeJS.Timeout | null = null;

    const outcome = new Promise<JobOutcome>((resolve) => {
      let settled = false;
      const finish = (state: JobOutcome['state'], error: MeterErrorData | null, value?: JobResults[K]): void => {
        if (settled) return;
        settled = true;
        if (killTimer) clearTimeout(killTimer);
        let metrics: Record<string, number> | null = null;
        try {
          if (state === 'succeeded') metrics = hooks.onSuccess?.(value as JobResults[K]) ?? null;
          else hooks.onFailure?.(state, error!);
        } catch (err) {
          // Saving the result failed: the job failed, and the failure is recorded in its place.
          error = toErrorData(err);
          state = 'failed';
          try { hooks.onFailure?.('failed', error); } catch { /* the store itself is failing; the outcome still says so */ }
        }
        info.state = state;
        const out: JobOutcome = { jobId, kind, runId: hooks.runId, state, error, metrics };
        void worker.terminate();
        this.events.emit('job.finished', out);
        resolve(out);
      };
      worker.on('message', (msg: FromWorker<K>) => {
        if (msg.type === 'progress') {
          Object.assign(info, { phase: msg.phase, done: msg.done, total: msg.total });
          this.events.emit('job.progress', { jobId, kind, runId: hooks.runId, phase: msg.phase, done: msg.done, total: msg.total });
        } else if (msg.type === 'result') {
          finish('succeeded', null, msg.value);
        } else if (msg.type === 'error') {
          finish(msg.error.code === 'CANCELLED' ? 'cancelled' : 'failed', msg.error);
        }
      });
      worker.on('error', (err) => {
        finish('failed', { code: 'WORKER_CRASHED', message: `The ${kind} worker crashed: ${err.message}` });
      });
      worker.on('exit', (code) => {
        if (cancelRequested) finish('cancelled', { code: 'CANCELLED', message: 'The job was cancelled.' });
        else finish('failed', { code: 'WORKER_CRASHED', message: `The ${kind} worker stopped unexpectedly (exit code ${code}).` });
      });
    });

    const cancel = (): void => {
      if (cancelRequested || info.state !== 'running') return;
      cancelRequested = true;
      flag.cancel();
      worker.postMessage({ type: 'cancel', jobId } satisfies ToWorker);
      killTimer = setTimeout(() => void worker.terminate(), CANCEL_GRACE_MS);
    };

    this.jobs.set(jobId, { info, worker, cancel, outcome });
    worker.postMessage({ type: 'start', jobId, kind, spec, cancelFlag: flag.buffer } satisfies ToWorker<K>);
    return jobId;
  }

  /** Runs a job to the end and returns its value, throwing its error (used for short jobs like import). */
  async run<K extends JobKind>(kind: K, spec: JobSpecs[K]): Promise<JobResults[K]> {
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

  wait(jobId: JobId): Promise<JobOutcome> {
    return this.get(jobId).outcome;
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  /** Cancels every running job and waits for all of them to end (app quit, test teardown). */
  async shutdown(): Promise<void> {
    for (const job of this.jobs.values()) job.cancel();
    await Promise.all([...this.jobs.values()].map((j) => j.outcome));
  }

  private get(jobId: JobId): LiveJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new MeterError('NOT_FOUND', `No job with id ${jobId}.`);
    return job;
  }
}

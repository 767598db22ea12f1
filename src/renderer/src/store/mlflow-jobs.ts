// Pushes to and imports from MLflow in this window: the dialog that starts one, the jobs running now (found
// again through jobs.list after a reload, like training), and how each ended (mlflow.result: counts and what
// did not go). The jobs themselves run in core; this only shows them and asks core to cancel.
import { create } from 'zustand';
import type { JobId, RunId } from '../../../shared/domain';
import type { JobKind, JobOutcome, JobProgress } from '../../../shared/jobs';
import type { MlflowTransferResult } from '../../../shared/mlflow-transfer';
import type { AppClient } from '../api/client';
import { toMeterError, type MeterError } from '../api/errors';
import { unreadOutcome } from './unread-outcome';

export type MlflowDirection = 'push' | 'import';
const directionOf = (kind: JobKind): MlflowDirection | null => (kind === 'mlflow-push' ? 'push' : kind === 'mlflow-import' ? 'import' : null);

/** What a push was asked to send (runs selected on the Runs screen, experiments, a registered model). */
export interface PushChoice { runIds?: RunId[]; experiments?: string[]; models?: string[]; /** experiments to tick at first (the Runs screen's filter) */ experimentIds?: string[] }

export interface MlflowJob {
  jobId: JobId;
  direction: MlflowDirection;
  label: string;
  progress: JobProgress | null;
  cancelling: boolean;
  /** set when it ended: succeeded / failed / cancelled */
  state: 'running' | 'succeeded' | 'failed' | 'cancelled';
  result: MlflowTransferResult | null;
  error: MeterError | null;
}

interface MlflowJobsState {
  dialog: null | { direction: 'push'; choice: PushChoice } | { direction: 'import' };
  jobs: MlflowJob[];
  openPush(choice: PushChoice): void;
  openImport(): void;
  closeDialog(): void;
  /** listens to job events once per client and picks up the MLflow jobs already running in core */
  attach(client: AppClient): Promise<void>;
  started(jobId: JobId, direction: MlflowDirection, label: string): void;
  cancel(client: AppClient, jobId: JobId): Promise<void>;
  dismiss(jobId: JobId): void;
}

const attached = new WeakSet<AppClient>();
/**
 * Jobs that ended before the reply that started them arrived (an unreachable server fails in a millisecond, and
 * its job.finished can overtake the start call's answer): kept a moment so `started` can show how they ended.
 */
const endedEarly = new Map<JobId, { client: AppClient; outcome: JobOutcome }>();

export const useMlflowJobs = create<MlflowJobsState>((set, get) => {
  const patch = (jobId: JobId, p: Partial<MlflowJob>) => set({ jobs: get().jobs.map((j) => (j.jobId === jobId ? { ...j, ...p } : j)) });
  const finish = (client: AppClient, o: JobOutcome) => {
    patch(o.jobId, { state: o.state, cancelling: false, error: o.error && o.state === 'failed' ? toMeterError(o.error) : null });
    void client.call('mlflow.result', { jobId: o.jobId }).then((result) => patch(o.jobId, { result }), () => undefined);
  };
  return {
    dialog: null,
    jobs: [],
    openPush: (choice) => set({ dialog: { direction: 'push', choice } }),
    openImport: () => set({ dialog: { direction: 'import' } }),
    closeDialog: () => set({ dialog: null }),

    async attach(client) {
      if (!attached.has(client)) {
        attached.add(client);
        client.on('job.progress', (p) => { if (get().jobs.some((j) => j.jobId === p.jobId)) patch(p.jobId, { progress: p }); });
        client.on('job.finished', (o) => {
          if (!directionOf(o.kind)) return;
          if (get().jobs.some((j) => j.jobId === o.jobId)) { finish(client, o); return; }
          endedEarly.set(o.jobId, { client, outcome: o });
          if (endedEarly.size > 50) endedEarly.delete(endedEarly.keys().next().value!);
        });
        // After a reconnect (browser mode's server restarted), jobs may have ended while we weren't listening.
        // A server gone again before jobs.list answers is no error to raise: the next reconnect reads them.
        client.onConnection((up) => { if (up) void get().attach(client).catch(() => undefined); });
      }
      const listed = (await client.call('jobs.list', {})).filter((j) => directionOf(j.kind));
      const running = listed.filter((j) => j.state === 'running');
      const known = new Set(get().jobs.map((j) => j.jobId));
      const found = running.filter((j) => !known.has(j.jobId)).map((j): MlflowJob => ({
        jobId: j.jobId, direction: directionOf(j.kind)!, label: `${directionOf(j.kind) === 'push' ? 'Pushing to' : 'Importing from'} MLflow (started before this page loaded)`,
        progress: { jobId: j.jobId, kind: j.kind, runId: null, phase: j.phase, done: j.done, total: j.total }, cancelling: false, state: 'running', result: null, error: null,
      }));
      const live = new Set(running.map((j) => j.jobId));
      const stale = get().jobs.filter((j) => j.state === 'running' && !live.has(j.jobId));
      set({ jobs: [...found, ...get().jobs] });
      // Calls go over HTTP and events over a WebSocket (browser mode): a job this answer calls running may have
      // sent its job.finished already, and that event found no row to finish. Finish it now, or it spins for good.
      for (const j of found) {
        const early = endedEarly.get(j.jobId);
        if (early) { endedEarly.delete(j.jobId); finish(early.client, early.outcome); }
      }
      // One shown as running that core no longer runs ended unseen: core keeps its outcome until read (jobs.wait);
      // when even that is gone, say so rather than spin forever.
      for (const j of stale) {
        const outcome = await unreadOutcome(client, listed, j.jobId);
        if (outcome) finish(client, outcome);
        else patch(j.jobId, { state: 'failed', error: toMeterError(new Error('This job ended while the page was not connected; run it again to see its counts (nothing is sent twice).')) });
      }
    },

    started(jobId, direction, label) {
      set({ dialog: null, jobs: [{ jobId, direction, label, progress: null, cancelling: false, state: 'running', result: null, error: null }, ...get().jobs] });
      const early = endedEarly.get(jobId);
      if (early) { endedEarly.delete(jobId); finish(early.client, early.outcome); }
    },

    async cancel(client, jobId) {
      patch(jobId, { cancelling: true });
      await client.call('jobs.cancel', { jobId });
    },

    dismiss: (jobId) => set({ jobs: get().jobs.filter((j) => j.jobId !== jobId) }),
  };
});

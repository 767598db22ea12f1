// The app's "Push to MLflow…" and "Import from MLflow…": each a task job in core (the work is waiting on the
// network, not computing), with progress, Cancel between calls, and a place in jobs.list so a reloaded page
// finds it again. The request is checked before the job starts, so a bad URL or an unknown model is refused
// at once and nothing runs. How each job ended (counts and what did not go) stays here for mlflow.result.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JobId } from '../../shared/domain';
import { MeterError } from '../../shared/errors';
import type { MlflowTransferResult } from '../../shared/mlflow-transfer';
import type { CoreContext } from '../context';
import type { Handlers } from '../jobs/handler-types';
import type { TaskControl } from '../jobs/job-manager';
import { importFromServerCounted, prepareServerImport, type ImportReport } from './import';
import { importFromStoreCounted } from './local-store';
import { preparePush, pushCounted, type PushReport } from './push';
import { takePushLease } from './push-lease';
import type { TransferCounts } from './transfer';

/** Results of this session's jobs, newest kept; a page asks once when it sees the job end. */
const KEEP_RESULTS = 50;

const hooksOf = (control: TaskControl) => ({ progress: control.progress, cancelled: control.cancelled });

function pushProblems(r: PushReport): string[] {
  return [
    ...r.runs.filter((x) => x.error).map((x) => `run ${x.runId}: ${x.error}`),
    // a trial held back for its running search, or pushed without its trashed one
    ...r.runs.filter((x) => x.note && x.note.kind !== 'parent-added').map((x) => `run ${x.runId}: ${x.note!.text}`),
    ...r.versions.filter((v) => v.reason && v.reason !== 'dry run').map((v) => `${v.name} v${v.version}: ${v.reason}`),
  ];
}

function importProblems(r: ImportReport): string[] {
  return [
    ...r.runs.filter((x) => x.artifactsSkipped).map((x) => `run ${x.remoteRunId}: artifacts not imported, ${x.artifactsSkipped}`),
    ...r.runs.filter((x) => x.artifactConflicts?.length).map((x) => `run ${x.remoteRunId}: kept files here that differ from the source's (not overwritten): ${x.artifactConflicts!.join(', ')}`),
    ...r.versions.filter((v) => v.reason && v.reason !== 'dry run').map((v) => `${v.name} version ${v.remoteVersion}: ${v.reason}`),
  ];
}

/** sqlite:///path or a folder: refused now if it is not there (a server is asked when the job runs). */
function checkStore(from: string): void {
  const m = /^sqlite:\/\/\/(.*)$/.exec(from);
  const path = m ? resolve(m[1]) : from.startsWith('file://') ? new URL(from).pathname : resolve(from);
  if (!existsSync(path)) throw new MeterError('NOT_FOUND', `No MLflow store at ${path} (give http(s)://host:port, sqlite:///path/mlflow.db or an mlruns folder).`);
}

export function mlflowHandlers(ctx: CoreContext): Handlers<'mlflow.startPush' | 'mlflow.startImport' | 'mlflow.result'> {
  const results = new Map<JobId, MlflowTransferResult>();
  const keep = (jobId: JobId, r: MlflowTransferResult) => {
    results.set(jobId, r);
    for (const old of [...results.keys()].slice(0, Math.max(0, results.size - KEEP_RESULTS))) results.delete(old);
  };
  const asMetrics = (c: TransferCounts): Record<string, number> => ({ ...c });
  return {
    'mlflow.startPush': (a) => {
      const req = { trackingUri: a.to, token: a.token, user: a.user, password: a.password, experiments: a.experiments ?? [], runIds: a.runIds ?? [], models: a.models ?? [], all: a.all, dryRun: a.dryRun };
      const { remote } = preparePush(ctx, req);
      // Two pushes to one server at once would each create the runs the other has not recorded yet: the
      // lease (push-lease.ts) is taken here, so a second push — from this app or `meter push` on the same
      // store — is refused before its job starts. It is named after the job once that has an id.
      const lease = a.dryRun ? undefined : takePushLease(ctx.db, remote.base, 'a push job starting in the app');
      let jobId: JobId;
      try {
        jobId = ctx.jobs.startTask('mlflow-push', async (control) => {
          try {
            const out = await pushCounted(ctx, req, hooksOf(control), lease);
            keep(control.jobId, { direction: 'push', dryRun: a.dryRun === true, cancelled: out.cancelled, counts: out.counts, problems: pushProblems(out.report) });
            return out.counts;
          } finally {
            lease?.release();
          }
        }, { runId: null, onSuccess: asMetrics });
      } catch (err) {
        lease?.release();
        throw err;
      }
      lease?.relabel(`job ${jobId}`);
      return { jobId };
    },
    'mlflow.startImport': (a) => {
      const server = /^https?:\/\//i.test(a.from);
      const serverReq = { trackingUri: a.from, token: a.token, user: a.user, password: a.password, experiments: [], runIds: [], models: [], all: true, dryRun: a.dryRun };
      if (server) prepareServerImport(serverReq);
      else checkStore(a.from);
      const jobId = ctx.jobs.startTask('mlflow-import', async (control) => {
        const out = server
          ? await importFromServerCounted(ctx, serverReq, hooksOf(control))
          : await importFromStoreCounted(ctx, { source: a.from, artifactsDir: a.artifactsDir }, hooksOf(control), a.dryRun === true);
        keep(control.jobId, { direction: 'import', dryRun: a.dryRun === true, cancelled: control.cancelled(), counts: out.counts, problems: importProblems(out.report) });
        return out.counts;
      }, { runId: null, onSuccess: asMetrics });
      return { jobId };
    },
    'mlflow.result': (a) => results.get(a.jobId) ?? null,
  };
}

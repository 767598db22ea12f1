// How a job ended that this page did not see end (its job.finished went out while no socket was open): core
// keeps a finished job's outcome until someone reads it, listing it in jobs.list as no longer running, and
// jobs.wait hands it over. The app store (training, scoring, monitoring) and the MLflow jobs store both ask.
import type { JobId } from '../../../shared/domain';
import type { JobInfo, JobOutcome } from '../../../shared/jobs';
import type { AppClient } from '../api/client';

/** The outcome of `jobId` if `listed` (a jobs.list answer) shows it ended and unread; null when it still runs or is gone. */
export async function unreadOutcome(client: AppClient, listed: readonly JobInfo[], jobId: JobId): Promise<JobOutcome | null> {
  if (!listed.some((j) => j.jobId === jobId && j.state !== 'running')) return null;
  return client.call('jobs.wait', { jobId }).catch(() => null);
}

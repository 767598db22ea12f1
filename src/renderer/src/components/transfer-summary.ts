// How a push to or an import from MLflow ended, in one line above its counts. A dry run says what did NOT
// happen in the words of its direction ("nothing was sent" on an import read wrong: newcomer finding) and what
// would have, from the counts it made.
import type { MlflowTransferResult } from '../../../shared/mlflow-transfer';
import type { MlflowJob } from '../store/mlflow-jobs';

const n = (count: number, one: string, many = `${one}s`): string => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

/** "3 runs and 1 model version" (what moves), then what did not: already on the other side, or refused (the
 * problems list below the counts says why). */
function what(r: MlflowTransferResult, where: 'on the server' | 'in Meter'): string {
  const c = r.counts;
  // no new run but files: a run already there got the files it lacked ("0 runs" alone read as nothing moved)
  const files = c.runs === 0 && c.artifacts > 0 ? `, and ${n(c.artifacts, 'artifact file')} for runs already ${where}` : '';
  const parts = [`${n(c.runs, 'run')} and ${n(c.versions, 'model version')}${files}`];
  if (c.skipped > 0) parts.push(r.problems.length > 0 ? `${c.skipped.toLocaleString('en-US')} skipped (already ${where}, or see why below)` : `${c.skipped.toLocaleString('en-US')} already ${where}`);
  if (c.errors > 0) parts.push(`${c.errors.toLocaleString('en-US')} refused`);
  return parts.join('; ');
}

export function transferEndedText(job: Pick<MlflowJob, 'direction' | 'state'>, r: MlflowTransferResult | null): string {
  const push = job.direction === 'push';
  if (job.state === 'cancelled') return push ? 'Cancelled: what went is kept; push again to send the rest' : 'Cancelled: imported runs are kept; import again for the rest';
  if (job.state !== 'succeeded') return 'Stopped';
  if (!r) return 'Done';
  if (r.dryRun) return push ? `Dry run: nothing was sent. A push would send ${what(r, 'on the server')}.` : `Dry run: nothing was imported. An import would bring ${what(r, 'in Meter')}.`;
  return push ? `Done: sent ${what(r, 'on the server')}.` : `Done: imported ${what(r, 'in Meter')}.`;
}

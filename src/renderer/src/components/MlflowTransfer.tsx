// Pushes to and imports from MLflow on every screen: the buttons that open their dialogs (Runs toolbar, a
// model's page, Data), and one panel with each job's phase, progress and Cancel while it runs, then its
// counts (or why it stopped). Jobs started before a reload are found again through jobs.list.
import { useEffect } from 'react';
import type { TransferCounts } from '../../../shared/mlflow-transfer';
import { useApp } from '../store/app-store';
import { useMlflowJobs, type MlflowJob, type PushChoice } from '../store/mlflow-jobs';
import { MlflowDialogHost } from './MlflowDialogs';
import { ErrorNotice } from './ErrorNotice';
import { transferEndedText } from './transfer-summary';

const PHASES: Record<string, string> = { 'push runs': 'Sending runs', 'push models': 'Sending registered models', 'list runs': 'Listing runs', 'import runs': 'Importing runs', 'import models': 'Importing registered models', starting: 'Starting' };
const COUNT_LABELS: [keyof TransferCounts, string][] = [
  ['experiments', 'new experiments'], ['runs', 'runs'], ['metrics', 'metric points'], ['artifacts', 'artifact files'],
  ['models', 'new models'], ['versions', 'versions'], ['skipped', 'already there'], ['errors', 'refused'],
];

export function PushToMlflowButton({ choice, disabled }: { choice: PushChoice; disabled?: boolean }) {
  const openPush = useMlflowJobs((s) => s.openPush);
  return <button className="btn" disabled={disabled} onClick={() => openPush(choice)} data-testid="push-to-mlflow">Push to MLflow…</button>;
}

export function ImportFromMlflowButton() {
  const openImport = useMlflowJobs((s) => s.openImport);
  return <button className="btn" onClick={openImport} data-testid="import-from-mlflow">Import from MLflow…</button>;
}

function Counts({ counts, direction }: { counts: TransferCounts; direction: MlflowJob['direction'] }) {
  return (
    <dl data-testid="mlflow-counts">
      {COUNT_LABELS.map(([k, label]) => <div key={k} style={{ display: 'contents' }}><dt>{k === 'skipped' && direction === 'import' ? 'already in Meter' : label}</dt><dd data-count={k}>{counts[k].toLocaleString('en-US')}</dd></div>)}
    </dl>
  );
}

function JobCard({ job }: { job: MlflowJob }) {
  const client = useApp((s) => s.client);
  const { cancel, dismiss } = useMlflowJobs();
  const p = job.progress;
  const pct = p && p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 0;
  const r = job.result;
  const ended = transferEndedText(job, r);
  return (
    <section className="card" aria-live="polite" data-testid="mlflow-job" data-state={job.state} style={{ marginBottom: 12, maxWidth: 720 }}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <strong style={{ overflowWrap: 'anywhere' }}>{job.label}</strong>
        <span className="muted" data-testid="mlflow-phase">
          {job.state === 'running' ? (job.cancelling ? 'Cancelling…' : `${p ? PHASES[p.phase] ?? p.phase : 'Starting'}${p && p.total > 1 ? ` · ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}` : ''}`) : ended}
        </span>
      </div>
      {job.state === 'running' && (<>
        <div className="bar" role="progressbar" aria-label={job.label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} style={{ margin: '10px 0' }}><div style={{ width: `${pct}%` }} /></div>
        <button className="btn danger" disabled={job.cancelling || !client} onClick={() => client && void cancel(client, job.jobId)}>Cancel</button>
      </>)}
      {job.state !== 'running' && (<>
        {r && <Counts counts={r.counts} direction={job.direction} />}
        {r && r.problems.length > 0 && (
          <details style={{ marginTop: 8 }}><summary>{r.problems.length} not transferred in full: why</summary><ul>{r.problems.map((x) => <li key={x} style={{ overflowWrap: 'anywhere' }}>{x}</li>)}</ul></details>
        )}
        <ErrorNotice variant="block" error={job.error} foreign />
        <button className="btn" style={{ marginTop: 8 }} onClick={() => dismiss(job.jobId)}>Dismiss</button>
      </>)}
    </section>
  );
}

/** The panel of MLflow jobs and the dialog host; mounted once in App. */
export function MlflowTransfer() {
  const client = useApp((s) => s.client);
  const jobs = useMlflowJobs((s) => s.jobs);
  const attach = useMlflowJobs((s) => s.attach);
  useEffect(() => { if (client) void attach(client).catch(() => undefined); }, [client, attach]);
  return (
    <>
      {jobs.length > 0 && <div data-testid="mlflow-jobs">{jobs.map((j) => <JobCard key={j.jobId} job={j} />)}</div>}
      <MlflowDialogHost />
    </>
  );
}

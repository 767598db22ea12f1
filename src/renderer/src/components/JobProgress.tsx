// The running job: phase, a progress bar, and Cancel (also Escape).
import { useCallback } from 'react';
import { useApp } from '../store/app-store';
import { useEscapeToCancel } from './useEscape';

const PHASES: Record<string, string> = { load: 'Reading parquet', prepare: 'Binning features', fit: 'Fitting', predict: 'Predicting', evaluate: 'Evaluating', save: 'Saving', inspect: 'Checking schema' };
const phaseLabel = (p: string): string => PHASES[p] ?? p.replace(/^score /, 'Scoring ').replace(/^write /, 'Writing predictions for ');

export function JobProgress() {
  const job = useApp((s) => s.job);
  const cancelJob = useApp((s) => s.cancelJob);
  useEscapeToCancel(job !== null && !job.cancelling, useCallback(() => void cancelJob(), [cancelJob]));
  if (!job) return null;
  const p = job.progress;
  const pct = p && p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 0;
  const phase = p ? phaseLabel(p.phase) : 'Starting worker';
  return (
    <section className="progress card" aria-live="polite" data-testid="job-progress">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <strong>{job.label}</strong>
        <span className="muted">{job.cancelling ? 'Cancelling…' : `${phase}${p && p.total > 1 ? ` · ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}` : ''}`}</span>
      </div>
      <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} style={{ margin: '10px 0' }}>
        <div style={{ width: `${pct}%` }} />
      </div>
      <button className="btn danger" onClick={() => void cancelJob()} disabled={job.cancelling}>Cancel <span className="muted">(Esc)</span></button>
    </section>
  );
}

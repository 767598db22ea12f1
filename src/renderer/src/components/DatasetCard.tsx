// One dataset's schema report, one file's import error, or a file that was a dataset already, as a card.
import { useRef, useState } from 'react';
import type { Dataset, ImportedDataset } from '../../../shared/domain';
import type { MeterErrorData } from '../../../shared/errors';
import { fmtBytes, fmtInt } from '../format';
import { ErrorNotice } from './ErrorNotice';
import { useAction } from './useAction';
import { ConfirmBar } from './ConfirmBar';
import { useApp } from '../store/app-store';
import { outsideMonth } from './outside-month';

export function DatasetCard({ dataset }: { dataset: Dataset }) {
  const r = dataset.report;
  const f = r.filter;
  const outside = outsideMonth(r.pickupMonth, r.pickupMin, r.pickupMax);
  const client = useApp((s) => s.client);
  const refresh = useApp((s) => s.refresh);
  const [asking, setAsking] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const { run, retry, error } = useAction();
  const remove = () => { setAsking(false); if (client) void run(async () => { await client.call('data.remove', { datasetId: dataset.datasetId }); await refresh(); }); };
  return (
    <article className="card" data-testid="dataset-card" aria-label={`dataset ${dataset.fileName}`}>
      <h3 className="card-title"><span className="name" title={dataset.fileName}>{dataset.fileName}</span> <span className={`badge ${r.kind}`}>{r.kind}</span></h3>
      <dl>
        <dt>Rows</dt><dd>{fmtInt(r.rows)}</dd>
        <dt>Month</dt><dd>{r.pickupMonth ?? '—'}</dd>
        <dt>Pickups</dt><dd>{r.pickupMin ? `${r.pickupMin.slice(0, 10)} → ${r.pickupMax?.slice(0, 10)}` : '—'}</dd>
        <dt>1–60 min</dt><dd>kept {fmtInt(f.kept)} · dropped {fmtInt(f.dropped)}</dd>
        <dt>Dropped</dt><dd className="muted">{fmtInt(f.tooShort)} &lt;1 min, {fmtInt(f.tooLong)} &gt;60 min, {fmtInt(f.missingTime)} no time{f.badDistance ? <>, {fmtInt(f.badDistance)} bad distance</> : null}</dd>
        <dt>Mean</dt><dd>{f.meanKeptMinutes.toFixed(2)} min</dd>
        <dt>Size</dt><dd>{fmtBytes(dataset.sizeBytes)} · {r.columns.length} columns</dd>
        <dt>sha256</dt><dd className="mono" title={dataset.sha256}>{dataset.sha256.slice(0, 16)}…</dd>
      </dl>
      {outside && <p className="warnings" role="status" data-testid="outside-month">{outside}</p>}
      <details className="columns">
        <summary className="muted">Columns ({r.columns.length})</summary>
        <table className="grid" aria-label={`columns of ${dataset.fileName}`}>
          <thead><tr><th>Column</th><th>Type</th><th className="num">Nulls</th></tr></thead>
          <tbody>{r.columns.map((c) => <tr key={c.name}><td className="mono">{c.name}</td><td className="mono">{c.dtype}</td><td className="num">{fmtInt(c.nullCount)}</td></tr>)}</tbody>
        </table>
      </details>
      <div className="row" style={{ marginTop: 8, flexWrap: 'wrap' }}>
        {!asking && <button ref={opener} className="link" onClick={() => setAsking(true)}>Remove…</button>}
        {asking && (
          <ConfirmBar label={`confirm removing ${dataset.fileName}`} onCancel={() => setAsking(false)} returnFocus={() => opener.current}>
            Remove this dataset from Meter? (Only when no run read it.)
            <button className="btn danger" onClick={remove}>Remove</button>
            <button className="btn" data-safe onClick={() => setAsking(false)}>Keep it</button>
          </ConfirmBar>
        )}
        <ErrorNotice error={error} onRetry={retry} />
      </div>
    </article>
  );
}

export function ImportErrorCard({ fileName, error, onDismiss, onChooseFile }: {
  fileName: string; error: MeterErrorData; onDismiss: () => void; onChooseFile?: () => void;
}) {
  return (
    <ErrorNotice variant="card" heading={fileName} error={error} onDismiss={onDismiss} onChooseFile={onChooseFile}
      testId="import-error" label={`import error ${fileName}`} />
  );
}

/** A file whose bytes were a dataset already (dropped again, or the CLI's copy of an uploaded month): named, nothing added. */
export function AlreadyImportedCard({ fileName, dataset, onDismiss }: { fileName: string; dataset: ImportedDataset; onDismiss: () => void }) {
  return (
    <article className="card" role="status" data-testid="already-imported" aria-label={`already imported ${fileName}`}>
      <h3 className="card-title"><span className="name" title={fileName}>{fileName}</span> <span className="badge">already imported</span></h3>
      <p style={{ margin: '6px 0' }}>Its bytes are the dataset <strong>{dataset.fileName}</strong> (same sha256), so nothing was added; train and score on that one.</p>
      <p className="muted mono" style={{ margin: '0 0 8px', wordBreak: 'break-all' }}>{dataset.path}</p>
      <button className="link" onClick={onDismiss}>Dismiss</button>
    </article>
  );
}

// One drift report: dataset drift and alerts, a row per column sorted by drift (test, statistic, threshold,
// summaries, both distributions overlaid), model quality with residuals by hour and zone, and export as a
// self-contained HTML file or as JSON.
import type { ColumnDrift, ColumnSummary, DriftReport } from '../../../shared/domain';
import { fmtInt, fmtMetric, fmtTime } from '../format';
import { distributionOption, residualsOption } from '../screens/monitor-charts';
import { EChart } from './EChart';
import { useApp } from '../store/app-store';
import { useAction } from './useAction';
import { ErrorNotice } from './ErrorNotice';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x));

function download(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Drifted first, then by how far past (or close to) its threshold each column is. */
export function byDrift(columns: ColumnDrift[]): ColumnDrift[] {
  const score = (c: ColumnDrift) => (c.pValue ? (c.threshold - c.statistic) / c.threshold : (c.statistic - c.threshold) / c.threshold);
  return [...columns].sort((a, b) => Number(b.drifted) - Number(a.drifted) || score(b) - score(a));
}

function Summary({ s }: { s: ColumnSummary }) {
  if (s.kind === 'numeric') {
    return <span>{fmtInt(s.count)} values, {pct(s.missingShare)} missing · mean {num(s.mean)} · q25 {num(s.q25)} · median {num(s.median)} · q75 {num(s.q75)}</span>;
  }
  return (
    <span>{fmtInt(s.count)} values, {pct(s.missingShare)} missing, {s.distinct} categories · top {s.top.slice(0, 3).map((t) => `${t.value} (${pct(t.share)})`).join(', ')}
      {s.newCategories.length > 0 && <> · <b>new</b>: {s.newCategories.slice(0, 5).map((t) => `${t.value} (${pct(t.share)})`).join(', ')}</>}</span>
  );
}

/** `title`: the report's name as users say it ("taxi-duration v1 @champion, 2023-03"); the URI stays below. */
export function DriftReportView({ report: r, title }: { report: DriftReport; title: string }) {
  const client = useApp((s) => s.client);
  const exporting = useAction();
  const q = r.quality;
  const exportHtml = () => void exporting.run(async () => {
    if (!client) return;
    const { fileName, html } = await client.call('monitoring.html', { reportId: r.reportId });
    download(fileName, html, 'text/html');
  });
  return (
    <article data-testid="drift-report">
      <div className="card">
        <h2 data-testid="report-title" style={{ margin: '0 0 6px' }}>{title}</h2>
        <h3>Dataset drift: <span className={r.datasetDrift.drifted ? 'bad' : 'ok'} data-testid="dataset-drift">{r.datasetDrift.drifted ? 'detected' : 'not detected'}</span>
          {' '}<span className="badge">{r.month ?? '—'}</span></h3>
        <p>{r.datasetDrift.driftedColumns.length} of {r.datasetDrift.columnCount} feature columns drifted (share {num(r.datasetDrift.share)}, threshold {r.datasetDrift.threshold}).</p>
        <div className="kv">
          <span>Model</span><span className="mono">{r.model.uri}</span>
          <span>Reference</span><span>{r.reference.fileName} · {fmtInt(r.reference.kept)} rows · {r.reference.source === 'training' ? "the version's training data" : 'chosen file'}</span>
          <span>Current</span><span>{r.current.map((c) => `${c.fileName} (${fmtInt(c.kept)} rows)`).join(', ')}</span>
          <span>Created</span><span>{fmtTime(r.createdMs)}</span>
        </div>
        {r.alerts.length > 0 && (
          <div className="card error" role="alert" data-testid="drift-alerts" style={{ marginTop: 10 }}>
            <strong>Alerts</strong><ul>{r.alerts.map((a, i) => <li key={i}>{a.message}</li>)}</ul>
          </div>
        )}
        <div className="row" style={{ marginTop: 10, gap: 8 }}>
          <button className="btn" onClick={exportHtml}>Export HTML</button>
          <button className="btn" onClick={() => download(`drift-${r.reportId}.json`, JSON.stringify(r, null, 2), 'application/json')}>Export JSON</button>
        </div>
        <ErrorNotice variant="block" error={exporting.error} onRetry={exporting.retry} />
      </div>
      <table className="grid" aria-label="column drift" style={{ marginTop: 12 }}>
        <thead><tr><th>Column</th><th>Test</th><th className="num">Statistic</th><th className="num">Threshold</th><th>Drift</th><th>Distributions (reference / current)</th></tr></thead>
        <tbody>{byDrift(r.columns).map((c) => (
          <tr key={c.column} data-column={c.column} className={c.drifted ? 'changed' : ''}>
            <td><b>{c.column}</b><br /><span className="muted">{c.kind}</span></td>
            <td>{c.method}{c.pValue ? ' (p-value)' : ''}</td>
            <td className="num mono">{num(c.statistic)}</td><td className="num mono">{c.threshold}</td>
            <td>{c.drifted ? <b className="bad">drifted</b> : 'no drift'}</td>
            <td style={{ width: '52%', whiteSpace: 'normal', minWidth: 0 }}>
              <EChart option={distributionOption(c.chart)} label={`${c.column} distributions`} />
              <div className="muted" style={{ fontSize: 12 }}>reference: <Summary s={c.reference} /><br />current: <Summary s={c.current} /></div>
            </td>
          </tr>
        ))}</tbody>
      </table>
      {q ? (
        <div className="card" style={{ marginTop: 12 }} aria-label="model quality">
          <h3>Model quality</h3>
          <div className="kv">
            <span>RMSE</span><span className="mono" data-testid="drift-rmse">{fmtMetric(q.rmse)}{q.validationRmse !== null && ` (validation ${fmtMetric(q.validationRmse)}, ${q.rmseChange! >= 0 ? '+' : ''}${pct(q.rmseChange!)})`}</span>
            <span>MAE</span><span className="mono">{fmtMetric(q.mae)}{q.validationMae !== null && ` (validation ${fmtMetric(q.validationMae)}, ${q.maeChange! >= 0 ? '+' : ''}${pct(q.maeChange!)})`}</span>
          </div>
          <div className="compare-grid" style={{ marginTop: 10 }}>
            <section><h4>Residuals by pickup hour</h4><EChart option={residualsOption(q.byHour, 'hour')} label="residuals by hour" /></section>
            <section><h4>Residuals by pickup zone (busiest 20)</h4><EChart option={residualsOption(q.byZone, 'zone')} label="residuals by zone" /></section>
          </div>
        </div>
      ) : <p className="muted">The current data has no dropoff times, so the model's errors cannot be measured.</p>}
    </article>
  );
}

// One scored file: rows, errors when labelled, the output path, and its charts (prediction and residual
// histograms, residuals by pickup hour).
import { CopyButton } from './CopyButton';
import { ErrorNotice } from './ErrorNotice';
import { useAction } from './useAction';
import { useApp } from '../store/app-store';
import { saveBlob } from '../save-blob';
import type { ScoringRecord } from '../../../shared/domain';
import { fmtInt, fmtMetric } from '../format';
import { EChart } from './EChart';
import { countHistogramOption as bars } from '../screens/score-charts';

export function ScoringResult({ rec }: { rec: ScoringRecord }) {
  const f = rec.file;
  if (!f) {
    return (
      <article className="card error" role="alert" data-testid="scoring-failed">
        <h3>{rec.inputPath.split(/[\\/]/).pop()}</h3><p>{rec.status === 'KILLED' ? 'Cancelled; no output was written.' : rec.error}</p>
      </article>
    );
  }
  const hours = f.charts.byHour;
  return (
    <article className="card" data-testid="scoring-result" style={{ marginTop: 14 }}>
      <h3>{f.fileName} <span className="badge">{f.month ?? '—'}</span>{f.kind && <span className="badge">{f.kind}</span>}</h3>
      {f.warnings && f.warnings.length > 0 && <div className="warnings" role="status" data-testid="scoring-warnings">{f.warnings.map((w) => <p key={w} style={{ margin: 0 }}>{w}</p>)}</div>}
      <div className="kv">
        <span>Rows</span><span>{fmtInt(f.scored)} scored of {fmtInt(f.rows)}{f.labelled ? ' (trips of 1–60 minutes, as in training)' : ' (no labels in the file)'}</span>
        {f.metrics && <><span>RMSE</span><span className="mono" data-testid="scoring-rmse">{fmtMetric(f.metrics.rmse)}</span><span>MAE</span><span className="mono">{fmtMetric(f.metrics.mae)}</span></>}
        <span>Model</span><span className="mono">{rec.model.uri}{rec.model.version ? ` (v${rec.model.version})` : ''}</span>
        <span>Output</span><span className="row"><span className="mono" data-testid="scoring-output">{f.outputPath}</span>
          <CopyButton text={f.outputPath} label="copy path" /><DownloadOutput scoringId={rec.scoringId} fileName={f.outputPath.split(/[\\/]/).pop() ?? 'predictions.parquet'} /></span>
        <span>Input sha256</span><span className="mono">{f.sha256.slice(0, 16)}…</span>
      </div>
      <div className="compare-grid" style={{ marginTop: 10 }}>
        <section><h4>Predicted duration (minutes)</h4><EChart option={bars(f.charts.predictions.edges, f.charts.predictions.counts, 'minutes')} label="prediction histogram" /></section>
        {f.charts.residuals && <section><h4>Residual: predicted − actual (minutes)</h4><EChart option={bars(f.charts.residuals.edges, f.charts.residuals.counts, 'minutes')} label="residual histogram" /></section>}
        {hours && <section><h4>Residuals by pickup hour</h4><EChart label="residuals by hour chart" option={{
          tooltip: { trigger: 'axis' }, legend: { top: 0, right: 0, data: ['mean residual', 'RMSE'] }, grid: { left: 56, right: 16, top: 40, bottom: 40 },
          xAxis: { type: 'category', data: hours.map((h) => String(h.hour)), name: 'hour', nameLocation: 'middle', nameGap: 24 }, yAxis: { type: 'value', name: 'minutes' },
          series: [{ name: 'mean residual', type: 'bar', data: hours.map((h) => h.meanResidual) }, { name: 'RMSE', type: 'line', data: hours.map((h) => h.rmse) }],
        }} /></section>}
      </div>
    </article>
  );
}

/** Browser mode: the predictions file itself (the desktop app has the path). */
function DownloadOutput({ scoringId, fileName }: { scoringId: string; fileName: string }) {
  const output = useApp((s) => s.client?.output ?? null);
  const { run, retry, error } = useAction();
  if (!output) return null;
  return (
    <>
      <button className="link" onClick={() => void run(async () => saveBlob(await output(scoringId), fileName))}>Download</button>
      <ErrorNotice error={error} onRetry={retry} />
    </>
  );
}

// One run: params, metrics (with a chart), metric history, tags, editable notes, dataset lineage, artifacts.
import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MetricPoint, Run } from '../../../shared/domain';
import { asRunId } from '../../../shared/domain';
import { fmtDuration, fmtInt, fmtMetric, fmtTime } from '../format';
import { useApp } from '../store/app-store';
import { EChart } from '../components/EChart';
import { NotesEditor, RunName, TagsEditor } from '../components/RunEditors';
import { RegisterButton } from '../components/ModelBits';
import { ErrorNotice } from '../components/ErrorNotice';
import { useAction } from '../components/useAction';
import { ConfirmBar } from '../components/ConfirmBar';
import { ArtifactList } from '../components/ArtifactList';
import { RunStatus } from '../components/RunStatus';
import { defaultScale, effectiveView, timedCharts, MetricChartControls, MetricChartGrid } from '../components/MetricCharts';
import type { YScale } from './compare-charts';
import { DEFAULT_VIEW, type ChartView } from './metric-series';
import { errorBarsOption } from './run-charts';


export function RunDetail({ runId }: { runId: string }) {
  const client = useApp((s) => s.client);
  const navigate = useApp((s) => s.navigate);
  const [run, setRun] = useState<Run | null>(null);
  const [history, setHistory] = useState<Record<string, MetricPoint[]>>({});
  const { run: attempt, retry, error } = useAction();

  const load = useCallback(() => attempt(async () => {
    if (!client) return;
    const r = await client.call('runs.get', { runId: asRunId(runId) });
    setRun(r);
    const h: Record<string, MetricPoint[]> = {};
    for (const key of r.historyKeys) h[key] = await client.call('runs.metricHistory', { runId: r.runId, key });
    setHistory(h);
  }), [attempt, client, runId]);
  useEffect(() => { void load(); }, [load]);

  const errorsChart = useMemo(() => (run ? errorBarsOption(run.metrics) : null), [run]);
  // Metric charts: one per metric logged over steps, on a log axis by default only when values span decades.
  const [scaleChoice, setScale] = useState<YScale | null>(null);
  const [view, setView] = useState<ChartView>(DEFAULT_VIEW);
  const charts = useMemo(() => Object.entries(history).map(([key, points]) => ({ key, series: [{ name: run?.name ?? key, points }] })), [history, run?.name]);
  const scale = scaleChoice ?? defaultScale(charts);
  const timed = timedCharts(charts);
  const shown = effectiveView(view, timed);

  if (error) return <ErrorNotice variant="page" error={error} onRetry={retry}><button className="btn" onClick={() => navigate({ screen: 'runs' })}>Back to runs</button></ErrorNotice>;
  if (!run) return <p className="muted">Loading run…</p>;
  return (
    <>
      <p><button className="btn" onClick={() => navigate({ screen: 'runs' })}>← Runs</button></p>
      <h2 data-testid="run-title"><RunName run={run} onChange={setRun} /> <RunStatus run={run} />{run.deletedMs !== null && <span className="badge"> in trash</span>}</h2>
      <p className="muted mono">{run.runId} · {run.experimentName} · started {fmtTime(run.startMs)} · {fmtDuration(run.endMs === null ? null : run.endMs - run.startMs)} · {run.source.type} {run.source.name}{run.source.gitCommit ? ` @ ${run.source.gitCommit.slice(0, 8)}` : ''}</p>
      {run.error && <p role="alert" className="card error">{run.error}</p>}
      <RunActions run={run} onChange={setRun} />
      <div className="detail">
        <section className="card"><h3>Parameters</h3>
          {Object.keys(run.params).length === 0 ? <p className="muted" data-testid="no-params">No parameters logged.</p> : (
            <div className="kv">{Object.entries(run.params).map(([k, v]) => <Fragment key={k}><span>{k}</span><span className="mono value" title={v}>{v}</span></Fragment>)}</div>
          )}
        </section>
        <section className="card"><h3>Metrics</h3>
          {Object.keys(run.metrics).length === 0 ? <p className="muted" data-testid="no-metrics">{noMetricsWhy(run.status)}</p> : (
            <div className="kv" data-testid="metrics">{Object.entries(run.metrics).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => <Fragment key={k}><span>{k}</span><span className="mono">{fmtMetric(v)}</span></Fragment>)}</div>
          )}
        </section>
        <section className="card"><h3>Tags</h3><TagsEditor run={run} onChange={setRun} /><h3 style={{ marginTop: 16 }}>Notes</h3><NotesEditor run={run} onChange={setRun} /></section>
        {errorsChart && <section className="card wide"><h3>Errors (minutes)</h3><EChart option={errorsChart} label="error metrics chart" /></section>}
        {charts.length > 0 && (
          <section className="card wide" aria-label="metric charts">
            <div className="row" style={{ justifyContent: 'space-between', flexWrap: 'wrap' }}><h3>Metric charts</h3><MetricChartControls scale={scale} onScale={setScale} view={view} onView={setView} timed={timed} /></div>
            <MetricChartGrid charts={charts} scale={scale} view={shown} />
          </section>
        )}
        <section className="card wide"><h3>Datasets</h3>
          {run.inputs.length === 0 ? <p className="muted">None recorded.</p> : <table className="grid" aria-label="lineage"><thead><tr><th>Role</th><th>File</th><th>Kind</th><th>Month</th><th>Rows</th><th title="trips of 1–60 minutes this run read from the file">Trips used</th><th>sha256</th></tr></thead>
            <tbody>{run.inputs.map((i, k) => (
              <tr key={`${i.role}-${k}`}><td>{i.role}</td><td title={i.dataset.path}>{i.dataset.fileName}</td><td>{i.dataset.kind}</td><td>{i.dataset.pickupMonth ?? '—'}</td>
                <td className="num">{fmtInt(i.dataset.rows)}</td><td className="num">{i.rows === null ? '—' : fmtInt(i.rows)}</td><td className="mono" title={i.dataset.sha256}>{i.dataset.sha256.slice(0, 16)}…</td></tr>
            ))}</tbody></table>}
        </section>
        <section className="card wide"><h3>Artifacts</h3><ArtifactList run={run} /></section>
      </div>
    </>
  );
}

function RunActions({ run, onChange }: { run: Run; onChange: (r: Run) => void }) {
  const client = useApp((s) => s.client);
  const navigate = useApp((s) => s.navigate);
  const [confirm, setConfirm] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const { run: attempt, retry, error } = useAction();
  if (run.status === 'RUNNING' || !client) return null;
  const setDeleted = (deleted: boolean) => attempt(async () => {
    await client.call('runs.setDeleted', { runIds: [run.runId], deleted });
    onChange(await client.call('runs.get', { runId: run.runId }));
  });
  const purge = () => attempt(async () => { await client.call('runs.purge', { runIds: [run.runId] }); navigate({ screen: 'runs' }); });
  return (
    <div className="row" style={{ marginBottom: 12, flexWrap: 'wrap' }}>
      {run.status === 'FINISHED' && run.deletedMs === null && run.tags['meter.search'] !== 'parent' && <RegisterButton runId={run.runId} />}
      {run.deletedMs === null
        ? <button className="btn" onClick={() => void setDeleted(true)}>Move to trash</button>
        : <button className="btn" onClick={() => void setDeleted(false)}>Restore</button>}
      {!confirm && <button ref={opener} className="btn danger" onClick={() => setConfirm(true)}>Delete for good…</button>}
      {confirm && (
        <ConfirmBar label="confirm purge" onCancel={() => setConfirm(false)} returnFocus={() => opener.current}>
          Delete this run and its artifact files for good?
          <button className="btn danger" onClick={() => void purge()}>Delete for good</button>
          <button className="btn" data-safe onClick={() => setConfirm(false)}>Keep it</button>
        </ConfirmBar>
      )}
      <ErrorNotice error={error} onRetry={retry} />
    </div>
  );
}

/** Why a run's Metrics card is empty: an empty card reads as a display fault. */
function noMetricsWhy(status: Run['status']): string {
  switch (status) {
    case 'KILLED': return 'No metrics: the run was killed before it logged any.';
    case 'FAILED': return 'No metrics: the run failed before it logged any (see the error above).';
    case 'RUNNING': return 'No metrics yet: the run is still going.';
    default: return 'No metrics: the run logged none.';
  }
}

// Compare 2…N runs: a param/metric diff table (only differences on request), and echarts: a metric per run,
// metric histories overlaid, parallel coordinates (params → a metric), and any key against any other.
// The runs and every choice live in the URL (#/compare?runs=…&metric=…&x=…&y=…), so a comparison reopens.
import { useEffect, useMemo, useState } from 'react';
import type { MetricPoint, Run } from '../../../shared/domain';
import { asRunId } from '../../../shared/domain';
import { useApp } from '../store/app-store';
import { hashFor } from '../store/route';
import { EChart } from '../components/EChart';
import { fmtMetric } from '../format';
import { ErrorNotice } from '../components/ErrorNotice';
import { useAction } from '../components/useAction';
import { autoScale, barOption, defaultScatterX, historyOption, parallelOption, scatterOption, type YScale } from './compare-charts';
import { ScaleToggle } from '../components/ScaleToggle';
import { ChartsView } from './ChartsView';

/** The runs' table and plots, or (view=charts) one chart per metric across them. */
export function CompareScreen() {
  const route = useApp((s) => s.route);
  const ids = useMemo(() => (route.query.runs ?? '').split(',').filter(Boolean), [route.query.runs]);
  return route.query.view === 'charts' ? <ChartsView ids={ids} /> : <CompareRuns />;
}

function CompareRuns() {
  const route = useApp((s) => s.route);
  const client = useApp((s) => s.client);
  const navigate = useApp((s) => s.navigate);
  const ids = useMemo(() => (route.query.runs ?? '').split(',').filter(Boolean), [route.query.runs]);
  const [runs, setRuns] = useState<Run[]>([]);
  const { run: attempt, retry, error } = useAction();
  const [history, setHistory] = useState<Record<string, MetricPoint[]>>({});
  const q = route.query;
  const setQuery = (patch: Record<string, string>) => {
    const query = { ...q, ...patch };
    window.history.replaceState(null, '', hashFor({ screen: 'compare', query }));
    useApp.setState({ route: { ...route, query } });
  };

  useEffect(() => {
    if (client) void attempt(async () => setRuns(await Promise.all(ids.map((id) => client.call('runs.get', { runId: asRunId(id) })))));
  }, [attempt, client, ids]);

  const paramKeys = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort(), [runs]);
  const metricKeys = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort(), [runs]);
  const historyKeys = useMemo(() => [...new Set(runs.flatMap((r) => r.historyKeys))].sort(), [runs]);
  const differs = (get: (r: Run) => unknown) => new Set(runs.map((r) => String(get(r) ?? '—'))).size > 1;
  const diffParams = paramKeys.filter((k) => differs((r) => r.params[k]));
  const metric = q.metric && metricKeys.includes(q.metric) ? q.metric : metricKeys.includes('rmse_val') ? 'rmse_val' : metricKeys[0] ?? '';
  const hist = q.hist && historyKeys.includes(q.hist) ? q.hist : historyKeys[0] ?? '';
  const axes = [...paramKeys.map((k) => `params.${k}`), ...metricKeys.map((k) => `metrics.${k}`)];
  const y = q.y && axes.includes(q.y) ? q.y : `metrics.${metric}`;
  const x = q.x && axes.includes(q.x) ? q.x : defaultScatterX(runs, diffParams, metricKeys, paramKeys, y);
  const onlyDiff = q.diff !== '0';
  const yScale: YScale = q.yscale === 'log' || q.yscale === 'linear' ? q.yscale : autoScale(Object.values(history).map((points) => ({ points })));

  useEffect(() => {
    if (!client || !hist) return;
    Promise.all(runs.filter((r) => r.historyKeys.includes(hist)).map(async (r) => [r.runId, await client.call('runs.metricHistory', { runId: r.runId, key: hist })] as const))
      .then((pairs) => setHistory(Object.fromEntries(pairs)), () => {});
  }, [client, runs, hist]);

  if (error) return <ErrorNotice variant="page" error={error} onRetry={retry} />;
  if (ids.length < 2) return <p>Select two or more runs on the Runs screen to compare them. <button className="btn" onClick={() => navigate({ screen: 'runs' })}>Runs</button></p>;
  if (runs.length < ids.length) return <p className="muted">Loading {ids.length} runs…</p>;
  const select = (label: string, value: string, options: string[], key: string) => (
    <label className="row">{label}
      <select aria-label={label} value={value} onChange={(e) => setQuery({ [key]: e.target.value })}>{options.map((o) => <option key={o} value={o}>{o}</option>)}</select>
    </label>
  );
  const shownParams = onlyDiff ? diffParams : paramKeys;
  return (
    <>
      <p className="row">
        <button className="btn" onClick={() => navigate({ screen: 'runs' })}>← Runs</button>
        <a className="btn" href={hashFor({ screen: 'compare', query: { runs: ids.join(','), view: 'charts' } })}>Charts of every metric</a>
      </p>
      <h2>Compare {runs.length} runs</h2>
      <section className="card" style={{ marginBottom: 14, overflowX: 'auto' }}>
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <h3>Parameters and metrics</h3>
          <label><input type="checkbox" checked={onlyDiff} onChange={(e) => setQuery({ diff: e.target.checked ? '1' : '0' })} /> only differences</label>
        </div>
        <table className="grid diff" aria-label="param diff">
          <thead><tr><th>key</th>{runs.map((r) => <th key={r.runId}><a href={hashFor({ screen: 'runs', runId: r.runId })}>{r.name}</a></th>)}</tr></thead>
          <tbody>
            {shownParams.map((k) => (
              <tr key={`p-${k}`}><td>params.{k}</td>{runs.map((r) => <td key={r.runId} className={diffParams.includes(k) ? 'changed' : ''}>{r.params[k] ?? '—'}</td>)}</tr>
            ))}
            {shownParams.length === 0 && <tr><td colSpan={runs.length + 1} className="muted">All parameters are the same.</td></tr>}
            {metricKeys.filter((k) => !onlyDiff || differs((r) => r.metrics[k])).map((k) => (
              <tr key={`m-${k}`}><td>metrics.{k}</td>{runs.map((r) => <td key={r.runId} className="num">{fmtMetric(r.metrics[k])}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="compare-grid">
        <section className="card"><div className="row" style={{ justifyContent: 'space-between' }}><h3>Metric</h3>{select('metric', metric, metricKeys, 'metric')}</div>
          <EChart option={barOption(runs, metric)} label="metric bar chart" /></section>
        <section className="card wide"><div className="row" style={{ justifyContent: 'space-between' }}><h3>Parallel coordinates</h3><span className="muted">the {diffParams.length} params that differ → {metric}, coloured by {metric}</span></div>
          <EChart option={parallelOption(runs, diffParams, metric)} label="parallel coordinates chart" /></section>
        <section className="card"><div className="row" style={{ justifyContent: 'space-between' }}><h3>Scatter</h3><span className="row">{select('x', x, axes, 'x')}{select('y', y, axes, 'y')}</span></div>
          <EChart option={scatterOption(runs, x, y)} label="scatter chart" /></section>
        <section className="card"><div className="row" style={{ justifyContent: 'space-between' }}><h3>Metric history</h3><span className="row">{hist && <ScaleToggle value={yScale} onChange={(v) => setQuery({ yscale: v })} />}{hist && select('history', hist, historyKeys, 'hist')}</span></div>
          {hist ? <EChart option={historyOption(runs, hist, history, yScale)} label="metric history overlay chart" /> : <p className="muted">None of these runs has a metric logged over steps (lasso logs its objective per sweep).</p>}</section>
      </div>
    </>
  );
}

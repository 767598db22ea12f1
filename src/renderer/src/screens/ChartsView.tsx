// Charts across the selected runs (#/compare?runs=…&view=charts), as MLflow's chart view: one chart per metric
// logged over steps, a line per run, and one set of controls (value axis, smoothing, x axis) for all.
import { useEffect, useMemo, useState } from 'react';
import type { MetricPoint, Run } from '../../../shared/domain';
import { asRunId } from '../../../shared/domain';
import { useApp } from '../store/app-store';
import { hashFor } from '../store/route';
import { ErrorNotice } from '../components/ErrorNotice';
import { useAction } from '../components/useAction';
import { defaultScale, effectiveView, timedCharts, MetricChartControls, MetricChartGrid, type MetricChart } from '../components/MetricCharts';
import type { YScale } from './compare-charts';
import { DEFAULT_VIEW, type ChartView } from './metric-series';

export function ChartsView({ ids }: { ids: string[] }) {
  const client = useApp((s) => s.client);
  const navigate = useApp((s) => s.navigate);
  const [runs, setRuns] = useState<Run[] | null>(null);
  /** history[runId][key] */
  const [history, setHistory] = useState<Record<string, Record<string, MetricPoint[]>>>({});
  const [scaleChoice, setScale] = useState<YScale | null>(null);
  const [view, setView] = useState<ChartView>(DEFAULT_VIEW);
  const { run: attempt, retry, error } = useAction();

  useEffect(() => {
    if (!client) return;
    void attempt(async () => {
      const loaded = await Promise.all(ids.map((id) => client.call('runs.get', { runId: asRunId(id) })));
      const h: Record<string, Record<string, MetricPoint[]>> = {};
      await Promise.all(loaded.map(async (r) => {
        h[r.runId] = Object.fromEntries(await Promise.all(r.historyKeys.map(async (key) => [key, await client.call('runs.metricHistory', { runId: r.runId, key })] as const)));
      }));
      setRuns(loaded);
      setHistory(h);
    });
  }, [attempt, client, ids]);

  const charts = useMemo<MetricChart[]>(() => {
    if (!runs) return [];
    const keys = [...new Set(runs.flatMap((r) => r.historyKeys))].sort();
    return keys.map((key) => ({ key, series: runs.flatMap((r, colorIndex) => (history[r.runId]?.[key] ? [{ name: r.name, points: history[r.runId][key], colorIndex }] : [])) }));
  }, [runs, history]);
  const scale = scaleChoice ?? defaultScale(charts);
  const timed = timedCharts(charts);
  const shown = effectiveView(view, timed);
  const once = runs ? [...new Set(runs.flatMap((r) => Object.keys(r.metrics).filter((k) => !r.historyKeys.includes(k))))].sort() : [];

  if (error) return <ErrorNotice variant="page" error={error} onRetry={retry} />;
  if (ids.length === 0) return <p>Select runs on the Runs screen to chart them. <button className="btn" onClick={() => navigate({ screen: 'runs' })}>Runs</button></p>;
  if (!runs) return <p className="muted">Loading {ids.length} runs…</p>;
  return (
    <>
      <p className="row">
        <button className="btn" onClick={() => navigate({ screen: 'runs' })}>← Runs</button>
        {ids.length >= 2 && <a className="btn" href={hashFor({ screen: 'compare', query: { runs: ids.join(',') } })}>Compare table and plots</a>}
      </p>
      <div className="row" style={{ justifyContent: 'space-between', flexWrap: 'wrap' }}>
        <h2>Charts of {runs.length} run{runs.length === 1 ? '' : 's'}</h2>
        {charts.length > 0 && <MetricChartControls scale={scale} onScale={setScale} view={view} onView={setView} timed={timed} />}
      </div>
      {charts.length > 0
        ? <MetricChartGrid charts={charts} scale={scale} view={shown} />
        : <p className="muted">None of these runs logged a metric over steps (gbt logs its rounds, lasso its sweeps).</p>}
      {once.length > 0 && <p className="muted">Logged once per run: {once.join(', ')}. {ids.length >= 2 ? 'Compare them in the table and plots.' : ''}</p>}
    </>
  );
}

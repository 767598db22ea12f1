// Metric charts as MLflow's UI draws them: one chart per metric, a line per run, and one set of controls for
// all of them: value axis (log by default only for values spanning decades, see autoScale), smoothing (0–0.99, a
// de-biased moving average), and the x axis (step, relative time, wall time).
import { useMemo } from 'react';
import type { MetricPoint } from '../../../shared/domain';
import { EChart } from './EChart';
import { ScaleToggle } from './ScaleToggle';
import { autoScale, historyLines, type YScale } from '../screens/compare-charts';
import { MAX_SMOOTHING, X_AXES, X_AXIS_LABEL, type ChartView, type XAxisKind } from '../screens/metric-series';

export interface MetricChart { key: string; series: { name: string; points: MetricPoint[] }[] }

export function MetricChartControls({ scale, onScale, view, onView }: {
  scale: YScale; onScale: (v: YScale) => void; view: ChartView; onView: (v: ChartView) => void;
}) {
  return (
    <div className="row chart-controls" role="group" aria-label="chart controls">
      <ScaleToggle value={scale} onChange={onScale} />
      <label className="row smoothing">smoothing
        <input type="range" aria-label="smoothing" min={0} max={MAX_SMOOTHING} step={0.01} value={view.smoothing}
          onChange={(e) => onView({ ...view, smoothing: Number(e.target.value) })} />
        <output className="mono" aria-live="off">{view.smoothing.toFixed(2)}</output>
      </label>
      <label className="row">x axis
        <select aria-label="x axis" value={view.x} onChange={(e) => onView({ ...view, x: e.target.value as XAxisKind })}>
          {X_AXES.map((x) => <option key={x} value={x}>{X_AXIS_LABEL[x]}</option>)}
        </select>
      </label>
    </div>
  );
}

/** The scale the charts start with: log only when every metric's values span decades. */
export const defaultScale = (charts: MetricChart[]): YScale => autoScale(charts.flatMap((c) => c.series));

/** One card per metric, all on the same kind of value axis. */
export function MetricChartGrid({ charts, scale, view }: { charts: MetricChart[]; scale: YScale; view: ChartView }) {
  return (
    <div className="metric-charts">
      {charts.map((c) => <OneChart key={c.key} chart={c} scale={scale} view={view} />)}
    </div>
  );
}

function OneChart({ chart, scale, view }: { chart: MetricChart; scale: YScale; view: ChartView }) {
  const option = useMemo(() => historyLines(chart.series, chart.key, scale, view), [chart, scale, view]);
  return (
    <section className="card metric-chart" aria-label={`metric ${chart.key}`}>
      <h4 className="mono" title={chart.key}>{chart.key}</h4>
      <EChart option={option} label={`${chart.key} chart`} />
    </section>
  );
}

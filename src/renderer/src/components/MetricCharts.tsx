// Metric charts as MLflow's UI draws them: one chart per metric, a line per run, and one set of controls for
// all of them: value axis (log by default only for values spanning decades, see autoScale), smoothing (0–0.99, a
// de-biased moving average), and the x axis (step, relative time, wall time).
import { useMemo } from 'react';
import type { MetricPoint } from '../../../shared/domain';
import { EChart } from './EChart';
import { ScaleToggle } from './ScaleToggle';
import { autoScale, historyLines, type YScale } from '../screens/compare-charts';
import { hasTimeSpread, MAX_SMOOTHING, X_AXES, X_AXIS_LABEL, type ChartView, type XAxisKind } from '../screens/metric-series';

export interface MetricChart { key: string; series: { name: string; points: MetricPoint[]; colorIndex?: number }[] }

/** `timed` false: every point was logged at one moment, so the time axes are offered disabled, with why. */
export function MetricChartControls({ scale, onScale, view, onView, timed }: {
  scale: YScale; onScale: (v: YScale) => void; view: ChartView; onView: (v: ChartView) => void; timed: boolean;
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
        <select aria-label="x axis" value={timed ? view.x : 'step'} onChange={(e) => onView({ ...view, x: e.target.value as XAxisKind })}
          title={timed ? undefined : 'Every point was logged at one moment, so only steps apply.'}>
          {X_AXES.map((x) => <option key={x} value={x} disabled={!timed && x !== 'step'}>{X_AXIS_LABEL[x]}</option>)}
        </select>
      </label>
    </div>
  );
}

/** Whether any chart's points were logged over time (else only steps apply). */
export const timedCharts = (charts: MetricChart[]): boolean => hasTimeSpread(charts.flatMap((c) => c.series));

/** The view the charts draw: steps when nothing was logged over time. */
export const effectiveView = (view: ChartView, timed: boolean): ChartView => (timed || view.x === 'step' ? view : { ...view, x: 'step' });

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
  // the card's title names the metric, so the value axis needs no name of its own
  const option = useMemo(() => historyLines(chart.series, '', scale, view), [chart, scale, view]);
  return (
    <section className="card metric-chart" aria-label={`metric ${chart.key}`} data-x-axis={view.x} data-smoothing={view.smoothing} data-scale={scale}>
      <h4 className="mono" title={chart.key}>{chart.key}</h4>
      <EChart option={option} label={`${chart.key} chart`} />
    </section>
  );
}

// echarts options for one run's page, built from plain run data (no React here).

/** The error metrics drawn as bars on a run's page (minutes), in this order. */
export const ERROR_METRICS = ['rmse_train', 'rmse_val', 'rmse_test', 'mae_val', 'mae_test'];

/** The run's errors as bars from 0; null when it logged none. The top margin leaves room for the axis name
 *  ("minutes") above the axis: with 16 px it was cut in half. */
export function errorBarsOption(metrics: Record<string, number>) {
  const keys = ERROR_METRICS.filter((k) => k in metrics);
  if (keys.length === 0) return null;
  return {
    tooltip: {}, grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: keys }, yAxis: { type: 'value', name: 'minutes' },
    series: [{ type: 'bar', data: keys.map((k) => metrics[k]), barMaxWidth: 48, label: { show: true, position: 'top', formatter: (p: { value: number }) => p.value.toFixed(3) } }],
  };
}

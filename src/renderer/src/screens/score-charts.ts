// echarts options for a scored file: a histogram of counts (predictions, residuals) per bin.
import type { EChartsCoreOption } from 'echarts/core';

/** Trips per bin. The count axis is named above its ticks with room to spare: at the top edge it was cut and
 * sat on the highest tick (newcomer trial). */
export function countHistogramOption(edges: number[], counts: number[], name: string): EChartsCoreOption {
  return {
    tooltip: {}, grid: { left: 56, right: 16, top: 36, bottom: 36 },
    xAxis: { type: 'category', name, nameLocation: 'middle', nameGap: 24, data: counts.map((_, i) => `${edges[i]}`) },
    yAxis: { type: 'value', name: 'trips', nameGap: 12, nameTextStyle: { align: 'right' } },
    series: [{ type: 'bar', data: counts, barCategoryGap: '8%' }],
  };
}

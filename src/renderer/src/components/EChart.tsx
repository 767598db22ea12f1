// An echarts canvas that follows the OS colour scheme and its container's size. Only the chart types Meter
// draws are registered, which keeps the bundle small.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, CustomChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, DataZoomComponent, ParallelComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { useColorScheme } from './useColorScheme';

echarts.use([BarChart, CustomChart, LineChart, ScatterChart, ParallelChart, GridComponent, LegendComponent, TooltipComponent, DataZoomComponent, ParallelComponent, VisualMapComponent, CanvasRenderer]);

export function EChart({ option, label, onClick }: { option: EChartsCoreOption; label: string; onClick?: (dataIndex: number) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const scheme = useColorScheme();
  // The chart lives as long as the element and the colour scheme; new options only redraw it (screens build
  // their options on every render, and re-creating the canvas each time would flicker and cost).
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, scheme === 'dark' ? 'dark' : undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => { ro.disconnect(); c.dispose(); chart.current = null; };
  }, [scheme]);
  useEffect(() => {
    if (!chart.current || !el.current) return;
    chart.current.setOption({ backgroundColor: 'transparent', ...option }, { notMerge: true });
    el.current.dataset.rendered = 'true';
  }, [option, scheme]);
  // A click on a point or bar hands its index to the screen (the monitoring timeline opens that month).
  useEffect(() => {
    const c = chart.current;
    if (!c || !onClick) return;
    const handler = (p: { dataIndex: number }) => onClick(p.dataIndex);
    c.on('click', handler as never);
    return () => { c.off('click', handler as never); };
  }, [onClick, scheme]);
  return <div ref={el} className="chart" role="img" aria-label={label} />;
}

// An echarts canvas that follows the OS colour scheme and its container's size. Only the chart types Meter
// draws are registered, which keeps the bundle small.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, DataZoomComponent, ParallelComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { useColorScheme } from './useColorScheme';

echarts.use([BarChart, LineChart, ScatterChart, ParallelChart, GridComponent, LegendComponent, TooltipComponent, DataZoomComponent, ParallelComponent, CanvasRenderer]);

export function EChart({ option, label }: { option: EChartsCoreOption; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const scheme = useColorScheme();
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, scheme === 'dark' ? 'dark' : undefined, { renderer: 'canvas' });
    chart.setOption({ backgroundColor: 'transparent', ...option });
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(el.current);
    el.current.dataset.rendered = 'true';
    return () => { ro.disconnect(); chart.dispose(); };
  }, [option, scheme]);
  return <div ref={el} className="chart" role="img" aria-label={label} />;
}

// Test support: draws an echarts option with echarts' own SVG server-side renderer (no browser) and says which
// texts stick out of the chart's box, so a test can fail when a label would be cut at the chart's edge.
import * as echarts from 'echarts';

export interface OutsideText { text: string; left: number; right: number }

/** A text's width in px, measured as echarts measures it when it lays the chart out (without a canvas in Node:
 * its table of character widths), so "outside" means outside by echarts' own reckoning. */
const widthOf = (text: string, fontSize: number, family: string): number => echarts.format.getTextRect(text, `${fontSize}px ${family}`).width;

/** Every text drawn by `option` at width × height that reaches past the left or right edge. */
export function textsOutside(option: object, width: number, height = 300): OutsideText[] {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    const svg = chart.renderToSVGString();
    const out: OutsideText[] = [];
    for (const m of svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
      const attrs = m[1];
      const text = m[2];
      const x = Number(/translate\(([-\d.]+)/.exec(attrs)?.[1] ?? /\bx="([-\d.]+)"/.exec(attrs)?.[1] ?? 0);
      const size = Number(/font-size:(\d+)px/.exec(attrs)?.[1] ?? 12);
      const family = /font-family:([^;"]+)/.exec(attrs)?.[1] ?? 'sans-serif';
      const anchor = /text-anchor="(\w+)"/.exec(attrs)?.[1] ?? 'start';
      const w = widthOf(text, size, family);
      const left = anchor === 'end' ? x - w : anchor === 'middle' ? x - w / 2 : x;
      if (left < 0 || left + w > width) out.push({ text, left, right: left + w });
    }
    return out;
  } finally {
    chart.dispose();
  }
}

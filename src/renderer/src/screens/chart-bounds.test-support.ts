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

export interface TextBox { text: string; left: number; right: number; top: number; bottom: number }

/** Every text `option` draws at width × height with its box, as echarts lays it out (SVG renderer). */
export function textBoxes(option: object, width: number, height = 300): TextBox[] {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    const out: TextBox[] = [];
    for (const m of chart.renderToSVGString().matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
      const attrs = m[1];
      const t = /translate\(([-\d.]+)[ ,]([-\d.]+)/.exec(attrs);
      const x = Number(t?.[1] ?? /\bx="([-\d.]+)"/.exec(attrs)?.[1] ?? 0);
      const y = Number(t?.[2] ?? 0) + Number(/\by="([-\d.]+)"/.exec(attrs)?.[1] ?? 0);
      const size = Number(/font-size:(\d+)px/.exec(attrs)?.[1] ?? 12);
      const family = /font-family:([^;"]+)/.exec(attrs)?.[1] ?? 'sans-serif';
      const anchor = /text-anchor="(\w+)"/.exec(attrs)?.[1] ?? 'start';
      const baseline = /dominant-baseline="(\w+)"/.exec(attrs)?.[1] ?? 'alphabetic';
      const w = widthOf(m[2], size, family);
      const left = anchor === 'end' ? x - w : anchor === 'middle' ? x - w / 2 : x;
      const top = baseline === 'central' || baseline === 'middle' ? y - size / 2 : baseline === 'hanging' ? y : y - size;
      out.push({ text: m[2], left, right: left + w, top, bottom: top + size });
    }
    return out;
  } finally {
    chart.dispose();
  }
}

/** The texts named in `texts` (axis names, say) that come within `gap` px of the chart's edge or of another
 * text: an axis name crowding its ticks, cut at the top. Each as "name: what it touches". */
export function crowdedTexts(option: object, texts: string[], width: number, height = 300, gap = 3): string[] {
  const boxes = textBoxes(option, width, height);
  const out: string[] = [];
  for (const b of boxes.filter((x) => texts.includes(x.text))) {
    if (b.left < gap || b.top < gap || b.right > width - gap || b.bottom > height - gap) out.push(`${b.text}: the chart's edge`);
    for (const o of boxes) {
      if (o === b) continue;
      const apart = o.left >= b.right + gap || b.left >= o.right + gap || o.top >= b.bottom + gap || b.top >= o.bottom + gap;
      if (!apart) out.push(`${b.text}: ${o.text}`);
    }
  }
  return out;
}

// Number, time and size formatting shared by every screen (one place, so tables and cards agree).
export const fmtInt = (n: number): string => n.toLocaleString('en-US');

export function fmtMetric(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return fmtInt(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(4);
}

export function fmtDuration(ms: number | null): string {
  if (ms === null || ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

// One clock for every time on screen: 24-hour, local time (newcomer trial 3: a flow's log said "7:08:35 PM"
// beside tables saying "19:08:35"). hourCycle h23, not hour12: false, which some engines turn into "24:05".
const CLOCK = { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' } as const;
const DATE_TIME = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...CLOCK });
const TIME_ONLY = new Intl.DateTimeFormat('en-CA', CLOCK);

/** A date and time: "2023-03-02, 18:05:09". */
export const fmtTime = (ms: number): string => DATE_TIME.format(ms);

/** A time of day only (log lines of one run): "18:05:09". */
export const fmtClock = (ms: number): string => TIME_ONLY.format(ms);

export function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** "1 item", "3 items", "0 keys": a count with its noun, singular only for exactly one. */
export function fmtCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${fmtInt(n)} ${n === 1 ? singular : plural}`;
}

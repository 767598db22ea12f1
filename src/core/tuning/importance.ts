// Parameter importance for the live view: how much of the loss's variation each parameter accounts for —
// |Spearman correlation| for numbers, the correlation ratio η² for categories — normalised to sum to 1.
import type { TrialInfo } from '../../shared/domain';

function ranks(xs: number[]): number[] {
  const idx = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    for (let k = i; k <= j; k++) r[idx[k][1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) { num += (a[i] - ma) * (b[i] - mb); da += (a[i] - ma) ** 2; db += (b[i] - mb) ** 2; }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

export function paramImportance(trials: TrialInfo[], minTrials = 8): { param: string; importance: number }[] {
  const done = trials.filter((t) => t.rmseVal !== null);
  if (done.length < minTrials) return [];
  const loss = done.map((t) => t.rmseVal!);
  const keys = [...new Set(done.flatMap((t) => Object.keys(t.params)))];
  const scores = keys.map((k) => {
    const vals = done.map((t) => t.params[k]);
    if (new Set(vals).size < 2) return { param: k, score: 0 };
    if (vals.every((v) => v !== undefined && Number.isFinite(Number(v)))) return { param: k, score: Math.abs(pearson(ranks(vals.map(Number)), ranks(loss))) };
    const mean = loss.reduce((s, x) => s + x, 0) / loss.length;
    const total = loss.reduce((s, x) => s + (x - mean) ** 2, 0);
    const groups = new Map<string, number[]>();
    vals.forEach((v, i) => { const g = groups.get(String(v)) ?? []; g.push(loss[i]); groups.set(String(v), g); });
    let between = 0;
    for (const g of groups.values()) { const m = g.reduce((s, x) => s + x, 0) / g.length; between += g.length * (m - mean) ** 2; }
    return { param: k, score: total > 0 ? between / total : 0 };
  }).filter((s) => s.score > 0);
  const sum = scores.reduce((s, x) => s + x.score, 0);
  return scores.map((s) => ({ param: s.param, importance: sum > 0 ? s.score / sum : 0 })).sort((a, b) => b.importance - a.importance);
}

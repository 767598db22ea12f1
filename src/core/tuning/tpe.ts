// Tree-structured Parzen Estimator (Bergstra et al. 2011, as hyperopt does it). Past trials are split at a
// loss quantile into "good" (below) and "bad" (above); each parameter gets a Parzen density for each side —
// truncated Gaussians on the draws plus a wide prior, bandwidths from neighbour distances — and the next
// value is the one among 24 draws from the good density with the best good/bad density ratio. Choices use
// smoothed category frequencies. Parameters under a choice only learn from trials where they were active.
import { active, sampleRandom, type Node } from './space';

/** `pruned`: the trial was stopped at this step and `loss` is its last intermediate value (not comparable with a
 * final loss: an early boosting round is worse than the last), see split(). */
export interface Observation { draws: Map<string, number>; loss: number; pruned?: { step: number } }
export interface TpeOptions { startup: number; gamma: number; candidates: number }
export const TPE_DEFAULTS: TpeOptions = { startup: 10, gamma: 0.1, candidates: 24 };

const SQRT2 = Math.SQRT2;
function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7), plenty for density ratios.
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
const cdf = (x: number, mu: number, sigma: number): number => 0.5 * (1 + erf((x - mu) / (sigma * SQRT2)));

interface Parzen { mus: number[]; sigmas: number[]; low: number; high: number }

function parzen(values: number[], low: number, high: number): Parzen {
  const priorMu = (low + high) / 2;
  const priorSigma = high - low;
  const mus = [...values, priorMu].sort((a, b) => a - b);
  const minSigma = priorSigma / Math.min(100, 1 + mus.length);
  const sigmas = mus.map((m, i) => {
    if (m === priorMu && values.length === 0) return priorSigma;
    const left = i > 0 ? m - mus[i - 1] : m - low;
    const right = i < mus.length - 1 ? mus[i + 1] - m : high - m;
    return Math.min(priorSigma, Math.max(minSigma, left, right));
  });
  // The prior keeps its full width.
  const pi = mus.indexOf(priorMu);
  if (pi >= 0) sigmas[pi] = priorSigma;
  return { mus, sigmas, low, high };
}

function logDensity(p: Parzen, x: number): number {
  let sum = 0;
  for (let i = 0; i < p.mus.length; i++) {
    const mu = p.mus[i];
    const s = p.sigmas[i];
    const mass = cdf(p.high, mu, s) - cdf(p.low, mu, s);
    const z = (x - mu) / s;
    sum += Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
  }
  return Math.log(sum / p.mus.length + 1e-300);
}

function drawFrom(p: Parzen, rand: () => number): number {
  const i = Math.floor(rand() * p.mus.length);
  for (let tries = 0; tries < 100; tries++) {
    // Box–Muller
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const x = p.mus[i] + p.sigmas[i] * z;
    if (x >= p.low && x <= p.high) return x;
  }
  return Math.min(p.high, Math.max(p.low, p.mus[i]));
}

// Pruned trials rank after every complete one, deeper steps first, then by their last value — Optuna's
// TPESampler does the same (_split_trials): they land in the "bad" density unless fewer trials completed than
// the "good" quota. Dropping them instead would let TPE suggest the region the pruner just rejected again.
function split(obs: Observation[], gamma: number): [Observation[], Observation[]] {
  const complete = obs.filter((o) => !o.pruned).sort((a, b) => a.loss - b.loss);
  const pruned = obs.filter((o) => o.pruned).sort((a, b) => b.pruned!.step - a.pruned!.step || a.loss - b.loss);
  const sorted = [...complete, ...pruned];
  // Optuna's split (the best 10%, at most 25) learns faster than hyperopt's γ·√n on small budgets.
  const nBelow = Math.max(1, Math.min(25, Math.ceil(gamma * sorted.length)));
  return [sorted.slice(0, nBelow), sorted.slice(nBelow)];
}

export function suggestTpe(nodes: Node[], history: Observation[], rand: () => number, opts: TpeOptions = TPE_DEFAULTS): Map<string, number> {
  const done = history.filter((h) => Number.isFinite(h.loss));
  if (done.length < opts.startup) return sampleRandom(nodes, rand);
  const draws = new Map<string, number>();
  const chosen = new Map<string, number>();
  for (const n of nodes) {
    if (!active(n, chosen)) continue;
    const obs = done.filter((h) => h.draws.has(n.path));
    if (obs.length < 2) {
      const r = sampleRandom([{ ...n, when: [] }], rand).get(n.path)!;
      draws.set(n.path, r);
      if (n.kind === 'choice') chosen.set(n.path, r);
      continue;
    }
    const [below, above] = split(obs, opts.gamma);
    if (n.kind === 'choice') {
      const k = n.options.length;
      const count = (set: Observation[]) => { const c = new Array<number>(k).fill(1); for (const o of set) c[o.draws.get(n.path)!] += 1; return c; };
      const cb = count(below);
      const ca = count(above);
      const tb = cb.reduce((a, b) => a + b, 0);
      const ta = ca.reduce((a, b) => a + b, 0);
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < opts.candidates; c++) {
        let r = rand() * tb;
        let idx = 0;
        while (idx < k - 1 && r >= cb[idx]) { r -= cb[idx]; idx++; }
        const score = Math.log(cb[idx] / tb) - Math.log(ca[idx] / ta);
        if (score > bestScore) { bestScore = score; best = idx; }
      }
      draws.set(n.path, best);
      chosen.set(n.path, best);
    } else {
      const l = parzen(below.map((o) => o.draws.get(n.path)!), n.low, n.high);
      const g = parzen(above.map((o) => o.draws.get(n.path)!), n.low, n.high);
      let best = l.mus[0];
      let bestScore = -Infinity;
      for (let c = 0; c < opts.candidates; c++) {
        const x = drawFrom(l, rand);
        const score = logDensity(l, x) - logDensity(g, x);
        if (score > bestScore) { bestScore = score; best = x; }
      }
      draws.set(n.path, best);
    }
  }
  return draws;
}

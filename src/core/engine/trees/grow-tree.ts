// Grows one regression tree on binned data. Every row carries a gradient-like sum g and a weight h: for a
// random forest g = count·y and h = count (the bootstrap count), for boosting g = the residual and h = 1.
// A split maximises  T(G_L)²/(H_L+λ) + T(G_R)²/(H_R+λ) − T(G)²/(H+λ)  (T: L1 soft threshold), which with
// λ = α = 0 is exactly the variance reduction scikit-learn's trees use. Leaves predict T(G)/(H+λ).
import type { BinnedData } from './tree-data';

export interface GrowSettings {
  maxDepth: number;
  /** minimum weight (bootstrap count, or hessian) on each side of a split */
  minChildWeight: number;
  lambda: number;
  alpha: number;
}

/** A tree as flat arrays: feature −1 marks a leaf whose `value` is the prediction. */
export interface Tree {
  feature: number[];
  /** category key (go left when equal) or number threshold (go left when ≤); leaf: prediction */
  value: number[];
  left: number[];
  right: number[];
}

const soft = (g: number, a: number): number => (a === 0 ? g : g > a ? g - a : g < -a ? g + a : 0);

export function growTree(data: BinnedData, g: Float64Array, h: Float64Array, rowsIn: Int32Array, s: GrowSettings): Tree {
  const F = data.features.length;
  const isCat = data.features.map((f) => f.kind === 'category');
  const HG = data.bins.map((b) => new Float64Array(b));
  const HH = data.bins.map((b) => new Float64Array(b));
  const rows = Int32Array.from(rowsIn);
  const tree: Tree = { feature: [], value: [], left: [], right: [] };
  const score = (G: number, H: number): number => { const t = soft(G, s.alpha); return t * t / (H + s.lambda); };
  const leaf = (G: number, H: number): number => soft(G, s.alpha) / (H + s.lambda);
  const newNode = (): number => { tree.feature.push(-1); tree.value.push(0); tree.left.push(-1); tree.right.push(-1); return tree.feature.length - 1; };

  // Explicit stack: [node, start, end, depth, G, H]
  let G0 = 0;
  let H0 = 0;
  for (let i = 0; i < rows.length; i++) { G0 += g[rows[i]]; H0 += h[rows[i]]; }
  const stack: number[][] = [[newNode(), 0, rows.length, 0, G0, H0]];
  while (stack.length) {
    const [node, start, end, depth, G, H] = stack.pop()!;
    tree.value[node] = leaf(G, H);
    if (depth >= s.maxDepth || end - start < 2 || H < 2 * s.minChildWeight) continue;
    const parent = score(G, H);
    let bestGain = 1e-12 * Math.max(1, Math.abs(parent));
    let bestF = -1;
    let bestBin = -1;
    let bestGL = 0;
    let bestHL = 0;
    // One pass over the node's rows fills every feature's histogram.
    for (let f = 0; f < F; f++) { HG[f].fill(0); HH[f].fill(0); }
    if (F === 3) {
      const c0 = data.codes[0], c1 = data.codes[1], c2 = data.codes[2];
      const g0 = HG[0], g1 = HG[1], g2 = HG[2], h0 = HH[0], h1 = HH[1], h2 = HH[2];
      for (let i = start; i < end; i++) {
        const r = rows[i];
        const gr = g[r];
        const hr = h[r];
        let c = c0[r]; g0[c] += gr; h0[c] += hr;
        c = c1[r]; g1[c] += gr; h1[c] += hr;
        c = c2[r]; g2[c] += gr; h2[c] += hr;
      }
    } else {
      for (let f = 0; f < F; f++) {
        const hg = HG[f], hh = HH[f], codes = data.codes[f];
        for (let i = start; i < end; i++) { const r = rows[i]; const c = codes[r]; hg[c] += g[r]; hh[c] += h[r]; }
      }
    }
    const lambda = s.lambda;
    const alpha = s.alpha;
    const mcw = s.minChildWeight;
    for (let f = 0; f < F; f++) {
      const hg = HG[f];
      const hh = HH[f];
      const nb = hg.length;
      const cat = isCat[f];
      let GL = 0;
      let HL = 0;
      for (let c = 0; c < (cat ? nb : nb - 1); c++) {
        if (cat) { GL = hg[c]; HL = hh[c]; } else { GL += hg[c]; HL += hh[c]; }
        if (hh[c] === 0 || HL < mcw) continue;
        const HR = H - HL;
        if (HR < mcw || HR <= 1e-12) { if (cat) continue; break; }
        const GR = G - GL;
        // score(G, H) = T(G)² / (H + λ), inlined: this loop runs for every bin of every node.
        let tl = GL, tr = GR;
        if (alpha !== 0) {
          tl = tl > alpha ? tl - alpha : tl < -alpha ? tl + alpha : 0;
          tr = tr > alpha ? tr - alpha : tr < -alpha ? tr + alpha : 0;
        }
        const gain = (tl * tl) / (HL + lambda) + (tr * tr) / (HR + lambda) - parent;
        if (gain > bestGain) { bestGain = gain; bestF = f; bestBin = c; bestGL = GL; bestHL = HL; }
      }
    }
    if (bestF < 0) continue;
    // Partition the node's rows: left side first.
    const codes = data.codes[bestF];
    const cat = isCat[bestF];
    let i = start;
    let j = end - 1;
    while (i <= j) {
      const c = codes[rows[i]];
      if (cat ? c === bestBin : c <= bestBin) i++;
      else { const t = rows[i]; rows[i] = rows[j]; rows[j] = t; j--; }
    }
    const l = newNode();
    const r = newNode();
    tree.feature[node] = bestF;
    tree.value[node] = data.splitValue[bestF][bestBin];
    tree.left[node] = l;
    tree.right[node] = r;
    stack.push([r, i, end, depth + 1, G - bestGL, H - bestHL]);
    stack.push([l, start, i, depth + 1, bestGL, bestHL]);
  }
  return tree;
}

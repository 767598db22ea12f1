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
    for (let f = 0; f < F; f++) {
      const hg = HG[f];
      const hh = HH[f];
      hg.fill(0);
      hh.fill(0);
      const codes = data.codes[f];
      for (let i = start; i < end; i++) { const r = rows[i]; const c = codes[r]; hg[c] += g[r]; hh[c] += h[r]; }
      const nb = hg.length;
      if (isCat[f]) {
        for (let c = 0; c < nb; c++) {
          const HL = hh[c];
          if (HL < s.minChildWeight || HL === 0) continue;
          const HR = H - HL;
          if (HR < s.minChildWeight || HR <= 1e-12) continue;
          const GL = hg[c];
          const gain = score(GL, HL) + score(G - GL, HR) - parent;
          if (gain > bestGain) { bestGain = gain; bestF = f; bestBin = c; bestGL = GL; bestHL = HL; }
        }
      } else {
        let GL = 0;
        let HL = 0;
        for (let c = 0; c < nb - 1; c++) {
          GL += hg[c];
          HL += hh[c];
          if (hh[c] === 0 || HL < s.minChildWeight || HL === 0) continue;
          const HR = H - HL;
          if (HR < s.minChildWeight || HR <= 1e-12) break;
          const gain = score(GL, HL) + score(G - GL, HR) - parent;
          if (gain > bestGain) { bestGain = gain; bestF = f; bestBin = c; bestGL = GL; bestHL = HL; }
        }
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

/** Walks a tree for one row of raw feature values. */
export function predictTree(tree: Tree, isCategory: boolean[], x: (f: number) => number): number {
  let node = 0;
  for (;;) {
    const f = tree.feature[node];
    if (f < 0) return tree.value[node];
    const v = x(f);
    node = (isCategory[f] ? v === tree.value[node] : v <= tree.value[node]) ? tree.left[node] : tree.right[node];
  }
}

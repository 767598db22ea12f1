// Grows one regression tree on binned data. Every row carries a gradient-like sum g and a weight h: for a
// random forest g = count·y and h = count (the bootstrap count), for boosting g = the residual and h = 1.
// A split maximises  T(G_L)²/(H_L+λ) + T(G_R)²/(H_R+λ) − T(G)²/(H+λ)  (T: L1 soft threshold), which with
// λ = α = 0 is exactly the variance reduction scikit-learn's trees use. Leaves predict T(G)/(H+λ).
// The row work (partitions, histograms) runs per shard through a TreeTeam, on one or two threads alike.
import type { BinnedData } from './tree-data';
import { TreeTeam } from './tree-team';
import { childFrom, childTo, type SplitStep } from './shard-ops';
import type { Tree } from './tree';
import { SPARSE_ROWS, workspaceFor } from './grow-workspace';
import type { TagStep } from './tag-ops';

export { workspaceFor } from './grow-workspace';

export interface GrowSettings {
  maxDepth: number;
  /** minimum weight (bootstrap count, or hessian) on each side of a split */
  minChildWeight: number;
  lambda: number;
  alpha: number;
}

export type { Tree } from './tree';

const soft = (g: number, a: number): number => (a === 0 ? g : g > a ? g - a : g < -a ? g + a : 0);

/** A tagged split's work per row of its lighter side (read in groups or a node, listed, maybe summed), in rows of a partition. */
const TAG_WORK = 4;

/** Nodes with at least this many rows are grown before the others (see growSharded). */
const LARGE_ROWS = 2048;

/** One-thread teams for growTree callers that bring their own g and h (forests, tests). */
const serialTeams = new WeakMap<BinnedData, { team: TreeTeam; ownLeafOf: Int32Array }>();

/**
 * Grows one tree on rowsIn, in this thread. When `leafOf` is given, leafOf[r] is set to the leaf node that
 * row r (of rowsIn) ends in, so a caller can update its predictions without walking the tree.
 */
export function growTree(data: BinnedData, g: Float64Array, h: Float64Array, rowsIn: Int32Array, s: GrowSettings, leafOf?: Int32Array): Tree {
  let entry = serialTeams.get(data);
  if (!entry) {
    const ownLeafOf = new Int32Array(data.n);
    const ws = workspaceFor(data);
    const team = new TreeTeam({ codes: data.codes, offset: ws.offset, g, h, unit: false, rows: new Int32Array(data.n), leafOf: ownLeafOf, vrows: new Int32Array(0), vcodes: data.codes.map(() => new Uint16Array(0)), vleafOf: new Int32Array(0) },
      ws.width, null, null, { shards: 1 });
    entry = { team, ownLeafOf };
    serialTeams.set(data, entry);
  }
  const a = entry.team.arrays;
  a.g = g;
  a.h = h;
  a.leafOf = leafOf ?? entry.ownLeafOf;
  a.rows.set(rowsIn);
  return growSharded(entry.team, data, rowsIn.length, s);
}

/**
 * score(left) + score(right), score(G, H) = T(G)² / (H + λ) with T XGBoost's L1 soft threshold. Both split
 * scans call it for every candidate bin; it is small enough for V8 to inline into their loops.
 */
function childScores(GL: number, GR: number, HL: number, HR: number, alpha: number, lambda: number): number {
  let tl = GL, tr = GR;
  if (alpha !== 0) {
    tl = tl > alpha ? tl - alpha : tl < -alpha ? tl + alpha : 0;
    tr = tr > alpha ? tr - alpha : tr < -alpha ? tr + alpha : 0;
  }
  return (tl * tl) / (HL + lambda) + (tr * tr) / (HR + lambda);
}

/** Sorts keys[0..len): insertion sort for the few keys of most small nodes, the built-in sort otherwise. */
function sortKeys(keys: Int32Array, len: number): void {
  if (len > 32) { keys.subarray(0, len).sort(); return; }
  for (let i = 1; i < len; i++) {
    const k = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > k) { keys[j + 1] = keys[j]; j--; }
    keys[j + 1] = k;
  }
}

const newTagStep = (): TagStep => ({ f: 0, lo: 0, span: 0, category: false, start: 0, end: 0, vstart: 0, vend: 0, tag: 0, newTag: 0, lightLeft: false,
  leaves: false, arena: 0, arenaEnd: 0, varena: 0, varenaEnd: 0, build: 0 });
const newStep = (): SplitStep => ({ f: 0, lo: 0, span: 0, start: 0, end: 0, vstart: 0, vend: 0, leaves: false, left: 0, right: 0, build: 0, lopsided: 0 });

/**
 * Grows one tree on the team's rows[0..m) (shard 0: the first half, shard 1: the rest), setting every row's
 * leaf in the team's leafOf, and every validation row's (vrows, split in halves likewise) in vleafOf; in
 * tagged mode (tag-ops.ts) each row's tag instead, with the leaf of every tag in the workspace's tagLeaf.
 * Histogram subtraction: after a split only the lighter child is scanned; the other child's histogram is
 * the parent's minus it, computed in the parent's buffer. Nothing is allocated per node but the tree's own
 * entries. `builtRoot`: the root's histogram as a round's end started it (a
 * workspace buffer holding shard 0's sums, shard 1's in the team's partial; see TreeTeam.round).
 */
export function growSharded(team: TreeTeam, data: BinnedData, m: number, s: GrowSettings, builtRoot: Float64Array | null = null): Tree {
  const F = data.features.length;
  const isCat = data.features.map((f) => f.kind === 'category');
  const W = workspaceFor(data);
  const { rows, leafOf, vrows, vleafOf } = team.arrays;
  // Tagged mode (boosting, every row in the tree; tag-ops.ts): a node's ranges may hold holes, its rows are
  // those carrying its tag, and a split moves only its lighter child's rows.
  const tagged = team.arrays.tagged === true;
  const tagLeaf = W.tagLeaf;
  tagLeaf.length = 0;
  const offset = W.offset;
  const tree: Tree = { feature: [], value: [], left: [], right: [] };
  const score = (G: number, H: number): number => { const t = soft(G, s.alpha); return t * t / (H + s.lambda); };
  const leaf = (G: number, H: number): number => soft(G, s.alpha) / (H + s.lambda);
  const newNode = (): number => { tree.feature.push(-1); tree.value.push(0); tree.left.push(-1); tree.right.push(-1); return tree.feature.length - 1; };
  const splittable = (n: number, depth: number, H: number): boolean => depth < s.maxDepth && n >= 2 && H >= 2 * s.minChildWeight;
  /**
   * Whether a child of weight H gets a histogram, decided before its rows are counted: by the weight of
   * SPARSE_ROWS average rows (a forest's bootstrap rows weigh about 1.6). A child that turns out to have more
   * rows than the sorted scan takes gets its histogram built when it is popped.
   */
  let sparseWeight = SPARSE_ROWS;
  const denseByWeight = (depth: number, H: number): boolean => H > sparseWeight && depth < s.maxDepth && H >= 2 * s.minChildWeight;
  const { keys, nodeRows } = W;
  const g = team.arrays.g;
  const h = team.arrays.h;
  const lambda = s.lambda;
  const alpha = s.alpha;
  const mcw = s.minChildWeight;
  // The two shards' steps of a split, reused: the team reads them before split() returns.
  const a = newStep();
  const b = newStep();
  const setSteps = (f: number, bin: number, s0: number, e0: number, s1: number, e1: number, v0: number, w0: number, v1: number, w1: number,
    leaves: boolean, left: number, right: number, build: 0 | 1 | 2, lopsided: 0 | 1 | 2): void => {
    a.f = b.f = f; a.lo = b.lo = isCat[f] ? bin : 0; a.span = b.span = isCat[f] ? 0 : bin;
    a.leaves = b.leaves = leaves; a.left = b.left = left; a.right = b.right = right; a.build = b.build = build; a.lopsided = b.lopsided = lopsided;
    a.start = s0; a.end = e0; b.start = s1; b.end = e1;
    a.vstart = v0; a.vend = w0; b.vstart = v1; b.vend = w1;
  };
  const ta = newTagStep();
  const tb = newTagStep();
  const setTagSteps = (f: number, bin: number, s0: number, e0: number, s1: number, e1: number, v0: number, w0: number, v1: number, w1: number,
    tag: number, newTag: number, lightLeft: boolean, leaves: boolean, build: 0 | 1 | 2): void => {
    ta.f = tb.f = f; ta.lo = tb.lo = isCat[f] ? bin : 0; ta.span = tb.span = isCat[f] ? 0 : bin; ta.category = tb.category = isCat[f];
    ta.tag = tb.tag = tag; ta.newTag = tb.newTag = newTag; ta.lightLeft = tb.lightLeft = lightLeft; ta.leaves = tb.leaves = leaves; ta.build = tb.build = build;
    ta.start = s0; ta.end = e0; tb.start = s1; tb.end = e1; ta.vstart = v0; ta.vend = w0; tb.vstart = v1; tb.vend = w1;
    ta.arena = ar0; ta.arenaEnd = ar0End; tb.arena = ar1; tb.arenaEnd = ar1End;
    ta.varena = va0; ta.varenaEnd = va0End; tb.varena = va1; tb.varenaEnd = va1End;
  };

  // Pending nodes: large ones first (their steps go to both threads, so they come back to back while the
  // helper is awake), then the small ones, depth first. The order depends on row counts only, never on
  // whether a helper runs, so the tree is the same either way.
  const large = W.large;
  const small = W.small;
  large.top = small.top = 0;
  const push = (node: number, s0: number, e0: number, s1: number, e1: number, v0: number, w0: number, v1: number, w1: number, depth: number,
    tag: number, n0: number, n1: number, G: number, H: number, hist: Float64Array | null): void => {
    (n0 + n1 >= LARGE_ROWS ? large : small).push(node, s0, e0, s1, e1, v0, w0, v1, w1, depth, tag, n0, n1, G, H, hist);
  };
  const half = team.shards === 2 ? m >> 1 : m;
  // Tagged mode: each shard's lighter children are listed in an arena after the rows (rows has 2m entries).
  const vm = tagged ? vrows.length >> 1 : vrows.length;
  const vhalf = team.shards === 2 ? vm >> 1 : vm;
  let ar0 = m, ar1 = m + half, va0 = vm, va1 = vm + vhalf;
  const share = team.arenaShare;
  const ar0End = m + Math.floor(share * half), ar1End = m + half + Math.floor(share * (m - half));
  const va0End = vm + Math.floor(share * vhalf), va1End = vm + vhalf + Math.floor(share * (vm - vhalf));
  let rootHist = builtRoot;
  if (rootHist) team.rootHistogram(rootHist);
  else { rootHist = W.take(); team.histogram(0, half, half, m, rootHist); }
  // The root's sums from its histogram: every row is in exactly one bin of the first feature.
  let G0 = 0;
  let H0 = 0;
  for (let k = 0; k < offset[1]; k += 2) { G0 += rootHist[k]; H0 += rootHist[k + 1]; }
  sparseWeight = Math.max(1, H0 / Math.max(1, m)) * SPARSE_ROWS;
  push(newNode(), 0, half, half, m, 0, vhalf, vhalf, vm, 0, tagged ? 0 : -1, half, m - half, G0, H0, rootHist);
  while (large.top > 0 || small.top > 0) {
    const st = large.top > 0 ? large : small;
    const o = st.pop();
    const top = st.top;
    const sInt = st.ints;
    const node = sInt[o], s0 = sInt[o + 1], e0 = sInt[o + 2], s1 = sInt[o + 3], e1 = sInt[o + 4], depth = sInt[o + 5];
    const v0 = sInt[o + 6], w0 = sInt[o + 7], v1 = sInt[o + 8], w1 = sInt[o + 9], tag = sInt[o + 10], n0 = sInt[o + 11], n1 = sInt[o + 12];
    const G = st.gh[2 * top], H = st.gh[2 * top + 1];
    let hist = st.hists[top];
    st.hists[top] = null;
    tree.value[node] = leaf(G, H);
    const n = n0 + n1;
    const canSplit = splittable(n, depth, H);
    if (!canSplit && hist) { W.give(hist); hist = null; }
    // A node too large for the sorted-rows scan without a histogram (only when weights are below 1).
    if (canSplit && !hist && n > SPARSE_ROWS) { hist = W.take(); team.histogram(s0, e0, s1, e1, hist, tag); }
    let bestF = -1;
    let bestBin = -1;
    let bestGL = 0;
    let bestHL = 0;
    if (hist) {
      const parent = score(G, H);
      let bestGain = 1e-12 * Math.max(1, Math.abs(parent));
      for (let f = 0; f < F; f++) {
        const o = offset[f];
        const nb = (offset[f + 1] - o) >> 1;
        const cat = isCat[f];
        let GL = 0;
        let HL = 0;
        for (let c = 0; c < (cat ? nb : nb - 1); c++) {
          const hg = hist[o + 2 * c];
          const hh = hist[o + 2 * c + 1];
          if (cat) { GL = hg; HL = hh; } else { GL += hg; HL += hh; }
          if (hh === 0 || HL < mcw) continue;
          const HR = H - HL;
          if (HR < mcw || HR <= 1e-12) { if (cat) continue; break; }
          const gain = childScores(GL, G - GL, HL, HR, alpha, lambda) - parent;
          if (gain > bestGain) { bestGain = gain; bestF = f; bestBin = c; bestGL = GL; bestHL = HL; }
        }
      }
    }
    else if (canSplit) {
      // A small node: per feature, sort its rows by code and scan only the occupied bins, with the same
      // candidates and tests as the histogram scan above.
      const parent = score(G, H);
      let bestGain = 1e-12 * Math.max(1, Math.abs(parent));
      let len = 0;
      if (tagged) {
        for (let k = s0; k < e0; k++) { const r = rows[k]; if (leafOf[r] === tag) nodeRows[len++] = r; }
        for (let k = s1; k < e1; k++) { const r = rows[k]; if (leafOf[r] === tag) nodeRows[len++] = r; }
      } else {
        for (let k = s0; k < e0; k++) nodeRows[len++] = rows[k];
        for (let k = s1; k < e1; k++) nodeRows[len++] = rows[k];
      }
      for (let f = 0; f < F; f++) {
        const codes = data.codes[f];
        for (let k = 0; k < len; k++) keys[k] = codes[nodeRows[k]] * SPARSE_ROWS + k;
        sortKeys(keys, len);
        const last = (offset[f + 1] - offset[f]) / 2 - 1;
        const cat = isCat[f];
        let GL = 0;
        let HL = 0;
        let k = 0;
        while (k < len) {
          const c = (keys[k] / SPARSE_ROWS) | 0;
          if (!cat && c >= last) break;
          let hg = 0;
          let hh = 0;
          while (k < len && ((keys[k] / SPARSE_ROWS) | 0) === c) { const r = nodeRows[keys[k] % SPARSE_ROWS]; hg += g[r]; hh += h[r]; k++; }
          if (cat) { GL = hg; HL = hh; } else { GL += hg; HL += hh; }
          if (hh === 0 || HL < mcw) continue;
          const HR = H - HL;
          if (HR < mcw || HR <= 1e-12) { if (cat) continue; break; }
          const gain = childScores(GL, G - GL, HL, HR, alpha, lambda) - parent;
          if (gain > bestGain) { bestGain = gain; bestF = f; bestBin = c; bestGL = GL; bestHL = HL; }
        }
      }
    }
    if (bestF < 0) {
      if (hist) W.give(hist);
      if (tagged) { tagLeaf[tag] = node; continue; }
      for (let i = s0; i < e0; i++) leafOf[rows[i]] = node;
      for (let i = s1; i < e1; i++) leafOf[rows[i]] = node;
      for (let i = v0; i < w0; i++) vleafOf[vrows[i]] = node;
      for (let i = v1; i < w1; i++) vleafOf[vrows[i]] = node;
      continue;
    }
    const l = newNode();
    const r = newNode();
    tree.feature[node] = bestF;
    tree.value[node] = data.splitValue[bestF][bestBin];
    tree.left[node] = l;
    tree.right[node] = r;
    const GR = G - bestGL;
    const HR = H - bestHL;
    if (depth + 1 >= s.maxDepth) {
      // Both children are leaves: no partition, only each row's leaf (what popping them would give).
      if (hist) W.give(hist);
      tree.value[l] = leaf(bestGL, bestHL);
      tree.value[r] = leaf(GR, HR);
      if (tagged) {
        // The lighter leaf's rows take its id as their tag; the heavier leaf keeps the parent's tag.
        const lightLeft = bestHL <= HR;
        setTagSteps(bestF, bestBin, s0, e0, s1, e1, v0, w0, v1, w1, tag, lightLeft ? l : r, lightLeft, true, 0);
        team.splitTagged(ta, tb, null, TAG_WORK * Math.min(bestHL, HR));
        tagLeaf[lightLeft ? l : r] = lightLeft ? l : r;
        tagLeaf[tag] = lightLeft ? r : l;
        continue;
      }
      setSteps(bestF, bestBin, s0, e0, s1, e1, v0, w0, v1, w1, true, l, r, 0, 0);
      team.split(a, b, null);
      continue;
    }
    // Which child histograms are needed, and which to build: the lighter child is scanned, the other one is
    // the parent's minus it. A small node's children are small too: no histograms below it.
    const needL = hist !== null && denseByWeight(depth + 1, bestHL);
    const needR = hist !== null && denseByWeight(depth + 1, HR);
    let build: 0 | 1 | 2 = 0;
    let target: Float64Array | null = null;
    let subtract = false;
    if (needL && needR) { build = bestHL <= HR ? 1 : 2; target = W.take(); subtract = true; }
    else if (needL || needR) {
      const own = needL ? bestHL : HR;
      const other = needL ? HR : bestHL;
      // Scan the child itself (into the parent's buffer), or its sibling and subtract: whichever reads less.
      if (own * F <= other * F + W.width) { build = needL ? 1 : 2; target = hist; }
      else { build = needL ? 2 : 1; target = W.take(); subtract = true; }
    } else if (hist) { W.give(hist); hist = null; }
    const lopsided: 0 | 1 | 2 = bestHL < 0.1 * H ? 1 : HR < 0.1 * H ? 2 : 0;
    const lightLeft = bestHL <= HR;
    if (tagged) {
      setTagSteps(bestF, bestBin, s0, e0, s1, e1, v0, w0, v1, w1, tag, lightLeft ? l : r, lightLeft, false, build === 0 ? 0 : (build === 1) === lightLeft ? 1 : 2);
      // The helper is worth waking for the rows a tagged split touches, not the node's.
      team.splitTagged(ta, tb, target, TAG_WORK * Math.min(bestHL, HR) + ((build === 1) !== lightLeft && build !== 0 ? n : 0));
    } else {
      setSteps(bestF, bestBin, s0, e0, s1, e1, v0, w0, v1, w1, false, l, r, build, lopsided);
      team.split(a, b, target);
    }
    const { nL0, nL1, nV0, nV1, tag0: t0, tag1: t1 } = team;
    if (tagged) {
      // Lighter rows listed in an arena move its cursor on.
      if (t0[4] === 0 || t1[4] === 0 || t0[9] === 0 || t1[9] === 0) W.compacted = true;
      if (t0[4] === 1) ar0 = t0[1];
      if (t1[4] === 1) ar1 = t1[1];
      if (t0[9] === 1) va0 = t0[6];
      if (t1[9] === 1) va1 = t1[6];
    }
    let histL: Float64Array | null = null;
    let histR: Float64Array | null = null;
    if (subtract) {
      const parentHist = hist!;
      const small = target!;
      for (let k = 0; k < parentHist.length; k++) parentHist[k] -= small[k];
      if (needL && needR) { if (build === 1) { histL = small; histR = parentHist; } else { histR = small; histL = parentHist; } }
      else { W.give(small); if (needL) histL = parentHist; else histR = parentHist; }
    } else if (target) { if (needL) histL = target; else histR = target; }
    const pushTagged = (left: boolean): void => {
      const light = left === lightLeft;
      const x = light ? 0 : 2;
      const l0 = t0[1] - t0[0], l1 = t1[1] - t1[0];
      push(left ? l : r, t0[x], t0[x + 1], t1[x], t1[x + 1], t0[5 + x], t0[6 + x], t1[5 + x], t1[6 + x], depth + 1,
        light ? (left ? l : r) : tag, light ? l0 : n0 - l0, light ? l1 : n1 - l1, left ? bestGL : GR, left ? bestHL : HR, left ? histL : histR);
    };
    if (tagged) { pushTagged(false); pushTagged(true); continue; }
    const pushChild = (left: boolean): void => push(left ? l : r,
      childFrom(lopsided, left, s0, e0, nL0), childTo(lopsided, left, s0, e0, nL0), childFrom(lopsided, left, s1, e1, nL1), childTo(lopsided, left, s1, e1, nL1),
      childFrom(lopsided, left, v0, w0, nV0), childTo(lopsided, left, v0, w0, nV0), childFrom(lopsided, left, v1, w1, nV1), childTo(lopsided, left, v1, w1, nV1),
      depth + 1, -1, childTo(lopsided, left, s0, e0, nL0) - childFrom(lopsided, left, s0, e0, nL0), childTo(lopsided, left, s1, e1, nL1) - childFrom(lopsided, left, s1, e1, nL1),
      left ? bestGL : GR, left ? bestHL : HR, left ? histL : histR);
    pushChild(false);
    pushChild(true);
  }
  return tree;
}

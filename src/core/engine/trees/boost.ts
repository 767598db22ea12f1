// Gradient boosting with squared loss, XGBoost-style, on both cores: each round's tree is grown by a tree team
// (tree-team.ts: the row work of large nodes split between this thread and a helper), and the round's end —
// new predictions, residuals, train and validation errors — is split between them too. The numbers are the
// same with or without the helper thread.
import type { StepMetric } from '../../../shared/jobs';
import { seededRandom as rng } from '../../../shared/random';
import type { BoostArrays } from './boost-round';
import { growSharded, workspaceFor, type Tree } from './grow-tree';
import { binFeatures, type BinnedData, type RawFeatures } from './tree-data';
import { binIndex, binRows, binTree } from './tree-predict';
import { groupRows } from './tag-ops';
import { TreeTeam, teamAllocator, teamWillShare, type TeamOptions } from './tree-team';

/**
 * The rows grouped by code (tag-ops.ts) take 4 bytes per row and feature: beyond this many cells (a year of
 * rides) they would cost more memory than the time they save is worth.
 */
const GROUPED_CELLS = 24_000_000;

/** Trees at most this deep carry the validation rows down; deeper ones are walked over them (see boost). */
const CARRY_DEPTH = 10;

export interface BoostParams {
  nRounds: number; learningRate: number; maxDepth: number; minChildWeight: number; subsample: number;
  regLambda: number; regAlpha: number; earlyStopping: number; seed: number;
}

/** `trainPred`/`valPred`: the predictions of the kept trees (the best round), exactly what predicting with them gives. */
export interface BoostResult {
  trees: Tree[]; base: number; bestRound: number; history: StepMetric[]; trainPred: Float64Array; valPred: Float64Array | null;
  /** steps whose second shard the helper thread did, and those this thread did (no helper, or it was late) */
  shardSteps: { helper: number; here: number };
}

/**
 * Each round fits a tree to the residuals (g = y − ŷ, h = 1) on a row subsample, with L1/L2-regularised
 * leaves shrunk by the learning rate. Stops when the validation RMSE hasn't improved for `earlyStopping`
 * rounds and keeps the best round's trees. `onRound` gets each round's validation RMSE (null without one).
 * `workerDir`: where tree-builder.js is, for the helper thread (null: this thread only); `teamOptions`: its tuning (tests).
 */
export function boost(raw: RawFeatures, y: Float64Array, val: { raw: RawFeatures; y: Float64Array } | null, p: BoostParams,
  onRound: (round: number, lastVal: StepMetric | null) => void, binned?: BinnedData, workerDir: string | null = null, teamOptions?: TeamOptions): BoostResult {
  const data = binned ?? binFeatures(raw);
  const n = data.n;
  let base = 0;
  for (let i = 0; i < n; i++) base += y[i];
  base /= n;
  const F = data.features.length;
  const index = binIndex(data);
  const nv = val ? val.raw.n : 0;
  const W = workspaceFor(data);
  const maxNodes = Math.min(2 * n + 1, 2 ** Math.min(30, p.maxDepth + 1));
  const walk = val !== null && p.maxDepth > CARRY_DEPTH;
  // Deep trees: the helper walks each tree over the validation rows while this thread grows the next one; it
  // has no time left to share the steps (handing them over only made this thread wait: measured).
  const options: TeamOptions | undefined = walk ? { parallelRows: Infinity, ...teamOptions } : teamOptions;
  const A = teamAllocator(teamWillShare(n, workerDir, options));
  const arrays: BoostArrays = {
    y, pred: A.f64(n).fill(base), best: A.f64(n), valY: val ? val.y : new Float64Array(0),
    valPred: A.f64(nv).fill(base), valBest: A.f64(nv), node: A.i32(4 * maxNodes), value: A.f64(maxNodes),
    valCodes: new Uint16Array(0), tagValue: A.f64(maxNodes), rootCounts: A.f64(p.subsample >= 1 ? 2 * W.width : 0),
  };
  // The validation rows binned with the training bins. Shallow trees carry them down each tree beside the
  // training rows (a few cheap partitions); deep trees would carry them through many, so each is walked over
  // them instead, on the helper thread while the next tree grows (read one round behind, as early stopping
  // then drops the one extra tree: the same trees as reading every round).
  const valRowMajor = val ? binRows(data, index, val.raw.columns, nv) : new Uint16Array(0);
  const nc = walk ? 0 : nv;
  if (walk) arrays.valCodes = valRowMajor;
  const vcodes = data.codes.map((_, f) => { const c = A.u16(nc); for (let i = 0; i < nc; i++) c[i] = valRowMajor[i * F + f]; return c; });
  // Without subsampling every row is in every tree: rows carry tags and splits move only their lighter side
  // (tag-ops.ts), into arenas after the rows, found from the rows grouped by code. Where that index would not
  // fit in memory (a year of rides) the rows are partitioned: finding the lighter rows by reading every node
  // costs an extra gather per row and measured slower there (36M rows, 100 rounds: 149 s vs 120-134 s).
  const tagged = p.subsample >= 1 && (options?.rowTags === 'scan' || (options?.rowTags !== 'off' && n * F <= GROUPED_CELLS));
  const grouped = tagged && options?.rowTags !== 'scan';
  const vrows = A.i32(tagged ? 2 * nc : nc);
  const groups = grouped ? groupRows(data.codes, data.bins, n, n >> 1, A.i32) : null;
  const vgroups = grouped && nc * F <= GROUPED_CELLS ? groupRows(vcodes, data.bins, nc, nc >> 1, A.i32) : null;
  const team = new TreeTeam({ codes: data.codes, offset: W.offset, g: A.f64(n), h: A.f64(n).fill(1), unit: true, rows: A.i32(tagged ? 2 * n : n), leafOf: A.i32(n),
    vrows, vcodes, vleafOf: A.i32(nc), tagged, groups, vgroups }, W.width, arrays, workerDir, options);
  const { g, h, rows } = team.arrays;
  for (let i = 0; i < nc; i++) team.arrays.vrows[i] = i;
  const b = team.boostArrays!;
  // Which of pred/best holds the current predictions (see BoostArrays.best).
  let swap = false;
  for (let i = 0; i < n; i++) g[i] = y[i] - base;
  const rand = rng(p.seed + 17);
  const settings = { maxDepth: p.maxDepth, minChildWeight: p.minChildWeight, lambda: p.regLambda, alpha: p.regAlpha };
  const trees: Tree[] = [];
  const history: StepMetric[] = [];
  let best = Infinity;
  let bestRound = 0;
  // The previous round was the best so far: the next round's end keeps its predictions before adding a tree.
  let snapshot = false;
  const halfN = n >> 1;
  const halfV = nc >> 1;
  let lastVal: StepMetric | null = null;
  /** Records round r's validation error; true when early stopping ends the search there. */
  const judge = (r: number, seVal: number): boolean => {
    const rmse = Math.sqrt(seVal / nv);
    lastVal = { key: 'round_rmse_val', step: r, value: rmse, timestampMs: Date.now() };
    history.push(lastVal);
    if (rmse < best - 1e-12) {
      best = rmse;
      bestRound = r;
      snapshot = true;
      if (walk) { const vp = b.valPred, vb = b.valBest; for (let i = 0; i < nv; i++) vb[i] = vp[i]; }
      return false;
    }
    return r - bestRound >= p.earlyStopping;
  };
  let pending = 0;
  // Without subsampling every round's tree starts from all the rows: each round's end builds the next root
  // histogram from the residuals it computes (one pass over the rows less per round).
  const fuseRoot = p.subsample >= 1;
  // ...whose counts per bin never change: each shard's, once (see BoostArrays.rootCounts).
  const counts = b.rootCounts;
  for (let f = 0; fuseRoot && f < F; f++) {
    const c = data.codes[f];
    for (let i = 0; i < n; i++) counts[(i < halfN ? 0 : W.width) + W.offset[f] + 2 * c[i] + 1] += 1;
  }
  let nextRoot: Float64Array | null = null;
  /** the previous round's end put the rows back in order (RoundStep.resetRows) */
  let resetByRound = false;
  const noRoot = new Float64Array(0);
  try {
    for (let round = 1; round <= p.nRounds; round++) {
      let m = n;
      if (p.subsample < 1) {
        m = 0;
        for (let i = 0; i < n; i++) {
          const used = rand() < p.subsample;
          h[i] = used ? 1 : 0;
          g[i] = used ? y[i] - (swap ? b.best : b.pred)[i] : 0;
          if (used) rows[m++] = i;
        }
      } else if (round === 1 || (!tagged && !resetByRound) || W.compacted) {
        // Tagged trees leave the rows in place unless a full arena made them compact a node; partitioned ones
        // got them back in place from the previous round's end.
        W.compacted = false;
        for (let i = 0; i < n; i++) rows[i] = i;
        // Validation rows never enter a histogram: partitioning may leave them in any order, tagged trees may not.
        if (tagged) { const vr = team.arrays.vrows; for (let i = 0; i < nc; i++) vr[i] = i; }
      }
      const tree = growSharded(team, data, m, settings, nextRoot);
      nextRoot = null;
      // Deep trees: the previous round's walk has run beside this tree; its error decides before this tree counts.
      if (pending) { const r = pending; pending = 0; if (judge(r, team.walkResult(r))) break; }
      for (let k = 0; k < tree.value.length; k++) if (tree.feature[k] < 0) tree.value[k] *= p.learningRate;
      trees.push(tree);
      const compiled = binTree(tree, data, index)!;
      // A plain loop: TypedArray.set into shared memory takes a slow generic path.
      for (let k = 0; k < compiled.node.length; k++) b.node[k] = compiled.node[k];
      for (let k = 0; k < compiled.value.length; k++) b.value[k] = compiled.value[k];
      if (tagged) { const tl = W.tagLeaf; for (let t = 0; t < tl.length; t++) if (tl[t] !== undefined) b.tagValue[t] = compiled.value[tl[t]]; }
      // Every row in the sample: the grower recorded each row's leaf, so no tree walk is needed.
      const byLeaf = m === n;
      const rootHist = fuseRoot && round < p.nRounds;
      // The next round's tree is partitioned from every row in order: the round's end puts the rows back.
      const resetRows = !tagged && rootHist;
      if (rootHist) nextRoot = W.take();
      const { se, seVal } = team.round({ from: 0, to: halfN, valFrom: 0, valTo: halfV, byLeaf, snapshot, rootHist, tagged, countsAt: 0, swap, resetRows },
        { from: halfN, to: n, valFrom: halfV, valTo: nc, byLeaf, snapshot, rootHist, tagged, countsAt: W.width, swap, resetRows }, nextRoot ?? noRoot);
      resetByRound = resetRows;
      if (snapshot) swap = !swap;
      snapshot = false;
      history.push({ key: 'round_rmse_train', step: round, value: Math.sqrt(se / n), timestampMs: Date.now() });
      let stop = false;
      if (walk) { team.postWalk(round); pending = round; }
      else if (val) stop = judge(round, seVal);
      else { bestRound = round; snapshot = true; }
      onRound(round, lastVal);
      if (stop) break;
    }
    if (pending) judge(pending, team.walkResult(pending));
  } finally {
    team.close();
    if (nextRoot) W.give(nextRoot);
  }
  // The best round's predictions: the current ones if it was the last round run, else the kept copy — handed
  // out as they are (the team is closed: nothing writes them any more), since a copy would add 8 bytes a row
  // to the job's peak.
  const [cur, kept] = swap ? [b.best, b.pred] : [b.pred, b.best];
  const [vcur, vkept] = swap ? [b.valBest, b.valPred] : [b.valPred, b.valBest];
  const trainPred = bestRound === 0 ? new Float64Array(n).fill(base) : snapshot ? cur : kept;
  const valPred = !val ? null : bestRound === 0 ? new Float64Array(nv).fill(base) : walk ? b.valBest : snapshot ? vcur : vkept;
  return { trees: trees.slice(0, bestRound), base, bestRound, history, trainPred, valPred, shardSteps: { ...team.handed } };
}

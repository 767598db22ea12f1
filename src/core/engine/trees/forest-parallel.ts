// Trains a random forest's trees across worker threads. The binned data, targets and evaluation rows are
// shared (SharedArrayBuffer), never copied; tree t is built from seed + t, so the forest is the same for any
// number of workers. Each worker also adds its trees' predictions for the evaluation sets, so the caller
// only sums. Cancel is the job's own shared flag, checked between trees.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MeterError } from '../../../shared/errors';
import type { CancelToken } from '../../../shared/cancel';
import { defaultWorkerDir } from '../../paths';
import type { BinnedData } from './tree-data';
import type { Tree } from './grow-tree';
import { forestTree, type ForestParams } from './ensemble';
import { addTree, compileTree } from './tree-predict';

export interface EvalSet { X: Float64Array; n: number }
export interface ForestOutput { trees: Tree[]; sums: Float64Array[] }

export interface TreeBuilderInput {
  codes: Uint16Array[]; splitValue: Float64Array[]; bins: number[]; features: BinnedData['features']; n: number;
  y: Float64Array; evalSets: EvalSet[]; isCategory: Uint8Array; params: ForestParams; treeIds: number[]; cancel: Int32Array;
}
export type TreeBuilderMessage = { type: 'tree'; t: number; tree: Tree } | { type: 'done'; sums: Float64Array[] } | { type: 'cancelled' };

const shared = <T extends Uint16Array | Float64Array>(a: T): T => {
  const buf = new SharedArrayBuffer(a.byteLength);
  const copy = new (a.constructor as { new (b: SharedArrayBuffer): T })(buf);
  copy.set(a);
  return copy;
};

/** The builder loop, shared by worker threads and the single-thread fallback. */
export function buildTrees(inp: TreeBuilderInput, onTree: (t: number, tree: Tree) => void): Float64Array[] | null {
  const data: BinnedData = { features: inp.features, n: inp.n, codes: inp.codes, bins: inp.bins, splitValue: inp.splitValue };
  const sums = inp.evalSets.map((e) => new Float64Array(e.n));
  const F = inp.features.length;
  for (const t of inp.treeIds) {
    if (Atomics.load(inp.cancel, 0) !== 0) return null;
    const tree = forestTree(data, inp.y, inp.params, t);
    const compiled = compileTree(tree);
    inp.evalSets.forEach((e, k) => addTree(sums[k], compiled, inp.isCategory, e.X, F, e.n, 1));
    onTree(t, tree);
  }
  return sums;
}

export async function trainForest(data: BinnedData, y: Float64Array, evalSets: EvalSet[], isCategory: Uint8Array, params: ForestParams,
  cancelFlag: Int32Array, onProgress: (done: number) => void): Promise<ForestOutput> {
  const script = join(defaultWorkerDir(), 'tree-builder.js');
  const k = Math.max(1, Math.min(availableParallelism(), 8, params.nTrees, data.n < 5000 ? 1 : 8));
  const trees: Tree[] = new Array(params.nTrees);
  let done = 0;
  const base: Omit<TreeBuilderInput, 'treeIds'> = {
    codes: data.codes.map(shared), splitValue: data.splitValue, bins: data.bins, features: data.features, n: data.n,
    y: shared(y), evalSets: evalSets.map((e) => ({ X: shared(e.X), n: e.n })), isCategory, params, cancel: cancelFlag,
  };
  const ids = (w: number) => Array.from({ length: params.nTrees }, (_, t) => t).filter((t) => t % k === w);
  if (k === 1 || !existsSync(script)) {
    const sums = buildTrees({ ...base, treeIds: ids(0).concat(k === 1 ? [] : ids(1)) }, (t, tree) => { trees[t] = tree; onProgress(++done); });
    if (!sums) throw new MeterError('CANCELLED', 'Training was cancelled.');
    return { trees, sums };
  }
  const parts = await Promise.all(Array.from({ length: k }, (_, w) => new Promise<Float64Array[] | null>((resolve, reject) => {
    const worker = new Worker(script, { workerData: { ...base, treeIds: ids(w) } satisfies TreeBuilderInput });
    worker.on('message', (m: TreeBuilderMessage) => {
      if (m.type === 'tree') { trees[m.t] = m.tree; onProgress(++done); }
      else if (m.type === 'done') { resolve(m.sums); void worker.terminate(); }
      else { resolve(null); void worker.terminate(); }
    });
    worker.on('error', reject);
    worker.on('exit', (code) => { if (code !== 0 && code !== 1) reject(new MeterError('WORKER_CRASHED', `A tree worker stopped (exit code ${code}).`)); });
  })));
  if (parts.some((p) => p === null)) throw new MeterError('CANCELLED', 'Training was cancelled.');
  const sums = evalSets.map((e) => new Float64Array(e.n));
  for (const p of parts) p!.forEach((s, j) => { for (let i = 0; i < s.length; i++) sums[j][i] += s[i]; });
  return { trees, sums };
}

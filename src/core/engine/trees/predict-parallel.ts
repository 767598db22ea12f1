// A tree model's predictions over its own train/val/test rows on both cores: this thread walks the first half
// of every set's rows, a helper thread the second half, tree by tree in the same order, so each row's sum
// (base + leaf of tree 1 + leaf of tree 2 …) is the very one scoring the saved model computes.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MeterError } from '../../../shared/errors';
import { addLevelTree, levelTree, type BinnedTree, type LevelTree } from './tree-predict';

/** One set of rows: row-major codes (F per row) and its predictions so far (base filled in). */
export interface PredictSet { codes: Uint16Array; out: Float64Array }

/** What the helper thread gets: every level tree packed, each set's codes and predictions, all shared. */
export interface PredictHelperInput {
  kind: 'tree-predict'; F: number;
  nodes: Int32Array; values: Float64Array; nodeAt: Int32Array; valueAt: Int32Array; depth: Int32Array;
  sets: PredictSet[]; from: number[]; cancel: Int32Array;
}

/** Fewer rows than this in all: one thread (a helper's start-up costs more than it saves). */
const HELPER_ROWS = 20_000;

const treeAt = (inp: Omit<PredictHelperInput, 'kind' | 'sets' | 'from' | 'cancel' | 'F'>, k: number): LevelTree => ({
  node: inp.nodes.subarray(inp.nodeAt[k], inp.nodeAt[k + 1]), value: inp.values.subarray(inp.valueAt[k], inp.valueAt[k + 1]), depth: inp.depth[k],
});

/** The helper's part: rows [from[s], n) of every set. Stops early when the job is cancelled. */
export function servePredict(inp: PredictHelperInput): boolean {
  for (let k = 0; k + 1 < inp.nodeAt.length; k++) {
    if (Atomics.load(inp.cancel, 0) !== 0) return false;
    const lt = treeAt(inp, k);
    inp.sets.forEach((s, i) => addLevelTree(s.out, lt, s.codes, inp.F, inp.from[i], s.out.length));
  }
  return true;
}

function sharedCopy<T extends Uint16Array | Float64Array | Int32Array>(a: T): T {
  const c = new (a.constructor as { new (b: SharedArrayBuffer): T })(new SharedArrayBuffer(Math.max(1, a.byteLength)));
  for (let i = 0; i < a.length; i++) c[i] = a[i];
  return c;
}

/**
 * Adds every tree to every set's predictions (trees already scaled). `progress(done, total)` per block of
 * trees of this thread's half; `cancel` is the job's shared flag (1 = cancelled); `helperRows`: fewer rows in
 * all run on this thread alone (tests lower it).
 */
export async function predictSets(trees: BinnedTree[], sets: PredictSet[], F: number, workerDir: string | null,
  progress: (done: number, total: number) => void, cancel: Int32Array, helperRows = HELPER_ROWS): Promise<void> {
  const levels = trees.map(levelTree);
  const rowsAll = sets.reduce((s, x) => s + x.out.length, 0);
  const script = workerDir === null ? null : join(workerDir, 'tree-builder.js');
  const useHelper = script !== null && existsSync(script) && availableParallelism() >= 2 && rowsAll >= helperRows;
  const step = Math.max(1, Math.ceil(trees.length / 50));
  const walk = (own: PredictSet[], to: (i: number) => number): void => {
    for (let k = 0; k < levels.length; k++) {
      if (k % step === 0) {
        progress(k, levels.length);
        if (Atomics.load(cancel, 0) !== 0) throw new MeterError('CANCELLED', 'The job was cancelled.');
      }
      own.forEach((s, i) => addLevelTree(s.out, levels[k], s.codes, F, 0, to(i)));
    }
  };
  if (!useHelper) { walk(sets, (i) => sets[i].out.length); return; }
  const nodeAt = new Int32Array(levels.length + 1);
  const valueAt = new Int32Array(levels.length + 1);
  levels.forEach((lt, k) => { nodeAt[k + 1] = nodeAt[k] + lt.node.length; valueAt[k + 1] = valueAt[k] + lt.value.length; });
  const nodes = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, nodeAt[levels.length])));
  const values = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, valueAt[levels.length])));
  levels.forEach((lt, k) => { for (let j = 0; j < lt.node.length; j++) nodes[nodeAt[k] + j] = lt.node[j]; for (let j = 0; j < lt.value.length; j++) values[valueAt[k] + j] = lt.value[j]; });
  const shared = sets.map((s) => ({ codes: sharedCopy(s.codes), out: sharedCopy(s.out) }));
  const from = sets.map((s) => s.out.length >> 1);
  const inp: PredictHelperInput = { kind: 'tree-predict', F, nodes, values, nodeAt, valueAt, depth: Int32Array.from(levels, (l) => l.depth), sets: shared, from, cancel };
  const worker = new Worker(script!, { workerData: inp });
  const done = new Promise<boolean>((resolve, reject) => {
    worker.on('message', (ok: boolean) => resolve(ok));
    worker.on('error', reject);
    worker.on('exit', (code) => { if (code !== 0) reject(new MeterError('WORKER_CRASHED', `A prediction helper stopped (exit code ${code}).`)); });
  });
  done.catch(() => {}); // read below; a cancel here must not leave it unhandled
  try {
    walk(shared, (i) => from[i]);
    if (!(await done)) throw new MeterError('CANCELLED', 'The job was cancelled.');
  } finally {
    void worker.terminate();
  }
  sets.forEach((s, i) => s.out.set(shared[i].out));
}

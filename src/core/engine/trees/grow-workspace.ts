// The grower's scratch memory, reused from tree to tree: its pending-node stacks and a pool of histograms.
import type { BinnedData } from './tree-data';

/**
 * Nodes of at most this much weight (rows, as every row weighs ≥ 1) find their split without a histogram:
 * the rows' codes are sorted per feature and only the bins they occupy are scanned (a histogram would cost
 * zeroing, subtracting and scanning every bin of every feature, far more than the rows of a deep tree's
 * small nodes). Decided by weight, which is known before a partition, so both threads agree on it up front.
 */
export const SPARSE_ROWS = 128;

/** Ints per pending node: node, shard ranges (train, validation), depth, tag, each shard's row count. */
const INTS = 13;

/** Pending nodes as typed arrays, grown by doubling: the ints above, G and H, histogram. */
export class NodeStack {
  ints = new Int32Array(INTS * 64);
  gh = new Float64Array(2 * 64);
  hists: (Float64Array | null)[] = [];
  top = 0;
  push(node: number, s0: number, e0: number, s1: number, e1: number, v0: number, w0: number, v1: number, w1: number, depth: number,
    tag: number, n0: number, n1: number, G: number, H: number, hist: Float64Array | null): void {
    if (INTS * (this.top + 1) > this.ints.length) {
      const ints = new Int32Array(2 * this.ints.length); ints.set(this.ints); this.ints = ints;
      const gh = new Float64Array(2 * this.gh.length); gh.set(this.gh); this.gh = gh;
    }
    const o = INTS * this.top;
    const a = this.ints;
    a[o] = node; a[o + 1] = s0; a[o + 2] = e0; a[o + 3] = s1; a[o + 4] = e1; a[o + 5] = depth;
    a[o + 6] = v0; a[o + 7] = w0; a[o + 8] = v1; a[o + 9] = w1; a[o + 10] = tag; a[o + 11] = n0; a[o + 12] = n1;
    this.gh[2 * this.top] = G; this.gh[2 * this.top + 1] = H;
    this.hists[this.top] = hist;
    this.top++;
  }
  /** Pops the top node; its ints start at the returned offset into `ints`. */
  pop(): number { return INTS * --this.top; }
}

/**
 * Scratch memory for growing trees on one binned matrix (no allocation per node): a pool of histograms, each
 * one Float64Array holding every feature's bins as (G, H) pairs side by side, so zeroing and subtracting a
 * histogram is one flat loop.
 */
export class Workspace {
  readonly offset: Int32Array;
  readonly width: number;
  /** sort keys of a small node: code · SPARSE_ROWS + the row's place in the node */
  readonly keys = new Int32Array(SPARSE_ROWS);
  /** a small node's rows, both shards' gathered */
  readonly nodeRows = new Int32Array(SPARSE_ROWS);
  readonly large = new NodeStack();
  readonly small = new NodeStack();
  /** tagged trees (tag-ops.ts): the leaf each tag ended in, by tag (−1: no leaf has it) */
  readonly tagLeaf: number[] = [];
  /** a tagged tree compacted some node in place: the rows (or validation rows) must be put back in order */
  compacted = false;
  private readonly free: Float64Array[] = [];
  constructor(data: BinnedData) {
    this.offset = new Int32Array(data.bins.length + 1);
    for (let f = 0; f < data.bins.length; f++) this.offset[f + 1] = this.offset[f] + 2 * data.bins[f];
    this.width = this.offset[data.bins.length];
  }
  take(): Float64Array { return this.free.pop() ?? new Float64Array(this.width); }
  give(hist: Float64Array): void { this.free.push(hist); }
}

const workspaces = new WeakMap<BinnedData, Workspace>();
export function workspaceFor(data: BinnedData): Workspace {
  let ws = workspaces.get(data);
  if (!ws) { ws = new Workspace(data); workspaces.set(data, ws); }
  return ws;
}

// Two threads on one tree. The rows of a tree are two shards (shard-ops.ts); for a large node this thread does
// shard 0's part of a step while a helper thread does shard 1's, over shared memory, handed over with Atomics
// (no messages: a step is tens of microseconds). The helper has to claim shard 1 first; when it is slow to
// wake (busy cores), this thread claims it back and does it itself after shard 0, so a loaded machine costs
// no waiting. Small nodes, or no helper (one core, small data, no worker script), run both parts here one
// after the other: the same kernels, buffers and order of sums whoever runs a shard, so the trees and numbers
// are the same with or without the helper.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { histRangeTagged, splitShard, type ShardArrays, type SplitStep } from './shard-ops';
import { splitTaggedShard, type TagStep } from './tag-ops';
import { roundShard, walkVal, type BoostArrays, type RoundStep } from './boost-round';

/** What the helper thread gets (all shared memory). */
export interface TeamInput extends ShardArrays { kind: 'tree-team'; hist: Float64Array; ctl: Int32Array; res: Float64Array; boost: BoostArrays | null }

// ctl: [posted step, done step, op, shard 1's claim, …, results, args]. The claim holds the posted step while
// shard 1 is unclaimed, −step once the helper has it, 0 once this thread has taken it back.
const SEQ = 0, DONE = 1, OP = 2, CLAIM = 3, RESULT = 6, A = 16, CTL_LENGTH = 40;
// A validation walk is posted apart from the steps (it runs while the next tree grows): WALK holds its round
// while unclaimed, −round once the helper has it, 0 once this thread has taken it back; WALK_DONE its round.
const WALK = 4, WALK_DONE = 5;
const OP_STOP = -1, OP_HIST = 1, OP_SPLIT = 2, OP_ROUND = 3, OP_TAG = 4;
/** Nodes with fewer rows are cheaper to do here than to hand over. */
const PARALLEL_ROWS = 2048;
/** Fewer rows than this in all: no helper thread (its start-up costs more than it saves). */
const HELPER_ROWS = 5000;

/** Tests hand every step over (parallelRows 1) on data too small for a helper by default. */
export interface TeamOptions {
  parallelRows?: number; helperRows?: number; shards?: 1 | 2;
  /** never take a step back from the helper (tests: every handed step is then the helper's) */
  waitForHelper?: boolean;
  /**
   * Boosting without subsampling tags rows (tag-ops.ts), finding a lighter child from the rows grouped by code
   * where that index fits ('groups', the default) or by reading the node ('scan'); 'off' partitions. Tests compare them.
   */
  rowTags?: 'groups' | 'scan' | 'off';
  /** the share of each shard a tagged tree's arena may take (tests: small, so nodes get compacted) */
  arenaShare?: number;
}
/** This thread busy-waits this many polls (tens of microseconds) for the helper to finish its shard. */
const SPIN = 20_000;
/**
 * The helper busy-waits this long for the next step before sleeping: steps of a tree come microseconds apart
 * and a sleeping helper wakes too late to claim them (this thread then does both shards). Only between
 * rounds' trees, or on a busy machine, does it sleep.
 */
const HELPER_SPIN_MS = 1;

/** A partition's scratch holds one shard's side of a node: at most half the rows, rounded up (rows may hold arenas too). */
const scratchLength = (a: ShardArrays): number => (Math.max(a.leafOf.length, a.vleafOf.length) + 1) >> 1;

const shared = <T extends Uint16Array | Float64Array | Int32Array>(C: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T =>
  new C(new SharedArrayBuffer(Math.max(1, length) * C.BYTES_PER_ELEMENT));

/** Whether a team over this many rows gets a helper thread (its arrays must then be shared memory). */
export function teamWillShare(rows: number, workerDir: string | null, options: TeamOptions = {}): boolean {
  return workerDir !== null && existsSync(join(workerDir, 'tree-builder.js')) && availableParallelism() >= 2 && rows >= (options.helperRows ?? HELPER_ROWS);
}

/**
 * Allocates a team's per-row arrays where they will live: in shared memory when it will have a helper, so the
 * constructor doesn't copy them (a copy doubles ~40 bytes a row for a moment: 1.4 GB at a year's 36M rows).
 */
export function teamAllocator(share: boolean) {
  return {
    f64: (n: number): Float64Array => (share ? shared(Float64Array, n) : new Float64Array(n)),
    i32: (n: number): Int32Array => (share ? shared(Int32Array, n) : new Int32Array(n)),
    u16: (n: number): Uint16Array => (share ? shared(Uint16Array, n) : new Uint16Array(n)),
  };
}

function writeSplit(ctl: Int32Array, s: SplitStep): void {
  ctl[A] = s.f; ctl[A + 1] = s.lo; ctl[A + 2] = s.span; ctl[A + 3] = s.start; ctl[A + 4] = s.end;
  ctl[A + 5] = s.leaves ? 1 : 0; ctl[A + 6] = s.left; ctl[A + 7] = s.right; ctl[A + 8] = s.build; ctl[A + 9] = s.lopsided;
  ctl[A + 10] = s.vstart; ctl[A + 11] = s.vend;
}
const readSplit = (c: Int32Array): SplitStep => ({ f: c[A], lo: c[A + 1], span: c[A + 2], start: c[A + 3], end: c[A + 4], leaves: c[A + 5] === 1, left: c[A + 6], right: c[A + 7], build: c[A + 8] as 0 | 1 | 2, lopsided: c[A + 9] as 0 | 1 | 2, vstart: c[A + 10], vend: c[A + 11] });
function writeRound(ctl: Int32Array, s: RoundStep): void {
  ctl[A] = s.from; ctl[A + 1] = s.to; ctl[A + 2] = s.valFrom; ctl[A + 3] = s.valTo; ctl[A + 4] = s.byLeaf ? 1 : 0; ctl[A + 5] = s.snapshot ? 1 : 0; ctl[A + 6] = s.rootHist ? 1 : 0; ctl[A + 7] = s.tagged ? 1 : 0; ctl[A + 8] = s.countsAt; ctl[A + 9] = s.swap ? 1 : 0; ctl[A + 10] = s.resetRows ? 1 : 0;
}
function writeTag(ctl: Int32Array, s: TagStep): void {
  ctl[A] = s.f; ctl[A + 1] = s.lo; ctl[A + 2] = s.span; ctl[A + 3] = s.category ? 1 : 0; ctl[A + 4] = s.start; ctl[A + 5] = s.end;
  ctl[A + 6] = s.vstart; ctl[A + 7] = s.vend; ctl[A + 8] = s.tag; ctl[A + 9] = s.newTag; ctl[A + 10] = s.lightLeft ? 1 : 0; ctl[A + 11] = s.leaves ? 1 : 0;
  ctl[A + 12] = s.arena; ctl[A + 13] = s.arenaEnd; ctl[A + 14] = s.varena; ctl[A + 15] = s.varenaEnd; ctl[A + 16] = s.build;
}
const readTag = (c: Int32Array): TagStep => ({ f: c[A], lo: c[A + 1], span: c[A + 2], category: c[A + 3] === 1, start: c[A + 4], end: c[A + 5],
  vstart: c[A + 6], vend: c[A + 7], tag: c[A + 8], newTag: c[A + 9], lightLeft: c[A + 10] === 1, leaves: c[A + 11] === 1,
  arena: c[A + 12], arenaEnd: c[A + 13], varena: c[A + 14], varenaEnd: c[A + 15], build: c[A + 16] as 0 | 1 | 2 });
const readRound = (c: Int32Array): RoundStep => ({ from: c[A], to: c[A + 1], valFrom: c[A + 2], valTo: c[A + 3], byLeaf: c[A + 4] === 1, snapshot: c[A + 5] === 1, rootHist: c[A + 6] === 1, tagged: c[A + 7] === 1, countsAt: c[A + 8], swap: c[A + 9] === 1, resetRows: c[A + 10] === 1 });

/** The helper thread's loop (src/worker/tree-builder.ts runs it): shard 1's part of each step it claims in time. */
export function serveTeam(inp: TeamInput): void {
  const { ctl, res, hist } = inp;
  const scratch = new Int32Array(scratchLength(inp));
  const two = new Float64Array(2);
  const counts = new Int32Array(2);
  const tagOut = new Int32Array(10);
  let seen = 0;
  for (;;) {
    let t0 = performance.now();
    let spins = 0;
    while (Atomics.load(ctl, SEQ) === seen) {
      // A posted walk when no step is waiting: steps come in bursts, the walk fits between them.
      const w = Atomics.load(ctl, WALK);
      if (w > 0 && Atomics.compareExchange(ctl, WALK, w, -w) === w) {
        res[2] = walkVal(inp.boost!, inp.codes.length);
        Atomics.store(ctl, WALK_DONE, w);
        Atomics.notify(ctl, WALK_DONE);
        t0 = performance.now();
        continue;
      }
      if ((++spins & 255) !== 0) continue;
      if (performance.now() - t0 > HELPER_SPIN_MS) { Atomics.wait(ctl, SEQ, seen, 1000); t0 = performance.now(); }
    }
    seen = Atomics.load(ctl, SEQ);
    if (ctl[OP] === OP_STOP) return;
    // Too late (this thread took it back, or a newer step is posted): wait for the next one.
    if (Atomics.compareExchange(ctl, CLAIM, seen, -seen) !== seen) continue;
    const op = ctl[OP];
    if (op === OP_HIST) histRangeTagged(inp, ctl[A], ctl[A + 1], hist, ctl[A + 2]);
    else if (op === OP_TAG) { splitTaggedShard(inp, readTag(ctl), 1, scratch, hist, tagOut); for (let k = 0; k < 10; k++) ctl[RESULT + k] = tagOut[k]; }
    else if (op === OP_SPLIT) { splitShard(inp, readSplit(ctl), scratch, hist, counts); ctl[RESULT] = counts[0]; ctl[RESULT + 1] = counts[1]; }
    else if (op === OP_ROUND) { roundShard(inp.boost!, inp.g, inp.leafOf, inp.vleafOf, inp.codes, readRound(ctl), two, hist, inp.offset, inp.rows); res[0] = two[0]; res[1] = two[1]; }
    Atomics.store(ctl, DONE, seen);
    Atomics.notify(ctl, DONE);
  }
}

/**
 * The grower's side. `arrays` are the rows, gradients and leaves the grower works on (shared memory when a
 * helper runs); `hist1` is shard 1's partial histogram, added to shard 0's so both orders of work agree.
 */
export class TreeTeam {
  readonly arrays: ShardArrays;
  readonly boostArrays: BoostArrays | null;
  private readonly hist1: Float64Array;
  private readonly scratch: Int32Array;
  private readonly two = new Float64Array(2);
  private readonly helper: { worker: Worker; ctl: Int32Array; res: Float64Array; failure: Error | null } | null;
  private seq = 0;
  /** Steps shard 1 was done by the helper / taken back here (how well the two threads overlapped). */
  readonly handed = { helper: 0, here: 0 };

  private readonly parallelRows: number;
  /** 1: every row in shard 0 (a forest's trees, always grown on one thread: no partial histograms to add) */
  readonly shards: 1 | 2;
  private readonly waitForHelper: boolean;
  /** see TeamOptions.arenaShare */
  readonly arenaShare: number;

  constructor(arrays: ShardArrays, width: number, boost: BoostArrays | null, workerDir: string | null, options: TeamOptions = {}) {
    const script = workerDir === null ? null : join(workerDir, 'tree-builder.js');
    this.parallelRows = options.parallelRows ?? PARALLEL_ROWS;
    this.shards = options.shards ?? 2;
    this.waitForHelper = options.waitForHelper ?? false;
    this.arenaShare = options.arenaShare ?? 1;
    const useHelper = script !== null && teamWillShare(arrays.rows.length, workerDir, options);
    this.scratch = new Int32Array(this.shards === 1 ? Math.max(arrays.leafOf.length, arrays.vleafOf.length) : scratchLength(arrays));
    this.boostArrays = boost;
    if (!useHelper) {
      this.arrays = arrays;
      this.hist1 = new Float64Array(width);
      this.helper = null;
      return;
    }
    const copy = <T extends Uint16Array | Float64Array | Int32Array>(a: T): T => {
      if (a.buffer instanceof SharedArrayBuffer) return a;
      const c = shared(a.constructor as unknown as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, a.length);
      for (let i = 0; i < a.length; i++) c[i] = a[i];
      return c;
    };
    // The binned matrix moves into shared memory in place (same codes), so it isn't held twice.
    for (let f = 0; f < arrays.codes.length; f++) arrays.codes[f] = copy(arrays.codes[f]);
    this.arrays = { codes: arrays.codes, offset: arrays.offset, g: copy(arrays.g), h: copy(arrays.h), unit: arrays.unit, rows: copy(arrays.rows), leafOf: copy(arrays.leafOf),
      vrows: copy(arrays.vrows), vcodes: arrays.vcodes.map(copy), vleafOf: copy(arrays.vleafOf), tagged: arrays.tagged,
      groups: arrays.groups && { byCode: arrays.groups.byCode.map(copy), start: arrays.groups.start.map(copy) },
      vgroups: arrays.vgroups && { byCode: arrays.vgroups.byCode.map(copy), start: arrays.vgroups.start.map(copy) } };
    if (boost) for (const k of Object.keys(boost) as (keyof BoostArrays)[]) (boost as unknown as Record<string, Uint16Array | Float64Array | Int32Array>)[k] = copy(boost[k]);
    this.hist1 = shared(Float64Array, width);
    const inp: TeamInput = { kind: 'tree-team', ...this.arrays, hist: this.hist1, ctl: shared(Int32Array, CTL_LENGTH), res: shared(Float64Array, 4), boost };
    const worker = new Worker(script!, { workerData: inp });
    worker.unref();
    this.helper = { worker, ctl: inp.ctl, res: inp.res, failure: null };
    worker.on('error', (err) => { this.helper!.failure = err; });
  }

  /** Whether a step over `rows` rows goes to the helper. */
  private parallel(rows: number): boolean { return this.helper !== null && rows >= this.parallelRows; }

  private post(op: number): void {
    const { ctl } = this.helper!;
    ctl[OP] = op;
    const seq = ++this.seq;
    Atomics.store(ctl, CLAIM, seq);
    Atomics.store(ctl, SEQ, seq);
    Atomics.notify(ctl, SEQ);
  }

  /** After shard 0: true when the helper has shard 1 (and is now done with it); false when it is ours to do. */
  private helperDid(): boolean {
    const hp = this.helper!;
    if (!this.waitForHelper && Atomics.compareExchange(hp.ctl, CLAIM, this.seq, 0) === this.seq) { this.handed.here++; return false; }
    this.handed.helper++;
    let spins = 0;
    const t0 = Date.now();
    while (Atomics.load(hp.ctl, DONE) !== this.seq) {
      if (++spins < SPIN) continue;
      // This thread is blocked here, so a crashed helper's 'error' event can't arrive: give up after a minute.
      if (hp.failure) throw hp.failure;
      if (Date.now() - t0 > 60_000) throw new Error('the tree helper thread stopped answering');
      Atomics.wait(hp.ctl, DONE, Atomics.load(hp.ctl, DONE), 200);
    }
    return true;
  }

  /** A node's histogram over both shards into `hist` (the root's, or a node's that has none); tag ≥ 0: its rows are those tagged so. */
  histogram(s0: number, e0: number, s1: number, e1: number, hist: Float64Array, tag = -1): void {
    const d = this.arrays;
    const par = this.parallel(e0 - s0 + e1 - s1);
    if (par) { const c = this.helper!.ctl; c[A] = s1; c[A + 1] = e1; c[A + 2] = tag; this.post(OP_HIST); }
    histRangeTagged(d, s0, e0, hist, tag);
    if (e1 === s1) return;
    if (!(par && this.helperDid())) histRangeTagged(d, s1, e1, this.hist1, tag);
    this.addPartial(hist);
  }

  /** Each shard's training and validation rows on the left after the last split. */
  nL0 = 0;
  nL1 = 0;
  nV0 = 0;
  nV1 = 0;
  private readonly counts = new Int32Array(2);

  /** A split in both shards (counts in nL0, nL1, nV0, nV1). With `build`, `hist` gets that child's histogram. */
  split(a: SplitStep, b: SplitStep, hist: Float64Array | null): void {
    const par = this.parallel(a.end - a.start + b.end - b.start);
    if (par) { writeSplit(this.helper!.ctl, b); this.post(OP_SPLIT); }
    const c = this.counts;
    splitShard(this.arrays, a, this.scratch, hist ?? this.hist1, c);
    this.nL0 = c[0]; this.nV0 = c[1];
    if (par && this.helperDid()) { this.nL1 = this.helper!.ctl[RESULT]; this.nV1 = this.helper!.ctl[RESULT + 1]; }
    else if (b.end === b.start && b.vend === b.vstart) { this.nL1 = this.nV1 = 0; return; }
    else { splitShard(this.arrays, b, this.scratch, this.hist1, c); this.nL1 = c[0]; this.nV1 = c[1]; }
    if (a.build && hist) this.addPartial(hist);
  }

  /** Each shard's ranges after the last tagged split (see splitTaggedShard). */
  readonly tag0 = new Int32Array(10);
  readonly tag1 = new Int32Array(10);

  /** A tagged split in both shards (tag-ops.ts); with a.build, `hist` gets that child's histogram. */
  splitTagged(a: TagStep, b: TagStep, hist: Float64Array | null, rows: number): void {
    const par = this.parallel(rows);
    if (par) { writeTag(this.helper!.ctl, b); this.post(OP_TAG); }
    splitTaggedShard(this.arrays, a, 0, this.scratch, hist ?? this.hist1, this.tag0);
    if (par && this.helperDid()) { const c = this.helper!.ctl; for (let k = 0; k < 10; k++) this.tag1[k] = c[RESULT + k]; }
    else splitTaggedShard(this.arrays, b, 1, this.scratch, this.hist1, this.tag1);
    if (a.build && hist) this.addPartial(hist);
  }

  /**
   * A boosting round's end over both halves (see boost-round.ts); the train and validation squared errors.
   * With a.rootHist, `root` gets half a's share of the next tree's root histogram (finish it with rootHistogram).
   */
  round(a: RoundStep, b: RoundStep, root: Float64Array): { se: number; seVal: number } {
    const bo = this.boostArrays!;
    const d = this.arrays;
    const par = this.helper !== null;
    if (par) { writeRound(this.helper!.ctl, b); this.post(OP_ROUND); }
    roundShard(bo, d.g, d.leafOf, d.vleafOf, d.codes, a, this.two, root, d.offset, d.rows);
    const se0 = this.two[0], sv0 = this.two[1];
    if (par && this.helperDid()) return { se: se0 + this.helper!.res[0], seVal: sv0 + this.helper!.res[1] };
    roundShard(bo, d.g, d.leafOf, d.vleafOf, d.codes, b, this.two, this.hist1, d.offset, d.rows);
    return { se: se0 + this.two[0], seVal: sv0 + this.two[1] };
  }

  /** The root histogram a round's end started in `root`: shard 1's part added (as histogram() adds it). */
  rootHistogram(root: Float64Array): void {
    if (this.shards === 2) this.addPartial(root);
  }

  /** Starts walking the round's tree (written into the boost arrays) over the validation rows on the helper. */
  postWalk(round: number): void {
    if (!this.helper) return;
    Atomics.store(this.helper.ctl, WALK, round);
    Atomics.notify(this.helper.ctl, SEQ);
  }

  /** The posted walk's squared error: the helper's, or walked here when the helper hasn't started it. */
  walkResult(round: number): number {
    const hp = this.helper;
    if (!hp || Atomics.compareExchange(hp.ctl, WALK, round, 0) === round) return walkVal(this.boostArrays!, this.arrays.codes.length);
    const t0 = Date.now();
    let spins = 0;
    while (Atomics.load(hp.ctl, WALK_DONE) !== round) {
      if (++spins < SPIN) continue;
      if (hp.failure) throw hp.failure;
      if (Date.now() - t0 > 60_000) throw new Error('the tree helper thread stopped answering');
      Atomics.wait(hp.ctl, WALK_DONE, Atomics.load(hp.ctl, WALK_DONE), 200);
    }
    return hp.res[2];
  }

  private addPartial(hist: Float64Array): void {
    const p = this.hist1;
    for (let k = 0; k < hist.length; k++) hist[k] += p[k];
  }

  close(): void {
    if (!this.helper) return;
    this.post(OP_STOP);
    void this.helper.worker.terminate();
  }
}

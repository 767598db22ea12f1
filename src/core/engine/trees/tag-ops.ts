// Tagged rows: how boosting (every row in every tree) splits a node without moving its large side. Each row
// carries a tag (leafOf, vleafOf): the id of the node it is in, or of an ancestor whose heavier child it has
// followed ever since. A split re-tags only its lighter child's rows, which go to an arena (a list of their
// own, in row order); the heavier child keeps the parent's tag and range, the moved rows left as holes that
// every later pass over that range skips by tag. The profile showed why: almost every partitioned row was in
// a lopsided split ("zone = k" against the rest), where a partition reads and writes the whole node to take
// out a few rows. With the rows grouped by code per feature (RowGroups), the lighter side of "zone = k" is
// found by reading the rows of zone k, not the node. Every list stays in row order, so the histograms sum in
// the same order as the partitioning grower's: the same trees to the bit.
import { histRange, histRangeTagged, type RowGroups, type ShardArrays } from './shard-ops';

/** Groups rows [0, half) and [half, n) of each feature by code; codes ≥ bins (unseen validation values) in group `bins`. */
export function groupRows(codes: Uint16Array[], bins: number[], n: number, half: number, i32: (n: number) => Int32Array): RowGroups {
  const byCode: Int32Array[] = [];
  const start: Int32Array[] = [];
  for (let f = 0; f < codes.length; f++) {
    const c = codes[f];
    const G = bins[f] + 1;
    const s = i32(2 * (G + 1));
    const out = i32(n);
    for (let shard = 0; shard < 2; shard++) {
      const from = shard === 0 ? 0 : half;
      const to = shard === 0 ? half : n;
      const o = shard * (G + 1);
      const cursor = new Int32Array(G + 1);
      for (let i = from; i < to; i++) cursor[Math.min(c[i], G - 1) + 1]++;
      cursor[0] = from;
      for (let k = 1; k <= G; k++) cursor[k] += cursor[k - 1];
      for (let k = 0; k <= G; k++) s[o + k] = cursor[k];
      for (let i = from; i < to; i++) out[cursor[Math.min(c[i], G - 1)]++] = i;
    }
    byCode.push(out);
    start.push(s);
  }
  return { byCode, start };
}

/** One shard's split of a node in tagged mode (see TreeTeam.splitTagged). */
export interface TagStep {
  f: number; lo: number; span: number; category: boolean;
  /** the node's training rows rows[start..end) and validation rows vrows[vstart..vend), holes included */
  start: number; end: number; vstart: number; vend: number;
  /** the node's tag; the lighter child's rows get newTag */
  tag: number; newTag: number;
  /** the lighter child is the left one (rows passing the test) */
  lightLeft: boolean;
  /** children are leaves: only re-tag */
  leaves: boolean;
  /** where this shard's lighter rows may go: rows[arena..arenaEnd), vrows[varena..varenaEnd) */
  arena: number; arenaEnd: number; varena: number; varenaEnd: number;
  /** 0: no histogram, 1: the lighter child's, 2: the heavier child's */
  build: 0 | 1 | 2;
}

/**
 * Splits one set (training or validation rows) of a node. out[o..o+4) = the lighter child's range and the
 * heavier child's; the heavier one keeps holes (out[o+4] = 1) unless the arena had no room and the node was
 * compacted instead (heavier rows first, then the lighter).
 */
function splitSet(rows: Int32Array, codes: Uint16Array, tags: Int32Array, byCode: Int32Array | undefined, gs: Int32Array | undefined, shard: number,
  s: TagStep, start: number, end: number, arena: number, arenaEnd: number, scratch: Int32Array, out: Int32Array, o: number): void {
  const { lo, span, tag, newTag, lightLeft } = s;
  const len = end - start;
  // The lighter side's groups: one or two intervals of codes, as ranges of byCode [a0, b0) and [a1, b1).
  let a0 = 0, b0 = 0, a1 = 0, b1 = 0, total = len + 1, spanned = 0;
  if (byCode && gs) {
    const G = (gs.length >> 1) - 1;
    const base = shard * (G + 1);
    let c0 = 0, d0 = -1, c1 = 0, d1 = -1;
    if (lightLeft) { if (s.category) { c0 = d0 = lo; } else { d0 = Math.min(span, G - 1); } }
    else if (s.category) { d0 = lo - 1; c1 = lo + 1; d1 = G - 1; }
    else { c0 = span + 1; d0 = G - 1; }
    if (d0 >= c0) { a0 = gs[base + c0]; b0 = gs[base + d0 + 1]; spanned += d0 - c0 + 1; }
    if (d1 >= c1) { a1 = gs[base + c1]; b1 = gs[base + d1 + 1]; spanned += d1 - c1 + 1; }
    total = b0 - a0 + (b1 - a1);
  }
  const sorted = spanned <= 1;
  // Reading a few groups beats reading the node; rows from several groups must be sorted back into row order.
  const useGroups = total <= len && (sorted ? total < len : 4 * total < len);
  if (s.leaves) {
    if (useGroups) {
      for (let i = a0; i < b0; i++) { const r = byCode![i]; if (tags[r] === tag) tags[r] = newTag; }
      for (let i = a1; i < b1; i++) { const r = byCode![i]; if (tags[r] === tag) tags[r] = newTag; }
    } else {
      for (let i = start; i < end; i++) {
        const r = rows[i];
        if (tags[r] === tag && (((codes[r] - lo) >>> 0) <= span) === lightLeft) tags[r] = newTag;
      }
    }
    return;
  }
  if (Math.min(total, len) <= arenaEnd - arena) {
    let w = arena;
    if (useGroups) {
      for (let i = a0; i < b0; i++) { const r = byCode![i]; if (tags[r] === tag) { tags[r] = newTag; rows[w++] = r; } }
      for (let i = a1; i < b1; i++) { const r = byCode![i]; if (tags[r] === tag) { tags[r] = newTag; rows[w++] = r; } }
      if (!sorted && w - arena > 1) rows.subarray(arena, w).sort();
    } else {
      for (let i = start; i < end; i++) {
        const r = rows[i];
        if (tags[r] === tag && (((codes[r] - lo) >>> 0) <= span) === lightLeft) { tags[r] = newTag; rows[w++] = r; }
      }
    }
    out[o] = arena; out[o + 1] = w; out[o + 2] = start; out[o + 3] = end; out[o + 4] = 1;
    return;
  }
  // No room in the arena: compact the node (drops its holes), heavier rows first.
  let w = start;
  let k = 0;
  for (let i = start; i < end; i++) {
    const r = rows[i];
    if (tags[r] !== tag) continue;
    if ((((codes[r] - lo) >>> 0) <= span) === lightLeft) { tags[r] = newTag; scratch[k++] = r; } else rows[w++] = r;
  }
  for (let j = 0; j < k; j++) rows[w + j] = scratch[j];
  out[o] = w; out[o + 1] = w + k; out[o + 2] = start; out[o + 3] = w; out[o + 4] = 0;
}

/**
 * A tagged split of one shard: out[0..5) for the training rows, out[5..10) for the validation rows (see
 * splitSet); then, with s.build, the lighter or heavier child's histogram of this shard into `hist`.
 */
export function splitTaggedShard(d: ShardArrays, s: TagStep, shard: number, scratch: Int32Array, hist: Float64Array, out: Int32Array): void {
  const g = d.groups && d.groups.byCode.length > 0 ? d.groups : null;
  const vg = d.vgroups && d.vgroups.byCode.length > 0 ? d.vgroups : null;
  splitSet(d.rows, d.codes[s.f], d.leafOf, g?.byCode[s.f], g?.start[s.f], shard, s, s.start, s.end, s.arena, s.arenaEnd, scratch, out, 0);
  if (s.vend > s.vstart) splitSet(d.vrows, d.vcodes[s.f], d.vleafOf, vg?.byCode[s.f], vg?.start[s.f], shard, s, s.vstart, s.vend, s.varena, s.varenaEnd, scratch, out, 5);
  // No validation rows here: an empty lighter list at the arena's cursor (which stays where it is).
  else { out[5] = out[6] = s.varena; out[7] = s.vstart; out[8] = s.vend; out[9] = 1; }
  if (s.build === 1) histRange(d, out[0], out[1], hist);
  else if (s.build === 2) histRangeTagged(d, out[2], out[3], hist, out[4] === 1 ? s.tag : -1);
}

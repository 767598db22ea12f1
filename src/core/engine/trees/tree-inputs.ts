// What a tree model trains and is evaluated on, read from the role files chunk by chunk: the training set
// only as its binned matrix and targets (binned-ingest.ts: two bytes per value, never the raw frame), the
// validation and test sets as raw feature columns (they are walked through the trained trees' bins). rf_ml,
// ml-random-forest on samples, still gets its raw training columns: it splits raw values.
import type { CancelToken } from '../../../shared/cancel';
import type { FeatureSpec, TreeModelKind } from '../../../shared/domain';
import type { ProgressFn } from '../../../shared/jobs';
import type { TripColumns } from '../../data/tlc-reader';
import { concatTrips, releaseChunkMemory } from '../../data/trip-chunks';
import { checkRoleCounts, chunksIn, roleLabel, streamRole, type FileRows, type Role, type Sources } from '../loaded-trips';
import { BinnedBuilder } from './binned-ingest';
import { rawFeatures, treeFeatures, type BinnedData, type RawFeatures } from './tree-data';

export interface TreeInputs {
  roles: Role[];
  featureSpec: FeatureSpec;
  /** per role: raw features (train: only for rf_ml; otherwise an empty stand-in with the row count) */
  raws: Record<string, RawFeatures>;
  /** per role: targets and row count */
  data: Partial<Record<Role, { duration: Float64Array; n: number }>>;
  binned: BinnedData | null;
  fileRows: FileRows[];
  loadMs: number;
  vectorizeMs: number;
}

export async function readTreeInputs(model: TreeModelKind, src: Sources, progress: ProgressFn, cancel: CancelToken): Promise<TreeInputs> {
  const t0 = performance.now();
  let vectorizeMs = 0;
  const bar = { phase: 'load', done: 0, total: chunksIn(src, src.roles), fn: progress };
  progress('load', 0, bar.total);
  const fileRows: FileRows[] = [];
  const raws: Record<string, RawFeatures> = {};
  const data: TreeInputs['data'] = {};
  let binned: BinnedData | null = null;
  for (const role of src.roles) {
    if (role === 'train' && model !== 'rf_ml') {
      const builder = new BinnedBuilder(src.featureSpec);
      fileRows.push(...await streamRole(src, role, (chunk) => { const t = performance.now(); builder.add(chunk); vectorizeMs += performance.now() - t; }, bar, cancel));
      checkRoleCounts({ ...src, roles: ['train'] }, fileRows);
      progress('prepare', 0, 1);
      const t = performance.now();
      const built = builder.finish();
      vectorizeMs += performance.now() - t;
      // The chunks' targets and raw distances are garbage now: free them before boosting allocates its arrays.
      await releaseChunkMemory();
      progress('prepare', 1, 1);
      binned = built.binned;
      data.train = { duration: built.y, n: built.binned.n };
      raws.train = { features: treeFeatures(src.featureSpec), columns: [], n: built.binned.n };
      continue;
    }
    const parts: TripColumns[] = [];
    const rows = await streamRole(src, role, (chunk) => parts.push(chunk), bar, cancel);
    fileRows.push(...rows);
    const trips = concatTrips(parts, roleLabel(rows));
    parts.length = 0;
    const t = performance.now();
    raws[role] = rawFeatures(src.featureSpec, trips);
    vectorizeMs += performance.now() - t;
    data[role] = { duration: trips.duration, n: trips.n };
  }
  checkRoleCounts(src, fileRows);
  progress('load', bar.total, bar.total);
  return { roles: src.roles, featureSpec: src.featureSpec, raws, data, binned, fileRows, loadMs: performance.now() - t0 - vectorizeMs, vectorizeMs };
}

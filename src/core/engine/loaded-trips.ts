// What every model's training starts from: each role's files, opened (footers checked) but not yet read, and
// the feature spec they share. Reading is streamed per chunk (data/trip-chunks.ts), so nothing here holds rows.
// Its own file so the linear and tree trainers can both take it without importing each other.
import { basename } from 'node:path';
import type { CancelToken } from '../../shared/cancel';
import { MeterError } from '../../shared/errors';
import { checkSameFeatureFamily, type FeatureSet, type FeatureSpec } from '../../shared/domain';
import type { ProgressFn, TrainJobSpec } from '../../shared/jobs';
import type { TripColumns } from '../data/tlc-reader';
import { chunkCount, openTripFile, releaseChunkMemory, tripChunks, type TripFile } from '../data/trip-chunks';
import { checkOneKind, checkTripCounts } from './training-limits';
import { featureSpecFor } from './features';

export type Role = 'train' | 'val' | 'test';
export type FileRows = { role: Role; path: string; fileName: string; rows: number };

export interface Sources {
  roles: Role[];
  files: Partial<Record<Role, TripFile[]>>;
  featureSpec: FeatureSpec;
  /** the train files' kind (every file of a role is of one kind) */
  kind: TripColumns['kind'];
}

export const filesOf = (v: string | string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/** How a role's files are named in messages: "a.parquet" or "a.parquet + 11 more". */
export const roleLabel = (files: readonly { fileName: string }[]): string =>
  files.length === 1 ? files[0].fileName : `${files[0].fileName} + ${files.length - 1} more`;

/**
 * Opens every file's footer and checks, before any row is read: each role's files are of one kind (green,
 * yellow or fhv: a mix would be read as one month of something that isn't), no file is given twice in a role,
 * and every role shares the train files' features.
 */
export function openSources(spec: TrainJobSpec, featureSet: FeatureSet): Sources {
  const roles = (['train', 'val', 'test'] as const).filter((r) => filesOf(spec.files[r]).length > 0);
  if (!roles.includes('train') || !roles.includes('val')) throw new MeterError('INVALID_ARGUMENT', 'Training needs at least one train file and one validation file.');
  const files: Partial<Record<Role, TripFile[]>> = {};
  for (const role of roles) {
    const paths = filesOf(spec.files[role]);
    const twice = paths.find((p, i) => paths.indexOf(p) !== i);
    if (twice) throw new MeterError('INVALID_ARGUMENT', `The ${role} files list ${basename(twice)} twice; give each file once.`, { file: basename(twice), role });
    files[role] = paths.map(openTripFile);
    checkOneKind(role, files[role]!.map((f) => ({ fileName: f.fileName, kind: f.family.kind })));
  }
  const train = files.train![0];
  for (const role of roles) for (const f of files[role]!) checkSameFeatureFamily(role, f.fileName, f.family.kind, { kind: train.family.kind, fileName: train.fileName });
  return { roles: [...roles], files, featureSpec: featureSpecFor(featureSet, train.family.distance !== null), kind: train.family.kind };
}

/**
 * Streams `role`'s files chunk by chunk into `onChunk`; returns each file's kept rows. Progress counts chunks.
 * Async: after each chunk the native memory of the frame just read is released (releaseChunkMemory).
 */
export async function streamRole(src: Sources, role: Role, onChunk: (trips: TripColumns, file: TripFile) => void,
  progress: { phase: string; done: number; total: number; fn: ProgressFn }, cancel: CancelToken): Promise<FileRows[]> {
  const out: FileRows[] = [];
  for (const file of src.files[role] ?? []) {
    let rows = 0;
    for (const chunk of tripChunks(file)) {
      cancel.throwIfCancelled();
      onChunk(chunk, file);
      rows += chunk.n;
      progress.fn(progress.phase, ++progress.done, progress.total);
      await releaseChunkMemory();
    }
    out.push({ role, path: file.path, fileName: file.fileName, rows });
  }
  return out;
}

/** Chunks in all of these roles (the total for a progress bar over them). */
export const chunksIn = (src: Sources, roles: readonly Role[]): number => roles.reduce((s, r) => s + chunkCount(src.files[r] ?? []), 0);

/** The API checks counts from the import reports before a run exists; this catches a file changed since. */
export function checkRoleCounts(src: Sources, rows: readonly FileRows[]): void {
  checkTripCounts(src.roles.map((role) => {
    const mine = rows.filter((r) => r.role === role);
    return { role, fileName: roleLabel(mine), trips: mine.reduce((s, r) => s + r.rows, 0) };
  }));
}

// Where a predictions file goes, without ever replacing one. A name carries the input and the model that
// scored it (`green_tripdata_2023-02.taxi-duration-v4.predictions.parquet`), so scoring a month with v2 then
// v4 makes two files; a name already used (a file on disk, or one a scoring record names, even if the user
// moved it away) gets the next free ` (2)`, ` (3)`… suffix. Files are put in place by hard link, which fails
// when the name exists, instead of rename, which would silently replace it: a file that appeared between
// choosing the name and placing the output is kept, and the output takes the next name.
import { closeSync, copyFileSync, constants, existsSync, linkSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ScoringModelRef } from '../../shared/domain';
import type { Db } from '../store/db';

/** The model as it appears in a file name: `taxi-duration-v4`, or `run-1a2b3c4d` for a run's model. */
export function modelTag(model: Pick<ScoringModelRef, 'name' | 'version' | 'runId'>): string {
  if (model.name === null) return `run-${model.runId.slice(0, 8)}`;
  // Model names may hold any character; a file name keeps the ones every file system takes.
  const safe = model.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'model';
  return model.version === null ? safe : `${safe}-v${model.version}`;
}

/** `<input without .parquet>.<model tag>.predictions.parquet` */
export function defaultOutputName(input: string, model: Pick<ScoringModelRef, 'name' | 'version' | 'runId'>): string {
  return `${basename(input).replace(/\.parquet$/i, '')}.${modelTag(model)}.predictions.parquet`;
}

/** The n-th candidate for `path`: itself, then `stem (2).parquet`, `stem (3).parquet`… */
export function numbered(path: string, n: number): string {
  if (n <= 1) return path;
  const m = /^(.*?)(\.parquet)?$/i.exec(path)!;
  return `${m[1]} (${n})${m[2] ?? ''}`;
}

/** Whether a scoring record names `path` as its output (a file the user deleted or moved keeps its name taken,
 * so a record never comes to describe another job's file). */
export function recordNames(db: Db, path: string): boolean {
  return db.prepare("SELECT 1 FROM scoring_runs WHERE file_json IS NOT NULL AND json_extract(file_json, '$.outputPath') = ? LIMIT 1").pluck().get(path) !== undefined;
}

/** The first candidate for `path` that is not on disk, not named by a record and not in `alsoTaken`. */
export function freeOutputPath(db: Db, path: string, alsoTaken: ReadonlySet<string> = new Set()): string {
  for (let n = 1; ; n++) {
    const p = numbered(path, n);
    if (!alsoTaken.has(p) && !existsSync(p) && !recordNames(db, p)) return p;
  }
}

/** Planned outputs for the inputs, in order, each free and distinct from the others. */
export function planOutputs(db: Db, inputs: string[], outDir: string, model: Pick<ScoringModelRef, 'name' | 'version' | 'runId'>): string[] {
  const taken = new Set<string>();
  return inputs.map((i) => {
    const p = freeOutputPath(db, join(outDir, defaultOutputName(i, model)), taken);
    taken.add(p);
    return p;
  });
}

/** Puts `temp` at `target` unless `target` exists; true when placed (temp is then gone), false when the name
 * was taken (temp is untouched). File systems without hard links get an exclusive copy instead. Placing again
 * after a crash mid-placement finishes it: a target that is temp's own link, or a copy of it cut short. */
export function placeWithoutReplacing(temp: string, target: string): boolean {
  try {
    linkSync(temp, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return placedBefore(temp, target);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw err;
    try {
      copyFileSync(temp, target, constants.COPYFILE_EXCL);
    } catch (copyErr) {
      if ((copyErr as NodeJS.ErrnoException).code === 'EEXIST') return placedBefore(temp, target);
      throw copyErr;
    }
  }
  rmSync(temp, { force: true });
  return true;
}

/**
 * Whether `target` is this very output, left by a placement a crash cut short: linked but temp not yet removed
 * (the same inode), or an exclusive copy that stopped part way (its bytes, some, a prefix of temp's; only the
 * copy fallback can leave one). Then placing is finished and true is returned; any other file there is the user's.
 */
function placedBefore(temp: string, target: string): boolean {
  const t = statSync(temp);
  const there = statSync(target, { throwIfNoEntry: false });
  if (!there?.isFile()) return false;
  if (there.dev === t.dev && there.ino === t.ino) {
    rmSync(temp, { force: true });
    return true;
  }
  // (an empty file proves nothing: it could be anyone's, and is kept)
  if (there.size === 0 || there.size >= t.size || !isPrefixOf(target, temp, there.size)) return false;
  copyFileSync(temp, target); // ours, cut short: completed in place
  rmSync(temp, { force: true });
  return true;
}

/** Whether the first `size` bytes of `a` and `b` are equal (read in 1 MiB blocks). */
function isPrefixOf(a: string, b: string, size: number): boolean {
  const [fa, fb] = [openSync(a, 'r'), openSync(b, 'r')];
  try {
    const [ba, bb] = [Buffer.alloc(1 << 20), Buffer.alloc(1 << 20)];
    for (let at = 0; at < size;) {
      const n = readSync(fa, ba, 0, Math.min(ba.length, size - at), at);
      if (n === 0 || readSync(fb, bb, 0, n, at) !== n || !ba.subarray(0, n).equals(bb.subarray(0, n))) return false;
      at += n;
    }
    return true;
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

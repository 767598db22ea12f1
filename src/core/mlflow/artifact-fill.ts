// An import's artifact files landing in a Meter run: all of them for a run imported now, and for a run an
// earlier import made, whatever that import lacked (it ran without --artifacts DIR, the folder was elsewhere
// then, or it was cut off between the run and its files). Additions only: a file already here with the same
// bytes is left be, one with other bytes is never overwritten but named, and each new file appears whole or
// not at all (written beside it, then hard-linked into place, which fails rather than replace a file another
// process put there meanwhile). Paths are normalised as everywhere (artifacts.ts): nothing outside the run's folder.
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { RunId } from '../../shared/domain';
import type { CoreContext } from '../context';
import { recordArtifact } from '../store/runs-repo';
import { cleanParts, insideRoot } from './artifacts';

/** One artifact file of an MLflow run, by its path in the run's artifacts. */
export interface SourceFile {
  path: string;
  /** its size as the source tells it (a server's listing), null when unknown */
  size: number | null;
  read(): Promise<Buffer>;
  /**
   * Reading is cheap (a file on disk): a file here of the same size is compared byte by byte. Over HTTP a
   * same-sized file at the same path is taken as the one an earlier pull wrote, else every pull downloaded
   * every file again just to compare it.
   */
  cheap: boolean;
}

/** What placing a run's files did (a dry run: would do). */
export interface PlacedFiles {
  added: string[];
  same: number;
  /** files here whose bytes differ from the source's: kept as they are */
  conflicts: string[];
}

type Here = 'absent' | 'same' | 'differs' | 'folder';

async function compare(abs: string, f: SourceFile): Promise<Here> {
  if (!existsSync(abs)) return 'absent';
  const st = statSync(abs);
  if (st.isDirectory()) return 'folder';
  if (f.size !== null && f.size !== st.size) return 'differs';
  if (f.size !== null && !f.cheap) return 'same';
  return (await f.read()).equals(readFileSync(abs)) ? 'same' : 'differs';
}

/** Writes bytes at abs unless a file is there already: false when one was. */
function writeNew(abs: string, bytes: Buffer): boolean {
  const tmp = `${abs}.${randomBytes(4).toString('hex')}.part`;
  writeFileSync(tmp, bytes, { flag: 'wx' });
  try {
    linkSync(tmp, abs);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // a file system without hard links: rename, having looked just before
    if (existsSync(abs)) return false;
    renameSync(tmp, abs);
    return true;
  } finally {
    rmSync(tmp, { force: true });
  }
}

export async function placeFiles(ctx: CoreContext, runId: RunId, files: SourceFile[], dryRun: boolean): Promise<PlacedFiles> {
  const root = ctx.artifactsDir(runId);
  const recorded = ctx.db.prepare('SELECT 1 FROM artifacts WHERE run_id = ? AND path = ?').pluck();
  const out: PlacedFiles = { added: [], same: 0, conflicts: [] };
  for (const f of files) {
    const parts = cleanParts(f.path); // a source's listing is input too
    const path = parts.join('/');
    const abs = join(root, ...parts);
    insideRoot(root, abs);
    let here = await compare(abs, f);
    if (here === 'absent' && !dryRun) {
      const bytes = await f.read();
      mkdirSync(dirname(abs), { recursive: true });
      insideRoot(root, abs); // again, now that its folders exist
      if (writeNew(abs, bytes)) {
        recordArtifact(ctx.db, runId, path, bytes.length);
        out.added.push(path);
        continue;
      }
      here = await compare(abs, f); // another process wrote it meanwhile
    }
    if (here === 'absent') out.added.push(path);
    else if (here === 'same') {
      out.same++;
      // there but not listed (cut off between writing and recording it): listed now
      if (!dryRun && !recorded.get(runId, path)) recordArtifact(ctx.db, runId, path, statSync(abs).size);
    } else out.conflicts.push(here === 'folder' ? `${path} (a folder here)` : path);
  }
  return out;
}

// MLflow's proxied artifacts (mlflow-artifacts:/…) onto Meter's folders: `<exp>/<run>/artifacts/<path>` is
// the run's own artifact folder (<home>/artifacts/<run>), `<exp>/models/<model id>/artifacts/<path>` a 3.x
// logged model's (<home>/mlflow-models/<id>), and `registry/<name>/v<N>/<path>` a registered version's copy.
// A path is normalised before it touches the disk: no "..", ".", empty or absolute parts, no backslashes
// or NULs, and no symlink inside the tree may lead out of it.
import { createWriteStream, existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { MeterError } from '../../shared/errors';
import { asRunId } from '../../shared/domain';
import type { CoreContext } from '../context';
import { getRun, recordArtifact } from '../store/runs-repo';

export const MAX_ARTIFACT_BYTES = 4 * 1024 ** 3;

export interface ArtifactTarget {
  /** the folder this path lives in; nothing outside it is ever read or written */
  root: string;
  /** the path's parts below root (empty: root itself) */
  parts: string[];
  runId: string | null;
}

/** Splits and checks a relative artifact path; refuses anything that could leave its folder. */
export function cleanParts(raw: string): string[] {
  if (raw === '') return [];
  if (raw.includes('\0') || raw.includes('\\')) throw new MeterError('INVALID_ARGUMENT', `Invalid artifact path ${JSON.stringify(raw)}: no backslashes or NUL characters.`);
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) throw new MeterError('INVALID_ARGUMENT', `Invalid artifact path ${JSON.stringify(raw)}: it must be relative.`);
  const parts = raw.replace(/\/+$/, '').split('/');
  for (const p of parts) {
    if (p === '..' || p === '.' || p === '') throw new MeterError('INVALID_ARGUMENT', `Invalid artifact path ${JSON.stringify(raw)}: no "..", "." or empty parts.`);
  }
  return parts;
}

export function artifactTarget(ctx: CoreContext, raw: string): ArtifactTarget {
  const parts = cleanParts(raw);
  if (parts.length >= 3 && /^\d+$/.test(parts[0]) && /^[0-9a-f]{32}$/.test(parts[1]) && parts[2] === 'artifacts') {
    const runId = parts[1];
    getRun(ctx.db, asRunId(runId));
    return { root: ctx.artifactsDir(runId), parts: parts.slice(3), runId };
  }
  if (parts.length >= 4 && /^\d+$/.test(parts[0]) && parts[1] === 'models' && /^m-[0-9a-f]{32}$/.test(parts[2]) && parts[3] === 'artifacts') {
    if (!ctx.db.prepare('SELECT 1 FROM mlflow_logged_models WHERE model_id = ?').get(parts[2])) throw new MeterError('NOT_FOUND', `No logged model ${parts[2]}.`);
    return { root: join(ctx.home, 'mlflow-models', parts[2]), parts: parts.slice(4), runId: null };
  }
  if (parts.length >= 3 && parts[0] === 'registry' && /^v\d+$/.test(parts[2])) {
    if (!ctx.db.prepare('SELECT 1 FROM model_versions WHERE name = ? AND version = ?').get(parts[1], Number(parts[2].slice(1)))) {
      throw new MeterError('NOT_FOUND', `No model version ${parts[1]} ${parts[2]}.`);
    }
    return { root: join(ctx.home, 'registry', parts[1], parts[2]), parts: parts.slice(3), runId: null };
  }
  throw new MeterError('NOT_FOUND', `No artifact location ${raw}; Meter stores artifacts under <experiment>/<run id>/artifacts/….`);
}

/** The deepest existing ancestor of abs (inclusive) must resolve inside root's real path: no symlink escapes. */
export function insideRoot(root: string, abs: string): void {
  const realRoot = existsSync(root) ? realpathSync(root) : root;
  let probe = abs;
  while (!existsSync(probe) && probe !== root && probe.startsWith(root)) probe = dirname(probe);
  if (!existsSync(probe)) return;
  const real = realpathSync(probe);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new MeterError('INVALID_ARGUMENT', 'Invalid artifact path: it leads outside the artifact folder.');
}

function absolute(t: ArtifactTarget): string {
  const abs = join(t.root, ...t.parts);
  insideRoot(t.root, abs);
  return abs;
}

export async function writeArtifact(ctx: CoreContext, raw: string, body: Readable): Promise<void> {
  const t = artifactTarget(ctx, raw);
  if (t.parts.length === 0) throw new MeterError('INVALID_ARGUMENT', 'An artifact upload needs a file path after …/artifacts/.');
  const abs = absolute(t);
  if (existsSync(abs) && lstatSync(abs).isDirectory()) throw new MeterError('INVALID_ARGUMENT', `${t.parts.join('/')} is a folder; upload to a file path.`);
  mkdirSync(dirname(abs), { recursive: true });
  insideRoot(t.root, abs); // again, now that the folders exist
  const tmp = `${abs}.${randomBytes(4).toString('hex')}.part`;
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > MAX_ARTIFACT_BYTES) cb(new MeterError('INVALID_ARGUMENT', `An artifact is at most ${MAX_ARTIFACT_BYTES} bytes.`));
      else cb(null, chunk);
    },
  });
  try {
    await pipeline(body, count, createWriteStream(tmp, { flags: 'wx' }));
    renameSync(tmp, abs);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  if (t.runId) recordArtifact(ctx.db, asRunId(t.runId), t.parts.join('/'), size);
}

/** A file to download (its absolute path, checked), or NOT_FOUND. */
export function artifactFile(ctx: CoreContext, raw: string): string {
  const t = artifactTarget(ctx, raw);
  const abs = absolute(t);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new MeterError('NOT_FOUND', `No artifact file ${t.parts.join('/') || '(root)'}.`);
  return abs;
}

export interface ArtifactEntry { path: string; isDir: boolean; size: number | null }

/** A folder's entries (names only, as MLflow's proxied list answers); a missing folder is empty. */
export function listArtifacts(ctx: CoreContext, raw: string): ArtifactEntry[] {
  let t: ArtifactTarget;
  try {
    t = artifactTarget(ctx, raw);
  } catch (err) {
    if (err instanceof MeterError && err.code === 'NOT_FOUND') return [];
    throw err;
  }
  const abs = absolute(t);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) return [];
  return readdirSync(abs, { withFileTypes: true })
    .filter((d) => !d.name.endsWith('.part'))
    .filter((d) => { try { insideRoot(t.root, join(abs, d.name)); return true; } catch { return false; } })
    .map((d) => {
      const st = statSync(join(abs, d.name));
      return st.isDirectory() ? { path: d.name, isDir: true, size: null } : { path: d.name, isDir: false, size: st.size };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

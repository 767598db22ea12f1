// Which registered-model version on an MLflow server is which version in Meter, both ways. A push tags the
// server's version meter.version = the number here; an import tags Meter's version mlflow.imported_version = the
// number there. A tag alone proves little (another Meter home pushes its own v1 with the same tag, another server
// has its own version 1), so a version is the same only when its run is the same too — the run this store pushed
// that version's run as, or imported it from (run ids are UUIDs) — and so is the model folder in that run it was
// made of (one run may hold several models: another home's v1 of the same run's other-model/ is not our v1 of
// model/). Else a push then a pull made v2 of v1's run, or an alias moved onto another model.
import type { ModelVersion } from '../../shared/domain';
import type { Db } from '../store/db';
import type { Json } from './remote';
import { IMPORTED_VERSION_TAG, PUSHED_VERSION_TAG, tagValues } from './mlflow-tags';
/** Where in its run's artifacts a version's model is, from its source (a server's mlflow-artifacts:/…/artifacts/
 * FOLDER, or runs:/ID/FOLDER); null when the source is not a run's artifact folder. */
export function modelFolderOf(source: unknown): string | null {
  if (typeof source !== 'string') return null;
  // (a run's artifacts end in <run id>/artifacts: an artifact root may hold another artifacts/ above it, as the
  // course's ./artifacts does)
  const m = /^runs:\/[^/]+\/(.+)$/.exec(source) ?? /\/[0-9a-f]{32}\/artifacts\/(.+)$/.exec(source) ?? /\/artifacts\/(.+)$/.exec(source);
  const folder = m?.[1].replace(/\/+$/, '');
  return folder ? folder : null;
}

/** The model folder of a version here: its MLflow source's (a version a client or an import registered), else
 * model/ (Meter's own versions, and a logged model's, are pushed from there). */
export function localModelFolder(db: Db, name: string, version: number): string {
  const source = db.prepare('SELECT source FROM mlflow_model_versions WHERE name = ? AND version = ?').pluck().get(name, version) as string | undefined;
  return modelFolderOf(source) ?? 'model';
}

const byNumber = (a: Json, b: Json) => Number(a.version) - Number(b.version);

/**
 * The server's versions of a model that are versions here: server version → Meter version. runs maps the
 * server's run ids to Meter's (the runs an import found here or brought); a version made of a run not here is
 * not here either.
 */
export function versionsHere(db: Db, local: string, remote: Json[], runs: Map<string, string>): Map<string, number> {
  const mine = new Map<number, { runId: string; folder: string; imported?: string }>();
  for (const r of db.prepare('SELECT version, run_id AS runId FROM model_versions WHERE name = ?').all(local) as { version: number; runId: string }[]) {
    mine.set(r.version, { runId: r.runId, folder: localModelFolder(db, local, r.version) });
  }
  for (const r of db.prepare('SELECT version, value FROM model_version_tags WHERE name = ? AND key = ?').all(local, IMPORTED_VERSION_TAG) as { version: number; value: string }[]) {
    const v = mine.get(r.version);
    if (v) v.imported = r.value;
  }
  const here = new Map<string, number>();
  for (const v of [...remote].sort(byNumber)) {
    const number = String(v.version);
    const runHere = runs.get(v.run_id as string);
    const folder = modelFolderOf(v.source);
    if (!runHere || folder === null) continue;
    const isIt = (m: { runId: string; folder: string } | undefined) => m !== undefined && m.runId === runHere && m.folder === folder;
    // one an import made of it, else the one this store pushed as it
    const imported = [...mine].find(([, m]) => m.imported === number && isIt(m));
    const pushed = Number(tagValues(v.tags)[PUSHED_VERSION_TAG]);
    const same = imported?.[0] ?? (isIt(mine.get(pushed)) ? pushed : undefined);
    if (same !== undefined) here.set(number, same);
  }
  return here;
}

/**
 * The versions here that the server has: Meter version → server version. runOnServer answers the server's run
 * for a Meter run (pushed, or pulled from there), folderOf a version's model folder here; a version whose run
 * the server doesn't have isn't there.
 */
export function versionsThere(versions: ModelVersion[], remote: Json[], runOnServer: (runId: string) => string | undefined, folderOf: (version: number) => string): Map<number, string> {
  const there = new Map<number, string>();
  const sorted = [...remote].sort(byNumber);
  for (const v of versions) {
    const run = runOnServer(v.runId);
    if (!run) continue;
    const origin = v.tags[IMPORTED_VERSION_TAG];
    const folder = folderOf(v.version);
    const isIt = (r: Json) => r.run_id === run && modelFolderOf(r.source) === folder;
    // the server's version an import made it of, else the one a push made of it
    const same = (origin !== undefined ? sorted.find((r) => String(r.version) === origin && isIt(r)) : undefined)
      ?? sorted.find((r) => tagValues(r.tags)[PUSHED_VERSION_TAG] === String(v.version) && isIt(r));
    if (same) there.set(v.version, String(same.version));
  }
  return there;
}

// Which registered-model version on an MLflow server is which version in Meter, both ways. A push tags the
// server's version meter.version = the number here; an import tags Meter's version mlflow.imported_version = the
// number there. A tag alone proves little (another Meter home pushes its own v1 with the same tag, another server
// has its own version 1), so a version is the same only when its run is the same too: the run this store pushed
// that version's run as, or imported it from (run ids are UUIDs). Else a push then a pull made v2 of v1's run.
import type { ModelVersion } from '../../shared/domain';
import type { Db } from '../store/db';
import type { Json } from './remote';

/** On a Meter version an import made: the server's version number it was made of. */
export const IMPORTED_VERSION_TAG = 'mlflow.imported_version';
/** On a server's version a push made: the number of the Meter version it was made of. */
export const PUSHED_VERSION_TAG = 'meter.version';

const tagOf = (v: Json, key: string): string | undefined => ((v.tags as Json[] | undefined) ?? []).find((t) => t.key === key)?.value as string | undefined;
const byNumber = (a: Json, b: Json) => Number(a.version) - Number(b.version);

/**
 * The server's versions of a model that are versions here: server version → Meter version. runs maps the
 * server's run ids to Meter's (the runs an import found here or brought); a version made of a run not here is
 * not here either.
 */
export function versionsHere(db: Db, local: string, remote: Json[], runs: Map<string, string>): Map<string, number> {
  const mine = new Map<number, { runId: string; imported?: string }>();
  for (const r of db.prepare('SELECT version, run_id AS runId FROM model_versions WHERE name = ?').all(local) as { version: number; runId: string }[]) mine.set(r.version, { runId: r.runId });
  for (const r of db.prepare('SELECT version, value FROM model_version_tags WHERE name = ? AND key = ?').all(local, IMPORTED_VERSION_TAG) as { version: number; value: string }[]) {
    const v = mine.get(r.version);
    if (v) v.imported = r.value;
  }
  const here = new Map<string, number>();
  for (const v of [...remote].sort(byNumber)) {
    const number = String(v.version);
    const runHere = runs.get(v.run_id as string);
    if (!runHere) continue;
    // one an import made of it, else the one this store pushed as it
    const imported = [...mine].find(([, m]) => m.imported === number && m.runId === runHere);
    const pushed = Number(tagOf(v, PUSHED_VERSION_TAG));
    const same = imported?.[0] ?? (mine.get(pushed)?.runId === runHere ? pushed : undefined);
    if (same !== undefined) here.set(number, same);
  }
  return here;
}

/**
 * The versions here that the server has: Meter version → server version. runOnServer answers the server's run
 * for a Meter run (pushed, or pulled from there); a version whose run the server doesn't have isn't there.
 */
export function versionsThere(versions: ModelVersion[], remote: Json[], runOnServer: (runId: string) => string | undefined): Map<number, string> {
  const there = new Map<number, string>();
  const sorted = [...remote].sort(byNumber);
  for (const v of versions) {
    const run = runOnServer(v.runId);
    if (!run) continue;
    const origin = v.tags[IMPORTED_VERSION_TAG];
    // the server's version an import made it of, else the one a push made of it
    const same = (origin !== undefined ? sorted.find((r) => String(r.version) === origin && r.run_id === run) : undefined)
      ?? sorted.find((r) => tagOf(r, PUSHED_VERSION_TAG) === String(v.version) && r.run_id === run);
    if (same) there.set(v.version, String(same.version));
  }
  return there;
}

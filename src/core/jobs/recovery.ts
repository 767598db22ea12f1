// The cleanup at start: what a killed Meter (kill -9, a crash, a power cut) can leave on disk beside the
// store, put right by the next Meter to open the home. It runs after failOrphanedRuns, so a dead process's
// runs are already FAILED. It touches only names Meter itself writes, never a file a committed row points at,
// and never a file a live process may still be writing:
// - `<output>.partial-<pid>-<ms>[-c<n>]` predictions temp files (in <home>/predictions and every folder a scoring
//   record names) whose pid is not running. One whose FINISHED record was committed (same output, same job
//   start ms) but not yet renamed is moved into place instead, as the job would have done next.
// - `artifacts/<runId>/model/` of a run that is not RUNNING and has no model artifact row: a model file (or its
//   `.model.json.<pid>.tmp`, or an empty folder) written by a training job that never recorded it.
// - `registry/<name>/v<N>/` with no model_versions row: a registration killed before its commit.
// Candidates are found without locking (every Meter runs this at start); only when there are some is the
// write lock taken, and each is checked again under it, since another Meter may be committing that very file.
import { existsSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MODEL_ARTIFACT } from '../../shared/domain';
import { inTransaction, type Db } from '../store/db';
import { tempOutputOf } from '../scoring/temp-names';
import { placeWithoutReplacing } from '../scoring/output-names';

export interface RecoveryReport {
  /** predictions temp files removed */
  tempOutputs: number;
  /** committed predictions moved into place from their temp file */
  completedOutputs: number;
  /** unrecorded artifacts/<runId>/model folders removed */
  modelFolders: number;
  /** unrecorded registry/<name>/v<N> folders removed */
  registryFolders: number;
}

/** A process with this pid exists (EPERM: it exists, it is someone else's). A pid reused by an unrelated
 * process keeps its debris until a later start; that costs disk, never a live job's file. */
function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const list = (dir: string): string[] => { try { return readdirSync(dir); } catch { return []; } };
const isDir = (p: string): boolean => { try { return statSync(p).isDirectory(); } catch { return false; } };

interface TempOutput { path: string; output: string; ms: number }

function findTempOutputs(db: Db, home: string): TempOutput[] {
  const recorded = db.prepare("SELECT DISTINCT json_extract(file_json, '$.outputPath') FROM scoring_runs WHERE file_json IS NOT NULL").pluck().all() as (string | null)[];
  const dirs = new Set([join(home, 'predictions'), ...recorded.filter((p): p is string => typeof p === 'string').map((p) => dirname(p))]);
  const out: TempOutput[] = [];
  for (const dir of dirs) {
    for (const name of list(dir)) {
      const t = tempOutputOf(name);
      if (t === null || pidAlive(t.pid)) continue;
      out.push({ path: join(dir, name), output: join(dir, t.output), ms: t.ms });
    }
  }
  return out;
}

/** Whether this temp file is the output of a committed FINISHED record that no later job's output replaced. */
function committedOutput(db: Db, t: TempOutput): boolean {
  const newest = db.prepare(`SELECT MAX(started_ms) FROM scoring_runs WHERE status = 'FINISHED' AND json_extract(file_json, '$.outputPath') = ?`).pluck().get(t.output) as number | null;
  return newest === t.ms;
}

// A model/ folder holding any recorded artifact (an MLflow client's MLmodel, model.pkl…) is not an orphan.
function findModelFolders(db: Db, home: string): string[] {
  const runs = db.prepare(`SELECT run_id FROM runs r WHERE status != 'RUNNING'
    AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.run_id = r.run_id AND (a.path = ? OR a.path LIKE 'model/%'))`).pluck().all(MODEL_ARTIFACT) as string[];
  // A stat per run cost seconds at start-up with 100,000 runs without artifacts: past a few, list the run folders once.
  const present = runs.length > 256 ? new Set(list(join(home, 'artifacts'))) : null;
  return runs.filter((id) => (present === null || present.has(id)) && isDir(join(home, 'artifacts', id, dirname(MODEL_ARTIFACT))));
}

function modelFolderUnrecorded(db: Db, home: string, runId: string): boolean {
  const row = db.prepare(`SELECT status, EXISTS (SELECT 1 FROM artifacts a WHERE a.run_id = r.run_id AND (a.path = ? OR a.path LIKE 'model/%')) AS recorded FROM runs r WHERE run_id = ?`)
    .get(MODEL_ARTIFACT, runId) as { status: string; recorded: number } | undefined;
  return row !== undefined && row.status !== 'RUNNING' && row.recorded === 0 && isDir(join(home, 'artifacts', runId, dirname(MODEL_ARTIFACT)));
}

interface VersionFolder { name: string; version: number; rel: string; path: string }

/** A version's folder is recorded when a row has that name and version, or names a file in it. */
const versionRecorded = (db: Db, f: VersionFolder): boolean =>
  db.prepare('SELECT 1 FROM model_versions WHERE (name = ? AND version = ?) OR model_file = ?').pluck().get(f.name, f.version, join(f.rel, 'model.json')) !== undefined;

function findRegistryFolders(db: Db, home: string): VersionFolder[] {
  const out: VersionFolder[] = [];
  for (const name of list(join(home, 'registry'))) {
    for (const v of list(join(home, 'registry', name))) {
      const m = /^v(\d+)$/.exec(v);
      const rel = join('registry', name, v);
      const f = { name, version: Number(m?.[1]), rel, path: join(home, rel) };
      if (m && isDir(f.path) && !versionRecorded(db, f)) out.push(f);
    }
  }
  return out;
}

export function recoverAfterCrash(db: Db, home: string): RecoveryReport {
  const report: RecoveryReport = { tempOutputs: 0, completedOutputs: 0, modelFolders: 0, registryFolders: 0 };
  const temps = findTempOutputs(db, home);
  const models = findModelFolders(db, home);
  const registry = findRegistryFolders(db, home);
  if (temps.length + models.length + registry.length === 0) return report;
  inTransaction(db, () => {
    for (const t of temps) {
      if (!existsSync(t.path)) continue;
      if (committedOutput(db, t)) {
        if (placeWithoutReplacing(t.path, t.output)) {
          report.completedOutputs++;
          continue;
        }
        // Never replace a file: one that appeared at the recorded name since keeps it, and the record says so.
        db.prepare(`UPDATE scoring_runs SET status = 'FAILED', error = ?, file_json = NULL WHERE status = 'FINISHED' AND started_ms = ? AND json_extract(file_json, '$.outputPath') = ?`)
          .run(`${t.output} was taken by another file before this output could be put there; scoring it again makes a new one.`, t.ms, t.output);
        rmSync(t.path, { force: true });
        report.tempOutputs++;
      } else {
        rmSync(t.path, { force: true });
        report.tempOutputs++;
      }
    }
    for (const runId of models) {
      if (!modelFolderUnrecorded(db, home, runId)) continue;
      rmSync(join(home, 'artifacts', runId, dirname(MODEL_ARTIFACT)), { recursive: true, force: true });
      try { rmdirSync(join(home, 'artifacts', runId)); } catch { /* the run keeps other artifacts */ }
      report.modelFolders++;
    }
    for (const r of registry) {
      if (versionRecorded(db, r)) continue;
      rmSync(r.path, { recursive: true, force: true });
      try { rmdirSync(dirname(r.path)); } catch { /* the model has other versions */ }
      report.registryFolders++;
    }
  });
  return report;
}

/** One line for the log when something was put right; null when there was nothing to do. */
export function describeRecovery(r: RecoveryReport): string | null {
  const parts = [
    r.tempOutputs && `${r.tempOutputs} unfinished predictions file(s) removed`,
    r.completedOutputs && `${r.completedOutputs} recorded predictions file(s) moved into place`,
    r.modelFolders && `${r.modelFolders} unrecorded model folder(s) removed`,
    r.registryFolders && `${r.registryFolders} unrecorded registry folder(s) removed`,
  ].filter(Boolean);
  return parts.length ? `Meter cleaned up after an interrupted run: ${parts.join(', ')}.` : null;
}

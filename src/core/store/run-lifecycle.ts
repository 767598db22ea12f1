// A run's life after it ends: rename, remove a tag, move to the trash and back, and purge for good. Purge
// deletes the rows in one transaction; the caller then removes the artifact folders.
import { MeterError } from '../../shared/errors';
import type { RunId } from '../../shared/domain';
import type { Db } from './db';
import { inTransaction } from './db';
import { getRun } from './runs-repo';

export function renameRun(db: Db, runId: RunId, name: string): void {
  if (name.trim() === '' || name.length > 250) throw new MeterError('INVALID_ARGUMENT', 'A run name is 1 to 250 characters.');
  inTransaction(db, () => {
    getRun(db, runId);
    db.prepare('UPDATE runs SET name = ? WHERE run_id = ?').run(name.trim(), runId);
  });
}

export function deleteTag(db: Db, runId: RunId, key: string): void {
  inTransaction(db, () => {
    getRun(db, runId);
    const removed = db.prepare(`DELETE FROM run_tags WHERE run_key = (SELECT run_key FROM runs WHERE run_id = ?)
      AND key_id = (SELECT key_id FROM key_names WHERE key = ?)`).run(runId, key).changes;
    if (removed === 0) {
      throw new MeterError('NOT_FOUND', `Run ${runId} has no tag "${key}".`);
    }
  });
}

function checkIds(db: Db, runIds: readonly RunId[], action: string): void {
  if (runIds.length === 0) throw new MeterError('INVALID_ARGUMENT', `Choose at least one run to ${action}.`);
  for (const id of runIds) {
    const run = getRun(db, id);
    if (run.status === 'RUNNING') throw new MeterError('INVALID_STATE', `Run ${run.name} (${id}) is still running; cancel it before you ${action} it.`);
  }
}

/** Soft delete (trash) or restore; all or nothing. */
export function setRunsDeleted(db: Db, runIds: readonly RunId[], deleted: boolean): number {
  return inTransaction(db, () => {
    checkIds(db, runIds, deleted ? 'delete' : 'restore');
    const stmt = db.prepare('UPDATE runs SET deleted_ms = ? WHERE run_id = ?');
    const now = Date.now();
    for (const id of runIds) stmt.run(deleted ? now : null, id);
    return runIds.length;
  });
}

/** Hard delete: the runs' rows (params, metrics, tags, inputs, artifact records cascade) go in one transaction. */
export function purgeRuns(db: Db, runIds: readonly RunId[]): number {
  return inTransaction(db, () => {
    checkIds(db, runIds, 'purge');
    const stmt = db.prepare('DELETE FROM runs WHERE run_id = ?');
    for (const id of runIds) stmt.run(id);
    return runIds.length;
  });
}

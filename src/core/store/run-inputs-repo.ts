// The trips a finished run kept from each of its input files (run_inputs.rows, migration 0013).
import type { RunId } from '../../shared/domain';
import type { Db } from './db';

/** `files`: per role in the order the run lists them (position = index within the role). Call inside the run's save. */
export function recordInputRows(db: Db, runId: RunId, files: readonly { role: string; rows: number }[]): void {
  const put = db.prepare('UPDATE run_inputs SET rows = ? WHERE run_id = ? AND role = ? AND position = ?');
  const seen = new Map<string, number>();
  for (const f of files) {
    const position = seen.get(f.role) ?? 0;
    seen.set(f.role, position + 1);
    put.run(f.rows, runId, f.role, position);
  }
}

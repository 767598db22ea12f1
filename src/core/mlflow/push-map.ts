// Where a push to an MLflow server stands, per (server, Meter run): the remote run and how much of it the
// server has already acknowledged. Written after every call the server answered, each in its own short
// transaction, so whatever stops a push (cancel, crash, a failing server) leaves an exact resume point.
import type { Db } from '../store/db';
import { inTransaction } from '../store/db';

export interface PushMapping {
  remoteRunId: string;
  paramsSent: boolean;
  /** how many of the run's metric points, in push order (key, step, timestamp, value), the server has */
  metricsSent: number;
  /** how many of the run's artifact files, in path order, the server has */
  artifactsSent: number;
  finished: boolean;
  /** when the store last wrote this mapping (for a finished one: when its push ended), as read */
  updatedMs?: number;
}

interface Row { remote_run_id: string; params_sent: number; metrics_sent: number; artifacts_sent: number; finished: number; updated_ms: number }

export function getPushMapping(db: Db, target: string, runId: string): PushMapping | null {
  const r = db.prepare('SELECT remote_run_id, params_sent, metrics_sent, artifacts_sent, finished, updated_ms FROM mlflow_push_runs WHERE target = ? AND run_id = ?').get(target, runId) as Row | undefined;
  return r ? { remoteRunId: r.remote_run_id, paramsSent: r.params_sent === 1, metricsSent: r.metrics_sent, artifactsSent: r.artifacts_sent, finished: r.finished === 1, updatedMs: r.updated_ms } : null;
}

export function startPushMapping(db: Db, target: string, runId: string, remoteRunId: string): PushMapping {
  inTransaction(db, () => db.prepare(`INSERT INTO mlflow_push_runs (target, run_id, remote_run_id, updated_ms) VALUES (?, ?, ?, ?)
    ON CONFLICT (target, run_id) DO UPDATE SET remote_run_id = excluded.remote_run_id, params_sent = 0, metrics_sent = 0, artifacts_sent = 0, finished = 0, updated_ms = excluded.updated_ms`)
    .run(target, runId, remoteRunId, Date.now()));
  return { remoteRunId, paramsSent: false, metricsSent: 0, artifactsSent: 0, finished: false };
}

export function updatePushMapping(db: Db, target: string, runId: string, m: PushMapping): void {
  inTransaction(db, () => db.prepare('UPDATE mlflow_push_runs SET params_sent = ?, metrics_sent = ?, artifacts_sent = ?, finished = ?, updated_ms = ? WHERE target = ? AND run_id = ?')
    .run(m.paramsSent ? 1 : 0, m.metricsSent, m.artifactsSent, m.finished ? 1 : 0, Date.now(), target, runId));
}

/** The server lost the run (deleted for good, or a new server at the same address): push it afresh. */
export function dropPushMapping(db: Db, target: string, runId: string): void {
  inTransaction(db, () => db.prepare('DELETE FROM mlflow_push_runs WHERE target = ? AND run_id = ?').run(target, runId));
}

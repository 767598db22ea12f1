// One push to an MLflow server at a time per store, across processes: the app and `meter push` on the same
// home each create the runs the other has not recorded yet, so two at once would make duplicates. A push
// takes the server's row in mlflow_push_leases (BEGIN IMMEDIATE: the check and the take are one step, so two
// processes can't both win), keeps its heartbeat fresh while it runs, and deletes the row when it ends, is
// cancelled or fails. A push that crashed can't delete it: its row stops counting once its process is gone
// (same host) or its heartbeat is old (a reused pid, or another host sharing the home).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { MeterError } from '../../shared/errors';
import { inTransaction, type Db } from '../store/db';

/** how often a running push says it is alive */
export const HEARTBEAT_MS = 5_000;
/** a holder silent this long is taken to be gone even if a process with its pid runs (pids get reused) */
export const STALE_MS = 120_000;

export interface PushLease {
  readonly target: string;
  /** says who holds it from now on (the app names its job once the job has an id) */
  relabel(label: string): void;
  /** ends the lease; safe to call more than once, and after the store was closed */
  release(): void;
}

interface LeaseRow { holder: string; label: string; pid: number; host: string; started_ms: number; heartbeat_ms: number }

/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderAlive(row: LeaseRow, now: number): boolean {
  if (now - row.heartbeat_ms > STALE_MS) return false;
  return row.host !== hostname() || processAlive(row.pid);
}

function busyMessage(target: string, row: LeaseRow): string {
  const elsewhere = row.pid !== process.pid || row.host !== hostname();
  const where = !elsewhere ? '' : ` in another Meter process (pid ${row.pid}${row.host !== hostname() ? ` on ${row.host}` : ''}, started ${new Date(row.started_ms).toISOString()})`;
  return `A push to ${target} is running (${row.label})${where}; wait for it or cancel it. Two pushes to one server at once would create the same runs twice.`;
}

/**
 * Takes the push lease for target, or refuses (INVALID_STATE, naming who holds it). label says who is pushing
 * ("job …", "meter push"), for the message another push gets.
 */
export function takePushLease(db: Db, target: string, label: string): PushLease {
  const holder = randomUUID();
  const now = Date.now();
  inTransaction(db, () => {
    const row = db.prepare('SELECT holder, label, pid, host, started_ms, heartbeat_ms FROM mlflow_push_leases WHERE target = ?').get(target) as LeaseRow | undefined;
    if (row && holderAlive(row, now)) throw new MeterError('INVALID_STATE', busyMessage(target, row));
    db.prepare(`INSERT INTO mlflow_push_leases (target, holder, label, pid, host, started_ms, heartbeat_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (target) DO UPDATE SET holder = excluded.holder, label = excluded.label, pid = excluded.pid, host = excluded.host,
        started_ms = excluded.started_ms, heartbeat_ms = excluded.heartbeat_ms`).run(target, holder, label, process.pid, hostname(), now, now);
  });
  let released = false;
  const beat = setInterval(() => {
    try {
      db.prepare('UPDATE mlflow_push_leases SET heartbeat_ms = ? WHERE target = ? AND holder = ?').run(Date.now(), target, holder);
    } catch {
      // a busy or closed store: the next beat tries again, and a lease this old is only ever taken over
    }
  }, HEARTBEAT_MS);
  beat.unref(); // a lease never keeps the process alive on its own
  return {
    target,
    relabel(label) {
      if (released) return;
      inTransaction(db, () => db.prepare('UPDATE mlflow_push_leases SET label = ? WHERE target = ? AND holder = ?').run(label, target, holder));
    },
    release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      try {
        inTransaction(db, () => db.prepare('DELETE FROM mlflow_push_leases WHERE target = ? AND holder = ?').run(target, holder));
      } catch {
        // the store is closed or busy: the row names a process that is ending, so the next push takes it over
      }
    },
  };
}

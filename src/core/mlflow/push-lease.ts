// One push to an MLflow server at a time per store, across processes: the app and `meter push` on the same
// home each create the runs the other has not recorded yet, so two at once would make duplicates. A push
// takes the server's row in mlflow_push_leases (BEGIN IMMEDIATE: the check and the take are one step, so two
// processes can't both win), keeps its heartbeat fresh while it runs, and deletes the row when it ends, is
// cancelled or fails. A push that crashed can't delete it: on this host its row stops counting once its
// process is gone — the pid dead, or alive but started at another time (a reused pid). A live holder here is
// never taken over for a quiet heartbeat: its event loop may be busy or the laptop asleep, and it would go on
// sending. Only a holder on another host sharing the home, or one whose process start can't be read, is
// judged by its heartbeat. A holder still checks before each call to the server that the row is its own
// (assertHeld), so one taken over all the same stops before it writes anything more.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { MeterError } from '../../shared/errors';
import { inTransaction, type Db } from '../store/db';

/** how often a running push says it is alive */
export const HEARTBEAT_MS = 5_000;
/** a holder silent this long is taken to be gone, when its process can't be told apart from a reused pid */
export const STALE_MS = 120_000;

export interface PushLease {
  readonly target: string;
  /** true once the row is no longer this lease's (taken over, or deleted): the push must stop */
  readonly lost: boolean;
  /** throws CANCELLED, saying why, when the lease was lost; checks the store itself, not only the last beat */
  assertHeld(): void;
  /** says who holds it from now on (the app names its job once the job has an id); only a label, so a busy
   * store leaves the old one rather than failing the push */
  relabel(label: string): void;
  /** ends the lease; safe to call more than once, and after the store was closed */
  release(): void;
}

interface LeaseRow { holder: string; label: string; pid: number; host: string; started_ms: number; heartbeat_ms: number; pid_start: string | null }

/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the process with this pid started, as a string equal for the same process and different for a later
 * one with the same pid; null when it can't be read (no such process, or no /proc and no ps). Linux: the boot
 * id and /proc/<pid>/stat's start time in clock ticks since boot; elsewhere ps's start time.
 */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}:${fields[19]}`; // field 22 of stat, the 20th after the name
  } catch { /* no /proc: ps below */ }
  if (process.platform === 'win32') return null;
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
    return out || null;
  } catch {
    return null;
  }
}

let ownStart: string | null | undefined;
const myStart = (): string | null => (ownStart === undefined ? (ownStart = processStart(process.pid)) : ownStart);

function holderAlive(row: LeaseRow, now: number): boolean {
  if (row.host === hostname()) {
    if (!processAlive(row.pid)) return false;
    const start = row.pid_start === null ? null : processStart(row.pid);
    if (start !== null) return start === row.pid_start;
  }
  return now - row.heartbeat_ms <= STALE_MS;
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
    const row = db.prepare('SELECT holder, label, pid, host, started_ms, heartbeat_ms, pid_start FROM mlflow_push_leases WHERE target = ?').get(target) as LeaseRow | undefined;
    if (row && holderAlive(row, now)) throw new MeterError('INVALID_STATE', busyMessage(target, row));
    db.prepare(`INSERT INTO mlflow_push_leases (target, holder, label, pid, host, started_ms, heartbeat_ms, pid_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (target) DO UPDATE SET holder = excluded.holder, label = excluded.label, pid = excluded.pid, host = excluded.host,
        started_ms = excluded.started_ms, heartbeat_ms = excluded.heartbeat_ms, pid_start = excluded.pid_start`).run(target, holder, label, process.pid, hostname(), now, now, myStart());
  });
  let released = false;
  let lost = false;
  let takenBy: string | null = null;
  const loseTo = (row: { label: string; pid: number; host: string } | undefined) => {
    lost = true;
    takenBy = row ? `${row.label}, pid ${row.pid} on ${row.host}` : null;
    clearInterval(beat);
  };
  const beat = setInterval(() => {
    try {
      if (db.prepare('UPDATE mlflow_push_leases SET heartbeat_ms = ? WHERE target = ? AND holder = ?').run(Date.now(), target, holder).changes !== 1) {
        loseTo(db.prepare('SELECT label, pid, host FROM mlflow_push_leases WHERE target = ?').get(target) as LeaseRow | undefined);
      }
    } catch {
      // a busy or closed store: the next beat tries again; assertHeld reads the row itself before each call
    }
  }, HEARTBEAT_MS);
  beat.unref(); // a lease never keeps the process alive on its own
  return {
    target,
    get lost() { return lost; },
    assertHeld() {
      if (!lost && !released) {
        const row = db.prepare('SELECT holder, label, pid, host FROM mlflow_push_leases WHERE target = ?').get(target) as LeaseRow | undefined;
        if (row?.holder !== holder) loseTo(row);
      }
      if (lost || released) {
        throw new MeterError('CANCELLED', `The push to ${target} stopped before its next call: it no longer holds the server's push lease (${takenBy ? `another push took it over: ${takenBy}` : 'its row was removed'}), so going on could create runs twice. What was sent is recorded; push again to send the rest.`);
      }
    },
    relabel(label) {
      if (released || lost) return;
      try {
        db.prepare('UPDATE mlflow_push_leases SET label = ? WHERE target = ? AND holder = ?').run(label, target, holder);
      } catch {
        // busy: another push's refusal names the old label, nothing else depends on it
      }
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

// Opens the one SQLite file: WAL, busy_timeout, foreign keys, and migrations that back the file up first.
// Several Meter processes (the app, CLI commands, browser mode) may open one home at once, so the version
// check reads the file without writing a byte, and migrating happens under one exclusive lock.
import { existsSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { MeterError } from '../../shared/errors';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenResult {
  db: Db;
  schemaVersion: number;
  /** path of the backup taken before upgrading, when there was something to upgrade */
  backupPath: string | null;
}

const BUSY_TIMEOUT_MS = 5000;

type Applied = { version: number; name: string };

function openFailed(path: string, err: unknown): MeterError {
  const message = (err as Error).message;
  // better-sqlite3 is a native addon; without a prebuilt binary npm builds it, which needs a C++ toolchain.
  if (/bindings file|better_sqlite3\.node|NODE_MODULE_VERSION|was compiled against/.test(message)) {
    return new MeterError('INTERNAL', 'better-sqlite3\'s native addon is not built for this Node: install python3, make and g++ ' +
      '(sudo apt-get install -y python3 make g++), then run npm rebuild better-sqlite3.');
  }
  return new MeterError('FILE_UNREADABLE', `Cannot open the Meter database ${path}: ${message}`);
}

function translate(path: string, err: unknown): unknown {
  if (err instanceof MeterError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB') return new MeterError('FILE_UNREADABLE', `${path} is not a SQLite database; move it away and Meter will start a new one.`);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new MeterError('DB_BUSY', `The Meter database ${path} stayed locked by another Meter for ${BUSY_TIMEOUT_MS / 1000} s; try again.`, undefined, true);
  }
  return err;
}

function readApplied(db: Db): Applied[] {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  return has ? db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Applied[] : [];
}

function refuseUnknown(path: string, applied: Applied[], migrations: readonly Migration[]): void {
  const known = new Map(migrations.map((m) => [m.version, m.name]));
  for (const a of applied) {
    if (known.get(a.version) !== a.name) {
      const newest = migrations.length ? migrations[migrations.length - 1].version : 0;
      throw new MeterError('DB_TOO_NEW',
        `${path} has schema migration ${a.name} (version ${a.version}), which this Meter does not know (it knows up to ${newest}). ` +
        'It was written by a newer Meter; update Meter. The file was left untouched.');
    }
  }
}

/**
 * The version check, read-only: a database written by a newer Meter must not be changed at all, and even
 * `PRAGMA journal_mode = WAL` rewrites header bytes, so it is refused before anything opens it for writing.
 */
function checkVersionReadOnly(path: string, migrations: readonly Migration[], nativeBinding?: string): void {
  if (!existsSync(path) || statSync(path).size === 0) return;
  let ro: Db;
  try {
    ro = new Database(path, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (err) {
    throw openFailed(path, err);
  }
  try {
    ro.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    refuseUnknown(path, readApplied(ro), migrations);
  } catch (err) {
    const e = translate(path, err);
    // Anything but a verdict (say, a hot journal only a writer may roll back) is left to the read-write open.
    if (e instanceof MeterError && (e.code === 'DB_TOO_NEW' || e.code === 'FILE_UNREADABLE')) throw e;
  } finally {
    ro.close();
  }
}

/**
 * `nativeBinding` points better-sqlite3 at a build for another ABI: Electron's main process needs one built
 * for Electron, while the CLI and tests load the default Node build from node_modules.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS, nativeBinding?: string): OpenResult {
  checkVersionReadOnly(path, migrations, nativeBinding);
  let db: Db;
  try {
    db = new Database(path, nativeBinding ? { nativeBinding } : {});
  } catch (err) {
    throw openFailed(path, err);
  }
  try {
    // busy_timeout first: switching to WAL and migrating both wait for other Meters' locks.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // Up to 64 MiB of page cache (SQLite's default is 2 MiB): a search over 100,000 runs reads its indexes
    // from memory instead of asking the OS for the same pages again. Grown only as pages are read.
    db.pragma('cache_size = -65536');
    const { version, backupPath } = migrate(db, path, migrations, nativeBinding);
    return { db, schemaVersion: version, backupPath };
  } catch (err) {
    db.close();
    throw translate(path, err);
  }
}

/** True when any table but schema_migrations has a row: only such a database is worth a backup. */
function holdsData(db: Db): boolean {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")
    .pluck().all() as string[];
  return tables.some((t) => db.prepare(`SELECT EXISTS (SELECT 1 FROM "${t.replace(/"/g, '""')}")`).pluck().get() === 1);
}

function backupName(path: string, version: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let i = 0; ; i++) {
    const candidate = `${path}.backup-v${version}-${stamp}${i === 0 ? '' : `-${randomBytes(3).toString('hex')}`}`;
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * Applies what is pending under BEGIN EXCLUSIVE: another process opening the same store waits on the lock,
 * then re-reads the applied list and finds nothing left to do. The whole upgrade is one transaction.
 */
function migrate(db: Db, path: string, migrations: readonly Migration[], nativeBinding?: string): { version: number; backupPath: string | null } {
  const version = migrations.length ? Math.max(...migrations.map((m) => m.version)) : 0;
  // The common case, an up-to-date store, takes no write lock at all.
  const seen = readApplied(db);
  refuseUnknown(path, seen, migrations);
  if (seen.length === migrations.length) return { version, backupPath: null };

  let backupPath: string | null = null;
  let step: Migration | null = null;
  let vacuumAfter = false;
  db.exec('BEGIN EXCLUSIVE');
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)`);
    const applied = readApplied(db);
    refuseUnknown(path, applied, migrations);
    const done = new Set(applied.map((a) => a.version));
    const pending = migrations.filter((m) => !done.has(m.version));
    if (pending.length > 0 && applied.length > 0 && holdsData(db)) {
      // An upgrade of a database that holds user data: keep a consistent copy first. WAL lets a second,
      // read-only connection copy the last committed state while this one holds the write lock.
      backupPath = backupName(path, applied[applied.length - 1].version);
      const reader = new Database(path, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
      try { reader.prepare('VACUUM INTO ?').run(backupPath); } finally { reader.close(); }
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)');
    // a fresh database has nothing to compact
    vacuumAfter = applied.length > 0 && pending.some((m) => m.vacuum);
    for (const m of pending) {
      step = m;
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    }
    step = null;
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    if (step) {
      throw new MeterError('MIGRATION_FAILED',
        `Upgrading ${path} failed at ${step.name}: ${(err as Error).message}. Nothing of the upgrade was applied` +
        (backupPath ? `; a backup is at ${backupPath}.` : '.'));
    }
    throw err;
  }
  if (vacuumAfter) compact(db);
  return { version, backupPath };
}

/**
 * After a migration that rebuilt big tables: the old tables' pages are free but still in the file (a
 * 100,000-run store stayed 550 MB instead of 200), and the new tables' pages are interleaved with them.
 * VACUUM rewrites the file compactly. Only space is at stake, so a failure (another Meter holding the
 * database) leaves it for SQLite to reuse the free pages as data comes.
 */
function compact(db: Db): void {
  try {
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // the upgrade is committed; the file is only larger than it needs to be
  }
}

/**
 * Runs fn in one transaction, begun IMMEDIATE: the write lock is taken (waiting up to busy_timeout for
 * another Meter) before fn reads anything, so a read-then-write can't fail half-way because another process
 * wrote in between. Inside another transaction it is a savepoint. SQLite's busy failure becomes DB_BUSY.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  try {
    return db.transaction(fn).immediate();
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY')) throw new MeterError('DB_BUSY', 'The Meter database is busy (another Meter is writing); try again.', undefined, true);
    throw err;
  }
}

/** A statement kept for reuse: its row mode is fixed when it is made, so no caller can change it under another. */
export type KeptStatement = Pick<Database.Statement<unknown[]>, 'get' | 'all' | 'run'>;

const KEPT_PER_CONNECTION = 400;
const keptStatements = new WeakMap<Db, Map<string, KeptStatement>>();

/** How a kept statement returns rows: objects by column name, the first column alone, or arrays of values. */
export type RowMode = 'objects' | 'pluck' | 'raw';

/**
 * The statement for sql on this connection, prepared once and kept (the least recently used dropped past
 * 400). Preparing costs about as much as running a small indexed query, and a search or a logged batch
 * runs a dozen of them: measured a seventh of an MLflow best-10 search. `mode` is fixed per kept statement
 * ('raw' rows are arrays: cheaper to make than objects when a page reads thousands). SQL text that embeds
 * values would fill the cache with one-offs: pass values as parameters.
 */
export function kept(db: Db, sql: string, mode: RowMode = 'objects'): KeptStatement {
  let cache = keptStatements.get(db);
  if (!cache) { cache = new Map(); keptStatements.set(db, cache); }
  const key = `${mode} ${sql}`;
  let st = cache.get(key);
  if (st) {
    cache.delete(key); // set again below: a Map iterates in insertion order, so the first key is the least recent
  } else {
    const made = db.prepare(sql);
    st = mode === 'pluck' ? made.pluck() : mode === 'raw' ? made.raw() : made;
    if (cache.size >= KEPT_PER_CONNECTION) cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, st);
  return st;
}

/** Forgets this connection's kept statements (a test that watches db.prepare sees every statement again). */
export function dropKeptStatements(db: Db): void {
  keptStatements.delete(db);
}

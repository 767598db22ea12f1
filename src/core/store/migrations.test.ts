import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MeterError } from '../../shared/errors';
import { asExperimentId, asRunId } from '../../shared/domain';
import { openDatabase } from './db';
import { MIGRATIONS } from './migrations';
import { createRun, getRun, logMetrics, logParams } from './runs-repo';

const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

const dirs: string[] = [];
const fresh = (): string => { const d = tempDir('meter-db-'); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('database and migrations', () => {
  it('creates an empty database at the newest schema with WAL and foreign keys, and takes no backup', () => {
    const dir = fresh();
    const { db, schemaVersion, backupPath } = openDatabase(join(dir, 'meter.db'));
    expect(schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    expect(backupPath).toBeNull();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    db.close();
    expect(readdirSync(dir).filter((f) => f.includes('backup'))).toEqual([]);
  });

  it('upgrades a previous-version file, backing it up first and keeping every row', () => {
    const dir = fresh();
    const path = join(dir, 'meter.db');
    const old = openDatabase(path, MIGRATIONS.slice(0, 1)); // a database written by the release with only 0001
    old.db.prepare("INSERT INTO experiments (experiment_id, name, created_ms, updated_ms) VALUES ('e1', 'nyc-taxi', 1, 1)").run();
    old.db.prepare("INSERT INTO runs (run_id, experiment_id, name, status, start_ms, source_type) VALUES ('r1', 'e1', 'old run', 'FINISHED', 1, 'CLI')").run();
    old.db.prepare("INSERT INTO latest_metrics (run_id, key, step, timestamp_ms, value) VALUES ('r1', 'rmse_val', 0, 1, 7.5)").run();
    old.db.close();

    const { db, schemaVersion, backupPath } = openDatabase(path);
    expect(schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    expect(backupPath).not.toBeNull();
    expect(existsSync(backupPath!)).toBe(true);
    const run = getRun(db, asRunId('r1'));
    expect(run.name).toBe('old run');
    expect(run.metrics.rmse_val).toBe(7.5);
    expect(run.inputs).toEqual([]); // the new table exists and is empty
    db.close();
    const backup = new Database(backupPath!, { readonly: true });
    expect((backup.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(1);
    expect((backup.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n).toBe(1);
    backup.close();
  });

  it('refuses a database written by a newer Meter and leaves it untouched', () => {
    const dir = fresh();
    const path = join(dir, 'meter.db');
    openDatabase(path).db.close();
    const raw = new Database(path);
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_ms) VALUES (99, '0099_future', 1)").run();
    raw.close();
    let err: unknown;
    try { openDatabase(path); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('DB_TOO_NEW');
    expect(readdirSync(dir).filter((f) => f.includes('backup'))).toEqual([]);
  });

  it('refuses a newer rollback-journal database before anything writes to it: not one byte changes', () => {
    const dir = fresh();
    const path = join(dir, 'meter.db');
    openDatabase(path).db.close();
    const raw = new Database(path);
    raw.pragma('journal_mode = DELETE'); // as a newer Meter might leave it (header bytes 18-19 are 1, 1)
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_ms) VALUES (99, '0099_future', 1)").run();
    raw.close();
    const before = readFileSync(path);
    expect([before[18], before[19]]).toEqual([1, 1]);
    expect(() => openDatabase(path)).toThrow(/newer Meter; update Meter\. The file was left untouched/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['meter.db']);
  });

  it('upgrades an older database without data without a backup, and one with data with a backup each time', () => {
    const dir = fresh();
    const path = join(dir, 'meter.db');
    openDatabase(path, MIGRATIONS.slice(0, 1)).db.close();
    expect(openDatabase(path).backupPath).toBeNull();
    const withData = join(dir, 'data.db');
    const old = openDatabase(withData, MIGRATIONS.slice(0, 1)).db;
    old.prepare("INSERT INTO experiments (experiment_id, name, created_ms, updated_ms) VALUES ('e1', 'x', 1, 1)").run();
    old.close();
    const upgraded = openDatabase(withData, MIGRATIONS.slice(0, 2));
    upgraded.db.close();
    const again = openDatabase(withData);
    again.db.close();
    expect(upgraded.backupPath).not.toBeNull();
    expect(again.backupPath).not.toBeNull();
    expect(again.backupPath).not.toBe(upgraded.backupPath);
    expect(readdirSync(dir).filter((f) => f.includes('backup')).sort()).toEqual([upgraded.backupPath!, again.backupPath!].map((p) => p.slice(dir.length + 1)).sort());
  });

  it('refuses a file that is not a SQLite database', async () => {
    const dir = fresh();
    const path = join(dir, 'meter.db');
    (await import('node:fs')).writeFileSync(path, 'this is not sqlite, just text that is long enough to be a header');
    expect(() => openDatabase(path)).toThrow(/not a SQLite database/);
  });
});

describe('params and metrics', () => {
  it('params are write-once: same value is a no-op, a different one is refused naming both', () => {
    const dir = fresh();
    const { db } = openDatabase(join(dir, 'meter.db'));
    db.prepare("INSERT INTO experiments (experiment_id, name, created_ms, updated_ms) VALUES ('e1', 'x', 1, 1)").run();
    const runId = createRun(db, { experimentId: asExperimentId('e1'), name: 'r', params: { alpha: '1' }, tags: {}, source: { type: 'API', name: 't' }, inputs: [] });
    logParams(db, runId, { alpha: '1' });
    expect(() => logParams(db, runId, { alpha: '2', other: '3' })).toThrow(/already "1".*tried "2"/);
    expect(getRun(db, runId).params).toEqual({ alpha: '1' }); // "other" was not half-written
    logMetrics(db, runId, [{ key: 'loss', value: 3, step: 0 }, { key: 'loss', value: 2, step: 1 }, { key: 'loss', value: NaN, step: 2 }]);
    logMetrics(db, runId, [{ key: 'loss', value: 9, step: 1 }]); // a late point for an older step
    expect(Number.isNaN(getRun(db, runId).metrics.loss)).toBe(true);
    expect(() => logMetrics(db, runId, [{ key: 'ok', value: 1, step: 0 }, { key: '', value: 1, step: 0 }])).toThrow(/need a key/);
    expect(getRun(db, runId).metrics.ok).toBeUndefined();
    db.close();
  });

  it('0006 renames the feature_set param to featureSet on runs and registry snapshots, keeping its value', () => {
    const path = join(fresh(), 'meter.db');
    const old = openDatabase(path, MIGRATIONS.slice(0, 5)).db;
    old.prepare("INSERT INTO experiments (experiment_id, name, created_ms, updated_ms) VALUES ('e1', 'x', 1, 1)").run();
    // written as the Meter of that schema wrote it (today's runs-repo writes only the current schema)
    old.prepare("INSERT INTO runs (run_id, experiment_id, name, status, start_ms, source_type) VALUES ('r1', 'e1', 'r', 'FINISHED', 1, 'API')").run();
    for (const [k, v] of Object.entries({ model: 'ridge', feature_set: 'pu_do', alpha: '2' })) old.prepare("INSERT INTO run_params (run_id, key, value) VALUES ('r1', ?, ?)").run(k, v);
    const runId = asRunId('r1');
    old.close();
    const { db, backupPath } = openDatabase(path);
    expect(backupPath).not.toBeNull();
    expect(getRun(db, runId).params).toEqual({ model: 'ridge', featureSet: 'pu_do', alpha: '2' });
    db.close();
  });

  it('0010 renames gbt\'s alpha/lambda to regAlpha/regLambda and its round history to round_rmse_*, on runs and registry snapshots; ridge keeps alpha', () => {
    const path = join(fresh(), 'meter.db');
    const old = openDatabase(path, MIGRATIONS.filter((m) => m.version < 10)).db;
    old.prepare("INSERT INTO experiments (experiment_id, name, created_ms, updated_ms) VALUES ('e1', 'x', 1, 1)").run();
    // written as the Meter of that schema wrote it (today's runs-repo writes only the current schema)
    const run = (id: string, params: Record<string, string>) => {
      old.prepare("INSERT INTO runs (run_id, experiment_id, name, status, start_ms, source_type) VALUES (?, 'e1', 'r', 'FINISHED', 1, 'API')").run(id);
      for (const [k, v] of Object.entries(params)) old.prepare('INSERT INTO run_params (run_id, key, value) VALUES (?, ?, ?)').run(id, k, v);
      return asRunId(id);
    };
    const metrics = (id: string, points: { key: string; value: number; step: number }[]) => {
      for (const p of points) {
        for (const t of ['run_metrics', 'latest_metrics']) old.prepare(`INSERT INTO ${t} (run_id, key, step, timestamp_ms, value) VALUES (?, ?, ?, 1, ?)`).run(id, p.key, p.step, p.value);
      }
    };
    const gbt = run('g1', { model: 'gbt', alpha: '0.5', lambda: '2', maxDepth: '6' });
    const ridge = run('r1', { model: 'ridge', alpha: '1' });
    metrics(gbt, [{ key: 'train_rmse', value: 4.48, step: 1 }, { key: 'val_rmse', value: 4.96, step: 1 }, { key: 'rmse_val', value: 4.95, step: 0 }]);
    metrics(ridge, [{ key: 'val_rmse', value: 7, step: 0 }]); // not gbt's: left alone
    old.prepare("INSERT INTO registered_models (name, name_key, created_ms, updated_ms) VALUES ('m', 'm', 1, 1)").run();
    const version = old.prepare(`INSERT INTO model_versions (name, version, status, description, run_id, run_name, experiment_name, model_file, model_sha256,
      model_bytes, signature_json, metrics_json, params_json, datasets_json, created_ms) VALUES ('m', ?, 'READY', '', ?, 'r', 'x', 'f', 's', 1, '{}', ?, ?, '[]', 1)`);
    version.run(1, gbt, JSON.stringify({ val_rmse: 4.96, rmse_val: 4.95 }), JSON.stringify({ model: 'gbt', alpha: '0.5', lambda: '2' }));
    version.run(2, ridge, JSON.stringify({ rmse_val: 7 }), JSON.stringify({ model: 'ridge', alpha: '1' }));
    old.close();
    const { db } = openDatabase(path);
    const g = getRun(db, gbt);
    expect(g.params).toEqual({ model: 'gbt', regAlpha: '0.5', regLambda: '2', maxDepth: '6' });
    expect(g.metrics).toEqual({ round_rmse_train: 4.48, round_rmse_val: 4.96, rmse_val: 4.95 });
    expect(db.prepare("SELECT count(*) AS n FROM run_metrics m JOIN key_names k ON k.key_id = m.key_id WHERE k.key IN ('train_rmse', 'val_rmse')").get()).toEqual({ n: 1 });
    expect(getRun(db, ridge).params).toEqual({ model: 'ridge', alpha: '1' });
    const snapshots = db.prepare('SELECT params_json AS p, metrics_json AS m FROM model_versions ORDER BY version').all() as { p: string; m: string }[];
    expect(snapshots.map((r) => [JSON.parse(r.p), JSON.parse(r.m)])).toEqual([
      [{ model: 'gbt', regAlpha: '0.5', regLambda: '2' }, { rmse_val: 4.95, round_rmse_val: 4.96 }],
      [{ model: 'ridge', alpha: '1' }, { rmse_val: 7 }],
    ]);
    db.close();
  });

  it('0011 and 0012 carry every row over in order: runs get an integer key, params/tags/metrics name it and an interned key; runs, searches, writes and deletes work after', async () => {
    const path = join(fresh(), 'meter.db');
    const old = openDatabase(path, MIGRATIONS.filter((m) => m.version < 11)).db;
    const { legacySeed, trackingSnapshot } = await import('../../../test/fixtures/legacy-tracking');
    const { searchRuns, countRuns } = await import('./run-search');
    old.prepare("INSERT INTO datasets (dataset_id, path, file_name, sha256, size_bytes, kind, rows, report_json, created_ms) VALUES ('d1', '/g.parquet', 'g.parquet', 's', 1, 'green', 10, '{}', 1)").run();
    const ids = legacySeed(old, { runs: 60, params: 6, metrics: 4, experiments: ['a', 'b'], historySteps: 3, datasetId: 'd1' });
    old.prepare("INSERT INTO run_tags (run_id, key, value) VALUES (?, 'odd key', 'v')").run(ids[3]);
    old.prepare("INSERT INTO latest_metrics (run_id, key, step, timestamp_ms, value, is_nan) VALUES (?, 'nan_metric', 0, 1, NULL, 1)").run(ids[4]);
    old.prepare("INSERT INTO artifacts (run_id, path, size_bytes, created_ms) VALUES (?, 'model/model.json', 10, 1), (?, 'a.txt', 1, 2)").run(ids[2], ids[2]);
    old.prepare("INSERT INTO mlflow_run_inputs (run_id, name, digest, source_type, source, tags_json) VALUES (?, 'ds-b', 'x', 'local', 'f', '{}'), (?, 'ds-a', 'y', 'local', 'f', '{}')").run(ids[5], ids[5]);
    old.prepare("INSERT INTO mlflow_run_outputs (run_id, model_id, step) VALUES (?, 'm-2', 0), (?, 'm-1', 1)").run(ids[5], ids[5]);
    old.close();
    const v11 = openDatabase(path, MIGRATIONS.filter((m) => m.version <= 11)).db; // the store as 0011 leaves it
    const before = trackingSnapshot(v11);
    v11.close();
    expect(before.run_metrics.rows).toBe(60 * 4 * 3);

    const { db, backupPath } = openDatabase(path);
    expect(backupPath).not.toBeNull();
    expect(trackingSnapshot(db)).toEqual(before); // every row, in the same order
    expect(db.pragma('freelist_count', { simple: true })).toBe(0); // compacted after the rebuild
    for (const t of ['run_params', 'run_tags']) {
      expect(db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(t)).toMatch(/WITHOUT ROWID/);
    }
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'runs'").pluck().get()).toMatch(/run_key INTEGER PRIMARY KEY/);
    for (const ix of ['run_params_by_key', 'run_tags_by_key', 'latest_metrics_by_key', 'run_metrics_by_key', 'runs_by_start', 'runs_by_lifecycle', 'runs_by_experiment', 'run_inputs_by_dataset']) {
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(ix), ix).toBe(1);
    }
    // read back through today's code: the seed's values (legacySeed: rmse_val = 5 + (i % 50) / 10, model by i % 3, a note every 5th)
    const r7 = getRun(db, asRunId(ids[7]));
    expect(r7.params).toMatchObject({ model: 'ridge', featureSet: 'pu_do', alpha: '10' });
    expect(r7.metrics.rmse_val).toBeCloseTo(5.7 + 2); // its third step
    expect(r7.historyKeys).toEqual(['m2', 'm3', 'rmse_train', 'rmse_val']);
    expect(r7.inputs.map((i) => [i.role, i.dataset.datasetId])).toEqual([['train', 'd1']]);
    expect(getRun(db, asRunId(ids[2])).artifacts.map((a) => a.path)).toEqual(['a.txt', 'model/model.json']);
    expect(Number.isNaN(getRun(db, asRunId(ids[4])).metrics.nan_metric)).toBe(true);
    const names = (q: object) => searchRuns(db, { limit: 1000, ...q }).runs.map((r) => r.name);
    expect(names({ filter: "params.model = 'ridge' and tags.note LIKE '%pu_do%'", orderBy: 'attributes.start_time' })).toEqual(['run-10', 'run-25', 'run-40', 'run-55']);
    expect(names({ filter: "tags.`odd key` = 'v'" })).toEqual(['run-3']);
    expect(countRuns(db, { filter: 'metrics.rmse_val < 7.45' })).toBe(ids.filter((_, i) => 7 + (i % 50) / 10 < 7.45).length);
    expect(names({ orderBy: 'metrics.m2 DESC', limit: 3 })).toHaveLength(3);
    // writes work, and params stay write-once
    expect(() => logParams(db, asRunId(ids[0]), { model: 'other' })).toThrow(/already/);
    logMetrics(db, asRunId(ids[0]), [{ key: 'brand_new', value: 1, step: 0 }]);
    expect(getRun(db, asRunId(ids[0])).metrics.brand_new).toBe(1);
    const key2 = db.prepare('SELECT run_key FROM runs WHERE run_id = ?').pluck().get(ids[2]);
    db.prepare('DELETE FROM runs WHERE run_id = ?').run(ids[2]); // ON DELETE CASCADE still holds, for the rebuilt and the put-back tables
    expect(db.prepare('SELECT count(*) FROM run_params WHERE run_key = ?').pluck().get(key2)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM artifacts WHERE run_id = ?').pluck().get(ids[2])).toBe(0);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});

// Tracking at 100,000 runs, part 2 (issue 19). A run's params, metrics and tags named their run by its
// 32-character hex id and their key by its full name in every row and in every index entry: most of the
// store's bytes. Runs get an integer key (`run_key`, the rowid: a stable INTEGER PRIMARY KEY, which VACUUM
// keeps) and key names are stored once in key_names; params, tags, the metric history and the latest
// metrics hold (run_key, key_id). Searches then intersect small integers, and reading a run's rows is one
// descent of a B-tree keyed by integers.
//
// SQLite can't add a primary key to a table, so runs is rebuilt. With foreign keys on (they can't be turned
// off inside the migration's transaction) dropping the old runs deletes its rows first, cascading into every
// table that still refers to it, and renaming it would re-point those tables at the old one. So params,
// tags and metrics are rebuilt first, referring to the new runs; the tables that keep run_id (artifacts,
// run inputs, MLflow's inputs and outputs: a few rows per run, referring to runs(run_id), which stays
// UNIQUE) are copied aside whole (whatever their columns) and put back once the new runs has its name.
// Rows are copied in their old rowid order: MLflow's run view lists metrics, inputs and outputs in logging
// order.
const RUN_COLUMNS = `experiment_id, name, status, start_ms, end_ms, source_type, source_name, source_git_commit, notes, error, owner, deleted_ms`;

/** A table keyed by run and key name becomes one keyed by run_key and key_id (a WITHOUT ROWID table). */
const keyValueTable = (table: string): string => `
CREATE TABLE ${table}_0012 (
  run_key INTEGER NOT NULL REFERENCES runs_0012(run_key) ON DELETE CASCADE,
  key_id INTEGER NOT NULL REFERENCES key_names(key_id),
  value TEXT NOT NULL,
  PRIMARY KEY (run_key, key_id)
) WITHOUT ROWID;
INSERT INTO ${table}_0012 (run_key, key_id, value)
  SELECT r.run_key, k.key_id, t.value FROM ${table} t JOIN runs_0012 r ON r.run_id = t.run_id JOIN key_names k ON k.key = t.key ORDER BY 1, 2;
DROP TABLE ${table};
ALTER TABLE ${table}_0012 RENAME TO ${table};
CREATE INDEX ${table}_by_key ON ${table}(key_id, value, run_key);
`;

// key_id without a foreign key here: a 1,000-point batch would check key_names 1,000 times (about 10% of its
// time); logMetrics takes the ids from key_names in the same transaction.
const metricColumns = (extra: string): string => `
  run_key INTEGER NOT NULL REFERENCES runs_0012(run_key) ON DELETE CASCADE,
  key_id INTEGER NOT NULL,
  step INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  value REAL,
  is_nan INTEGER NOT NULL DEFAULT 0${extra}`;

const copyMetrics = (table: string): string => `
INSERT INTO ${table}_0012 (run_key, key_id, step, timestamp_ms, value, is_nan)
  SELECT r.run_key, k.key_id, m.step, m.timestamp_ms, m.value, m.is_nan FROM ${table} m JOIN runs_0012 r ON r.run_id = m.run_id
  JOIN key_names k ON k.key = m.key ORDER BY m.rowid;
DROP TABLE ${table};
ALTER TABLE ${table}_0012 RENAME TO ${table};
`;

/** Tables that keep their run_id column: set aside before the old runs goes, put back (in order) after. */
const KEEP_RUN_ID = ['artifacts', 'run_inputs', 'mlflow_run_inputs', 'mlflow_run_outputs'];
const setAside = KEEP_RUN_ID.map((t) => `CREATE TEMP TABLE ${t}_0012 AS SELECT * FROM ${t} ORDER BY rowid;`).join('\n');
const putBack = KEEP_RUN_ID.map((t) => `INSERT INTO ${t} SELECT * FROM temp.${t}_0012 ORDER BY rowid;\nDROP TABLE temp.${t}_0012;`).join('\n');

export default `
CREATE TABLE key_names (
  key_id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE
);
INSERT INTO key_names (key)
  SELECT key FROM run_params UNION SELECT key FROM run_tags UNION SELECT key FROM latest_metrics UNION SELECT key FROM run_metrics ORDER BY 1;

CREATE TABLE runs_0012 (
  run_key INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL UNIQUE,
  experiment_id TEXT NOT NULL REFERENCES experiments(experiment_id),
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED', 'KILLED')),
  start_ms INTEGER NOT NULL,
  end_ms INTEGER,
  source_type TEXT NOT NULL CHECK (source_type IN ('CLI', 'UI', 'API')),
  source_name TEXT NOT NULL DEFAULT '',
  source_git_commit TEXT,
  notes TEXT NOT NULL DEFAULT '',
  error TEXT,
  -- host:pid of the Meter process driving a RUNNING run, so another process can tell a live run from an orphan
  owner TEXT,
  deleted_ms INTEGER
);
INSERT INTO runs_0012 (run_key, run_id, ${RUN_COLUMNS}) SELECT rowid, run_id, ${RUN_COLUMNS} FROM runs ORDER BY rowid;

${keyValueTable('run_params')}
${keyValueTable('run_tags')}

CREATE TABLE run_metrics_0012 (${metricColumns('')});
${copyMetrics('run_metrics')}
CREATE INDEX run_metrics_by_key ON run_metrics(run_key, key_id, step);

-- keeps its rowid: the order in which a run's metrics were first logged
CREATE TABLE latest_metrics_0012 (${metricColumns(',\n  PRIMARY KEY (run_key, key_id)')});
${copyMetrics('latest_metrics')}
CREATE INDEX latest_metrics_by_key ON latest_metrics(key_id, value, run_key);

${setAside}
DROP TABLE runs;
ALTER TABLE runs_0012 RENAME TO runs;
CREATE INDEX runs_by_experiment ON runs(experiment_id, start_ms DESC);
CREATE INDEX runs_by_start ON runs(start_ms DESC);
CREATE INDEX runs_by_lifecycle ON runs(deleted_ms, experiment_id);
${putBack}
`;

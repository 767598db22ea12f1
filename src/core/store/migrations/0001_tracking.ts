// 0001: experiments, runs, params, metrics (full history + latest), tags, artifacts.
export default `
CREATE TABLE experiments (
  experiment_id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  deleted_ms INTEGER
);
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
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
CREATE INDEX runs_by_experiment ON runs(experiment_id, start_ms DESC);
CREATE TABLE run_params (
  run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE run_metrics (
  run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  step INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  value REAL,
  is_nan INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX run_metrics_by_key ON run_metrics(run_id, key, step);
CREATE TABLE latest_metrics (
  run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  step INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  value REAL,
  is_nan INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE run_tags (
  run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE artifacts (
  run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (run_id, path)
);
`;

// The model registry. Versions hold a snapshot of their run (params, metrics, datasets, signature) and
// their own copy of the model file, so no run deletion can break them. Every alias move is one row of
// alias_history, which is what rollback reads.
export default `
CREATE TABLE registered_models (
  name TEXT PRIMARY KEY,
  name_key TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  -- version numbers are never reused, even after the newest version is deleted
  last_version INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TABLE registered_model_tags (
  name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, key)
);
CREATE TABLE model_versions (
  name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'READY' CHECK (status IN ('READY', 'ARCHIVED')),
  run_id TEXT NOT NULL,
  run_name TEXT NOT NULL,
  experiment_name TEXT NOT NULL,
  model_file TEXT NOT NULL,
  model_sha256 TEXT NOT NULL,
  model_bytes INTEGER NOT NULL,
  signature_json TEXT NOT NULL,
  metrics_json TEXT NOT NULL,
  params_json TEXT NOT NULL,
  datasets_json TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE INDEX model_versions_by_run ON model_versions(run_id);
CREATE TABLE model_version_tags (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, version, key),
  FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
);
CREATE TABLE model_aliases (
  name TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (name, alias),
  FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
);
CREATE TABLE alias_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE,
  alias TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('set', 'move', 'remove', 'rollback')),
  from_version INTEGER,
  to_version INTEGER,
  at_ms INTEGER NOT NULL
);
CREATE INDEX alias_history_by_alias ON alias_history(name, alias, id);
`;

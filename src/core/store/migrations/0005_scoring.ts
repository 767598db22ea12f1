// Batch scoring jobs, one row per input file: which model (URI, name, version, run), the input's sha256 and
// rows, the output path, and the labelled metrics and charts, shown on the version's page.
export default `
CREATE TABLE scoring_runs (
  scoring_id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  model_uri TEXT NOT NULL,
  model_name TEXT,
  model_version INTEGER,
  run_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('FINISHED', 'FAILED', 'KILLED')),
  error TEXT,
  input_path TEXT NOT NULL,
  file_json TEXT,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER NOT NULL
);
CREATE INDEX scoring_runs_by_model ON scoring_runs(model_name, model_version, started_ms DESC);
`;

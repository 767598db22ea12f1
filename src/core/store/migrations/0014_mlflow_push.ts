// Pushes to MLflow servers resume: for each (server, run) what the server already has, written after each
// call it answered, so a cancelled, crashed or failed push sends only the rest next time (not the whole
// run again, which would duplicate its metric points). No foreign key to runs: a mapping outliving its run
// is harmless (it is never read without the run), and it keeps this table clear of the runs table's shape.
export default `
CREATE TABLE mlflow_push_runs (
  target TEXT NOT NULL,
  run_id TEXT NOT NULL,
  remote_run_id TEXT NOT NULL,
  params_sent INTEGER NOT NULL DEFAULT 0,
  metrics_sent INTEGER NOT NULL DEFAULT 0,
  artifacts_sent INTEGER NOT NULL DEFAULT 0,
  finished INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (target, run_id)
) WITHOUT ROWID;
`;

// 0002: dataset lineage: imported files (content hash + schema report) and which runs used them, in what role.
export default `
CREATE TABLE datasets (
  dataset_id TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('green', 'yellow', 'fhv')),
  rows INTEGER NOT NULL,
  pickup_month TEXT,
  report_json TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  UNIQUE (path, sha256)
);
CREATE TABLE run_inputs (
  run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  dataset_id TEXT NOT NULL REFERENCES datasets(dataset_id),
  role TEXT NOT NULL CHECK (role IN ('train', 'val', 'test')),
  PRIMARY KEY (run_id, role)
);
CREATE INDEX run_inputs_by_dataset ON run_inputs(dataset_id);
`;

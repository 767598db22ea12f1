// A year of rides (issue 19): a run may read several files per role (twelve train months), each recorded as
// its own input in the order given (position), with the trips the run kept from it (rows; null for runs
// before this, and until the run finishes). The old key (run_id, role) allowed one file per role, so the table
// is rebuilt; every input is copied over at position 0.
export default `
CREATE TABLE run_inputs_0013 (
  run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  dataset_id TEXT NOT NULL REFERENCES datasets(dataset_id),
  role TEXT NOT NULL CHECK (role IN ('train', 'val', 'test')),
  position INTEGER NOT NULL DEFAULT 0,
  rows INTEGER,
  PRIMARY KEY (run_id, role, position)
);
INSERT INTO run_inputs_0013 (run_id, dataset_id, role, position) SELECT run_id, dataset_id, role, 0 FROM run_inputs;
DROP TABLE run_inputs;
ALTER TABLE run_inputs_0013 RENAME TO run_inputs;
CREATE INDEX run_inputs_by_dataset ON run_inputs(dataset_id);
`;

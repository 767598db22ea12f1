// One push per MLflow server per store, across processes (the app and `meter push` on the same home): two at
// once would each create the runs the other has not recorded yet. The push holding a server has its row here,
// taken under BEGIN IMMEDIATE; its pid and heartbeat let the next push take over a row a crashed push left
// (src/core/mlflow/push-lease.ts). Nothing else refers to it: deleting a row only lets the next push start.
export default `
CREATE TABLE mlflow_push_leases (
  target TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  label TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  heartbeat_ms INTEGER NOT NULL
) WITHOUT ROWID;
`;

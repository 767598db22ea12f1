// The alembic revisions of an MLflow SQLite store (`mlflow.db`) that Meter's direct import reads, in MLflow's
// own order (each revises the one before; from mlflow/store/db_migrations/versions/ in MLflow's repository).
// f5a4f2784254 is the head MLflow 2.17 writes; the rest are what MLflow 2.18+ and 3.x add up to the head of
// December 2025. None of them changes a column the import reads (runs, experiments, params, tags, metrics,
// datasets, inputs, input_tags, registered models, versions, aliases, version tags): they add tables (logged
// models, traces, assessments, spans, webhooks, scorers, evaluation datasets, jobs, secrets), add inputs.step,
// widen model_version_tags.value and rebuild datasets' foreign key. What 3.x writes differently is read in
// local-store.ts: a model logged by 3.x is a logged model (logged_models, artifacts under
// <experiment>/models/<model id>/artifacts), and a version registered from it has the source models:/<model id>.
// A revision not listed (a newer MLflow's) is refused by name, since its tables may hold what the import can't see.

export interface MlflowDbRevision { revision: string; migration: string; release: string }

export const MLFLOW_DB_REVISIONS: readonly MlflowDbRevision[] = [
  { revision: 'f5a4f2784254', migration: 'increase run tag value limit to 8000', release: 'MLflow 2.17' },
  { revision: '0584bdc529eb', migration: 'add cascading deletion to datasets from experiments', release: 'MLflow 2.18+' },
  { revision: '400f98739977', migration: 'add logged model tables', release: 'MLflow 3.0' },
  { revision: '6953534de441', migration: 'add step to inputs table', release: 'MLflow 3.0' },
  { revision: 'bda7b8c39065', migration: 'increase model version tag value limit', release: 'MLflow 3.x' },
  { revision: 'cbc13b556ace', migration: 'add V3 trace schema columns', release: 'MLflow 3.x' },
  { revision: '770bee3ae1dd', migration: 'add assessments table', release: 'MLflow 3.x' },
  { revision: 'a1b2c3d4e5f6', migration: 'add spans table', release: 'MLflow 3.x' },
  { revision: 'de4033877273', migration: 'create entity_associations table', release: 'MLflow 3.x' },
  { revision: '1a0cddfcaa16', migration: 'add webhooks and webhook_events tables', release: 'MLflow 3.x' },
  { revision: '534353b11cbc', migration: 'add scorer tables', release: 'MLflow 3.x' },
  { revision: '71994744cf8e', migration: 'add evaluation datasets', release: 'MLflow 3.x' },
  { revision: '3da73c924c2f', migration: 'add outputs to dataset record', release: 'MLflow 3.x' },
  { revision: 'bf29a5ff90ea', migration: 'add jobs table', release: 'MLflow 3.x' },
  { revision: '1bd49d398cd23', migration: 'add secrets tables', release: 'MLflow 3.x' },
  { revision: 'b7c8d9e0f1a2', migration: 'add trace metrics table', release: 'MLflow 3.x' },
  { revision: '5d2d30f0abce', migration: 'update job table', release: 'MLflow 3.x (head of December 2025)' },
];

const BY_ID = new Map(MLFLOW_DB_REVISIONS.map((r) => [r.revision, r]));

export function knownRevision(rev: string): MlflowDbRevision | undefined {
  return BY_ID.get(rev);
}

/** What the refusal of an unknown revision says Meter reads. */
export function revisionsRead(): string {
  const first = MLFLOW_DB_REVISIONS[0];
  const last = MLFLOW_DB_REVISIONS[MLFLOW_DB_REVISIONS.length - 1];
  return `${first.revision} (${first.release}) through ${last.revision} (${last.release}), ${MLFLOW_DB_REVISIONS.length} revisions`;
}

// MLflow experiments onto Meter's: MLflow names an experiment by a string of digits, Meter by hex, so
// mlflow_experiments maps one to the other (0 is the experiment named "Default", as in MLflow). A deleted
// MLflow experiment is an archived Meter one (runs kept); tags live beside it.
import { MeterError } from '../../shared/errors';
import { asExperimentId, type ExperimentId } from '../../shared/domain';
import { inTransaction, kept, type Db } from '../store/db';
import { checkExperimentName, createExperiment, ensureExperiment, renameExperiment, setExperimentArchived } from '../store/experiments-repo';
import { parseSimpleFilter, matchesText } from './simple-filter';

export interface MlflowExperiment {
  id: string;
  meterId: ExperimentId;
  name: string;
  createdMs: number;
  updatedMs: number;
  deleted: boolean;
  tags: Record<string, string>;
}

interface Row { experiment_id: string; name: string; created_ms: number; updated_ms: number; deleted_ms: number | null; mlflow_id: number | null }

const SELECT = `SELECT e.experiment_id, e.name, e.created_ms, e.updated_ms, e.deleted_ms, m.mlflow_id
  FROM experiments e LEFT JOIN mlflow_experiments m ON m.experiment_id = e.experiment_id`;

export const DEFAULT_EXPERIMENT = 'Default';

/** The MLflow id of a Meter experiment, given one the first time MLflow sees it. */
export function mlflowIdOf(db: Db, meterId: string): string {
  const existing = kept(db, 'SELECT mlflow_id FROM mlflow_experiments WHERE experiment_id = ?', 'pluck').get(meterId) as number | undefined;
  if (existing !== undefined) return String(existing);
  return inTransaction(db, () => {
    const again = db.prepare('SELECT mlflow_id FROM mlflow_experiments WHERE experiment_id = ?').pluck().get(meterId) as number | undefined;
    if (again !== undefined) return String(again);
    const name = db.prepare('SELECT name FROM experiments WHERE experiment_id = ?').pluck().get(meterId) as string | undefined;
    const zeroFree = db.prepare('SELECT 1 FROM mlflow_experiments WHERE mlflow_id = 0').get() === undefined;
    const id = name === DEFAULT_EXPERIMENT && zeroFree ? 0
      : Math.max(0, (db.prepare('SELECT MAX(mlflow_id) FROM mlflow_experiments').pluck().get() as number | null) ?? 0) + 1;
    db.prepare('INSERT INTO mlflow_experiments (mlflow_id, experiment_id) VALUES (?, ?)').run(id, meterId);
    return String(id);
  });
}

function toEntity(db: Db, r: Row): MlflowExperiment {
  const tags = Object.fromEntries((db.prepare('SELECT key, value FROM mlflow_experiment_tags WHERE experiment_id = ?').all(r.experiment_id) as { key: string; value: string }[])
    .map((t) => [t.key, t.value]));
  return {
    id: r.mlflow_id === null ? mlflowIdOf(db, r.experiment_id) : String(r.mlflow_id), meterId: asExperimentId(r.experiment_id),
    name: r.name, createdMs: r.created_ms, updatedMs: r.updated_ms, deleted: r.deleted_ms !== null, tags,
  };
}

function notFound(what: string): MeterError {
  return new MeterError('NOT_FOUND', `No experiment ${what}.`);
}

/** The Meter experiment behind an MLflow id; "0" is "Default", made on first use as MLflow's always exists. */
export function meterExperimentId(db: Db, mlflowId: unknown): ExperimentId {
  const text = typeof mlflowId === 'number' ? String(mlflowId) : mlflowId;
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text)) throw new MeterError('INVALID_ARGUMENT', `experiment_id must be a string of digits; got ${JSON.stringify(mlflowId)}.`);
  const id = Number(text);
  const row = kept(db, 'SELECT experiment_id FROM mlflow_experiments WHERE mlflow_id = ?', 'pluck').get(id) as string | undefined;
  if (row) return asExperimentId(row);
  if (id === 0) {
    const exp = inTransaction(db, () => {
      const existing = db.prepare('SELECT experiment_id FROM experiments WHERE name = ?').pluck().get(DEFAULT_EXPERIMENT) as string | undefined;
      return existing ?? ensureExperiment(db, DEFAULT_EXPERIMENT).experimentId;
    });
    if (mlflowIdOf(db, exp) === '0') return asExperimentId(exp);
  }
  throw notFound(`with id ${text}`);
}

export function getExperimentById(db: Db, mlflowId: unknown): MlflowExperiment {
  const meterId = meterExperimentId(db, mlflowId);
  return toEntity(db, db.prepare(`${SELECT} WHERE e.experiment_id = ?`).get(meterId) as Row);
}

export function getExperimentByName(db: Db, name: unknown): MlflowExperiment {
  if (typeof name !== 'string' || name === '') throw new MeterError('INVALID_ARGUMENT', 'experiment_name is required.');
  if (name === DEFAULT_EXPERIMENT) meterExperimentId(db, '0');
  const row = db.prepare(`${SELECT} WHERE e.name = ?`).get(name) as Row | undefined;
  if (!row) throw notFound(`named '${name}'`);
  return toEntity(db, row);
}

function setTags(db: Db, meterId: string, tags: Record<string, string>): void {
  const put = db.prepare('INSERT INTO mlflow_experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value');
  for (const [k, v] of Object.entries(tags)) put.run(meterId, k, v);
}

export function createMlflowExperiment(db: Db, name: string, tags: Record<string, string>): string {
  return inTransaction(db, () => {
    const exp = createExperiment(db, checkExperimentName(name));
    setTags(db, exp.experimentId, tags);
    return mlflowIdOf(db, exp.experimentId);
  });
}

export function setExperimentTag(db: Db, mlflowId: unknown, key: string, value: string): void {
  inTransaction(db, () => setTags(db, meterExperimentId(db, mlflowId), { [key]: value }));
}

export function renameMlflowExperiment(db: Db, mlflowId: unknown, newName: string): void {
  renameExperiment(db, meterExperimentId(db, mlflowId), newName);
}

export function setMlflowExperimentDeleted(db: Db, mlflowId: unknown, deleted: boolean): void {
  setExperimentArchived(db, meterExperimentId(db, mlflowId), deleted);
}

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export function viewType(raw: unknown, field: string): ViewType {
  if (raw === undefined || raw === null || raw === '') return 'ACTIVE_ONLY';
  if (raw === 'ACTIVE_ONLY' || raw === 'DELETED_ONLY' || raw === 'ALL') return raw;
  if (raw === 1 || raw === '1') return 'ACTIVE_ONLY';
  if (raw === 2 || raw === '2') return 'DELETED_ONLY';
  if (raw === 3 || raw === '3') return 'ALL';
  throw new MeterError('INVALID_ARGUMENT', `${field} must be ACTIVE_ONLY, DELETED_ONLY or ALL; got ${JSON.stringify(raw)}.`);
}

/** MLflow's experiment search: filter on name and tags (=, !=, LIKE, ILIKE), newest first unless ordered by name. */
export function searchMlflowExperiments(db: Db, q: { filter?: string; view: ViewType; orderBy?: string[] }): MlflowExperiment[] {
  meterExperimentId(db, '0'); // MLflow always has its Default experiment
  const clauses = parseSimpleFilter(q.filter ?? '', ['name', 'experiment_id']);
  const lifecycle = q.view === 'ALL' ? '' : q.view === 'DELETED_ONLY' ? 'WHERE e.deleted_ms IS NOT NULL' : 'WHERE e.deleted_ms IS NULL';
  const all = (db.prepare(`${SELECT} ${lifecycle} ORDER BY e.created_ms DESC, e.experiment_id`).all() as Row[]).map((r) => toEntity(db, r));
  const found = all.filter((e) => clauses.every((c) => matchesText(c, c.tag !== undefined ? e.tags[c.tag] : c.field === 'experiment_id' ? e.id : e.name)));
  const order = (q.orderBy ?? [])[0];
  if (order) {
    const m = /^\s*(?:attributes\.)?(name|creation_time|last_update_time|experiment_id)\s*(ASC|DESC)?\s*$/i.exec(order);
    if (!m) throw new MeterError('INVALID_ARGUMENT', `Invalid order_by clause '${order}'; experiments order by name, creation_time, last_update_time or experiment_id.`);
    const key = m[1].toLowerCase();
    const dir = (m[2] ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1;
    const val = (e: MlflowExperiment): string | number => key === 'name' ? e.name : key === 'creation_time' ? e.createdMs : key === 'last_update_time' ? e.updatedMs : Number(e.id);
    found.sort((a, b) => (val(a) < val(b) ? -dir : val(a) > val(b) ? dir : 0));
  }
  return found;
}

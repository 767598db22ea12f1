// What each key of the filter language means in SQL, and what values suit it. Keys of metrics, params and
// tags are looked up per run by primary key; attributes are columns of runs; datasets match when any of
// the run's inputs does.
import { RUN_STATUSES } from '../../shared/domain';
import { editDistance } from '../../shared/edit-distance';

export type FieldType = 'number' | 'text' | 'time';

export interface Field {
  /** an SQL expression over runs r / experiments e (datasets: d / ri; keyed: the `value` column of its table) */
  sql: string;
  type: FieldType;
  /** allowed values for enumerations (checked before any SQL runs) */
  values?: readonly string[];
  /** datasets: the expression is over datasets d / run_inputs ri and is wrapped in EXISTS */
  dataset?: boolean;
  /** metrics, params, tags: the table holding (run_key, key_id, value) and the key's id; filters become run_key IN (…) */
  keyed?: { table: string; keyId: number };
  label: string;
  /** for enumerations: what to say of a value that is not one of `values` but that users reach for (upper case) */
  asides?: Record<string, string>;
}

const attr = (sql: string, type: FieldType, label: string, values?: readonly string[], asides?: Record<string, string>): Field => ({ sql, type, label, values, asides });

export const ATTRIBUTES: Record<string, Field> = {
  run_id: attr('r.run_id', 'text', 'attributes.run_id'),
  run_name: attr('r.name', 'text', 'attributes.run_name'),
  // The table shows a pruned trial as PRUNED, but it is stored (and exported to MLflow) as KILLED, so
  // status = 'KILLED' keeps finding it; its tag tells the two apart.
  status: attr('r.status', 'text', 'attributes.status', RUN_STATUSES, {
    PRUNED: "a trial the pruner stopped is a KILLED run tagged meter.trial_state: filter with tags.meter.trial_state = 'PRUNED'",
  }),
  start_time: attr('r.start_ms', 'time', 'attributes.start_time'),
  end_time: attr('r.end_ms', 'time', 'attributes.end_time'),
  duration: attr('(r.end_ms - r.start_ms) / 1000.0', 'number', 'attributes.duration (seconds)'),
  experiment_id: attr('r.experiment_id', 'text', 'attributes.experiment_id'),
  experiment: attr('e.name', 'text', 'attributes.experiment'),
  source_type: attr('r.source_type', 'text', 'attributes.source_type', ['CLI', 'UI', 'API']),
  source_name: attr('r.source_name', 'text', 'attributes.source_name'),
  notes: attr('r.notes', 'text', 'attributes.notes'),
};
const ATTRIBUTE_ALIASES: Record<string, string> = { name: 'run_name', created: 'start_time', experiment_name: 'experiment', id: 'run_id' };

const ds = (sql: string, type: FieldType, label: string, values?: readonly string[]): Field => ({ sql, type, label, values, dataset: true });
export const DATASET_FIELDS: Record<string, Field> = {
  kind: ds('d.kind', 'text', 'datasets.kind', ['green', 'yellow', 'fhv']),
  file: ds('d.file_name', 'text', 'datasets.file'),
  path: ds('d.path', 'text', 'datasets.path'),
  sha256: ds('d.sha256', 'text', 'datasets.sha256'),
  month: ds('d.pickup_month', 'text', 'datasets.month'),
  rows: ds('d.rows', 'number', 'datasets.rows'),
  role: ds('ri.role', 'text', 'datasets.role', ['train', 'val', 'test']),
};
const DATASET_ALIASES: Record<string, string> = { name: 'file', digest: 'sha256', context: 'role' };

/** An own entry only: `attributes.constructor` must not find Object.prototype's. */
const own = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

export function attributeField(key: string): Field | null {
  return own(ATTRIBUTES, key) ?? own(ATTRIBUTES, own(ATTRIBUTE_ALIASES, key) ?? '') ?? null;
}

export function datasetField(key: string): Field | null {
  return own(DATASET_FIELDS, key) ?? own(DATASET_FIELDS, own(DATASET_ALIASES, key) ?? '') ?? null;
}

export function keyedField(table: 'latest_metrics' | 'run_params' | 'run_tags', keyId: number, label: string): Field {
  return {
    sql: 'value',
    type: table === 'latest_metrics' ? 'number' : 'text',
    label,
    keyed: { table, keyId },
  };
}

/** The key a typo most likely meant (plain edit distance), else the shortest key starting with it: "did you mean" on unknown keys. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  if (best !== null && bestD <= Math.max(2, Math.floor(word.length / 3))) return best;
  // "rmse" for "rmse_val": a key that starts with what was typed (the shortest such).
  const prefixed = [...candidates].filter((c) => c.toLowerCase().startsWith(word.toLowerCase())).sort((a, b) => a.length - b.length);
  return prefixed[0] ?? null;
}

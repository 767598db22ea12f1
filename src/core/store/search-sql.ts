// Compiles a parsed filter / order-by to parameterized SQL. Every value becomes a `?` parameter, never SQL
// text; keys are checked against what the store holds and values against the key's type, so a typo gets
// "no metric rmse_vall; did you mean rmse_val?" instead of an empty table.
import { MeterError } from '../../shared/errors';
import type { FilterNode, KeyRef, Literal, OrderTerm } from '../../shared/search/parser';
import { kept, type Db } from './db';
import { ATTRIBUTES, DATASET_FIELDS, attributeField, closest, datasetField, keyedField, type Field } from './search-fields';

export interface SqlPart { sql: string; params: unknown[] }

const TABLES = { metric: 'latest_metrics', param: 'run_params', tag: 'run_tags' } as const;
const RUN_NAME_TAG = 'mlflow.runName';
const ENTITY_WORD = { metric: 'metric', param: 'param', tag: 'tag' } as const;
const registered = new WeakSet<Db>();

/** A key or value as quoted in a message: a 10,000-character one is shortened. */
const shown = (v: string | number): string => { const t = String(v); return t.length > 60 ? `${t.slice(0, 60)}…` : t; };

function invalid(at: number, message: string): MeterError {
  return new MeterError('INVALID_ARGUMENT', `At position ${at + 1}: ${message}`, { position: at + 1 });
}

/** meter_num(text): the number a param or tag value spells, or NULL, so "params.alpha < 0.5" is numeric. */
function ensureFunctions(db: Db): void {
  if (registered.has(db)) return;
  db.function('meter_num', { deterministic: true }, (v: unknown) => {
    if (typeof v === 'number') return v;
    if (typeof v !== 'string' || v.trim() === '') return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  });
  registered.add(db);
}

export function resolveField(db: Db, ref: KeyRef): Field {
  if (ref.entity === 'attribute') {
    const f = attributeField(ref.key);
    if (f) return f;
    const hint = closest(ref.key, Object.keys(ATTRIBUTES));
    throw invalid(ref.start, `unknown attribute "${shown(ref.key)}"${hint ? `; did you mean attributes.${hint}?` : `; attributes are ${Object.keys(ATTRIBUTES).join(', ')}.`} (Metrics, params and tags need their prefix: metrics.${shown(ref.key)}.)`);
  }
  if (ref.entity === 'dataset') {
    const f = datasetField(ref.key);
    if (f) return f;
    throw invalid(ref.start, `unknown dataset field "${shown(ref.key)}"; datasets have ${Object.keys(DATASET_FIELDS).join(', ')}.`);
  }
  // A run's name is its mlflow.runName tag, as MLflow keeps the two in step: runs trained in Meter have no such
  // tag row, and one renamed in Meter would have a stale one, so the tag reads the name.
  if (ref.entity === 'tag' && ref.key === RUN_NAME_TAG) return { ...ATTRIBUTES.run_name, label: `tags.${RUN_NAME_TAG}` };
  const table = TABLES[ref.entity];
  const keyId = kept(db, 'SELECT key_id FROM key_names WHERE key = ?', 'pluck').get(ref.key) as number | undefined;
  if (keyId === undefined || !kept(db, `SELECT 1 FROM ${table} WHERE key_id = ? LIMIT 1`).get(keyId)) {
    const known = keysOf(db, table);
    const hint = closest(ref.key, known);
    throw invalid(ref.start, `no run has a ${ENTITY_WORD[ref.entity]} "${shown(ref.key)}"${hint ? `; did you mean ${ref.entity}s.${hint}?` : `${known.length ? `; known: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}` : ''}.`}`);
  }
  return keyedField(table, keyId, `${ref.entity}s.${shown(ref.key)}`);
}

/** The key names some run has in this table, sorted (each a lookup in the table's (key_id, …) index). */
export function keysOf(db: Db, table: 'latest_metrics' | 'run_params' | 'run_tags'): string[] {
  return kept(db, `SELECT k.key FROM key_names k WHERE EXISTS (SELECT 1 FROM ${table} t WHERE t.key_id = k.key_id) ORDER BY k.key`, 'pluck').all() as string[];
}

function literalFor(field: Field, lit: Literal, op: string): { expr: (sql: string) => string; value: unknown } {
  const isText = (s: string) => s;
  if (field.type === 'number' || field.type === 'time') {
    if (op.includes('LIKE')) throw invalid(lit.start, `${field.label} is a number; LIKE and ILIKE compare text.`);
    if (lit.kind === 'number') return { expr: isText, value: lit.value };
    if (field.type === 'time') {
      const ms = Date.parse(lit.value);
      if (Number.isFinite(ms)) return { expr: isText, value: ms };
      throw invalid(lit.start, `${field.label} is a time: give milliseconds since 1970 or a date like '2026-11-23' or '2026-11-23T10:00:00Z'; got '${shown(lit.value)}'.`);
    }
    throw invalid(lit.start, `${field.label} is a number; compare it with a number, not '${shown(lit.value)}'.`);
  }
  if (lit.kind === 'number') {
    if (op.includes('LIKE')) throw invalid(lit.start, `LIKE needs a quoted pattern such as '%ridge%'.`);
    if (field.values || !field.keyed) throw invalid(lit.start, `${field.label} is text; quote the value: '${shown(lit.value)}'.`);
    // Params and tags are stored as text; a number compares with the number they spell.
    return { expr: (sql) => `meter_num(${sql})`, value: lit.value };
  }
  if (field.values && !op.includes('LIKE') && !field.values.includes(lit.value)) {
    const hint = field.values.find((v) => v.toLowerCase() === lit.value.toLowerCase());
    const aside = field.asides?.[lit.value.toUpperCase()];
    throw invalid(lit.start, `${field.label} is one of ${field.values.join(', ')}; got '${shown(lit.value)}'${hint ? ` (did you mean '${hint}'?)` : ''}${aside ? `; ${aside}` : ''}.`);
  }
  return { expr: isText, value: lit.value };
}

/** MLflow's LIKE is case-sensitive, SQLite's is not: LIKE becomes GLOB with the pattern translated. */
function likeToGlob(pattern: string): string {
  return pattern.replace(/[[*?\]]/g, (c) => `[${c}]`).replace(/%/g, '*').replace(/_/g, '?');
}

type LeafNode = Extract<FilterNode, { type: 'compare' | 'in' | 'null' }>;

/**
 * One comparison of the filter, as a condition on one field. `negate`: it matches the runs the condition
 * does not ("has no value": no row for the key). A run without a metric, param or tag key never matches a
 * comparison on it, as in MLflow.
 */
export interface Leaf { field: Field; cond: (expr: string) => string; values: unknown[]; negate: boolean }

function leafOf(db: Db, node: LeafNode): Leaf {
  const f = resolveField(db, node.key);
  switch (node.type) {
    case 'null':
      // "has no value": no row for the key (metrics, params, tags, datasets) or a NULL column (attributes).
      if (f.keyed || f.dataset) return { field: f, cond: (x) => `${x} IS NOT NULL`, values: [], negate: !node.negated };
      return { field: f, cond: (x) => `${x} IS ${node.negated ? 'NOT ' : ''}NULL`, values: [], negate: false };
    case 'in': {
      const lits = node.values.map((v) => literalFor(f, v, 'IN'));
      const numeric = lits[0].expr('x') !== 'x';
      if (lits.some((l) => (l.expr('x') !== 'x') !== numeric)) throw invalid(node.values[0].start, 'an IN list holds values of one type: all quoted or all numbers.');
      const list = lits.map(() => '?').join(', ');
      // NOT IN on a key still needs the key to be there: runs without it don't match, as with !=.
      return { field: f, cond: (x) => `${lits[0].expr(x)} ${node.negated ? 'NOT IN' : 'IN'} (${list})`, values: lits.map((l) => l.value), negate: false };
    }
    case 'compare': {
      const lit = literalFor(f, node.value, node.op);
      const like = node.op === 'LIKE' || node.op === 'NOT LIKE';
      const sqlOp = { LIKE: 'GLOB', 'NOT LIKE': 'NOT GLOB', ILIKE: 'LIKE', 'NOT ILIKE': 'NOT LIKE' }[node.op as string] ?? node.op;
      return { field: f, cond: (x) => `${lit.expr(x)} ${sqlOp} ?`, values: [like ? likeToGlob(String(lit.value)) : lit.value], negate: false };
    }
  }
}

/**
 * The run keys a leaf's condition holds for, as one query. Metric, param and tag conditions read only the
 * (key_id, value, run_key) index of their table; attributes read runs, datasets the runs' inputs.
 */
export function leafQuery(l: Leaf): SqlPart {
  const { field, cond, values } = l;
  if (field.keyed) return { sql: `SELECT run_key FROM ${field.keyed.table} WHERE key_id = ? AND ${cond(field.sql)}`, params: [field.keyed.keyId, ...values] };
  if (field.dataset) {
    return { sql: `SELECT r.run_key FROM run_inputs ri JOIN datasets d ON d.dataset_id = ri.dataset_id JOIN runs r ON r.run_id = ri.run_id WHERE ${cond(field.sql)}`, params: values };
  }
  return { sql: `SELECT r.run_key FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id WHERE ${cond(field.sql)}`, params: values };
}

/**
 * A leaf as a condition on the run r (and its experiment e) of the enclosing query. `perRun`: a metric,
 * param or tag leaf looks up r's own row (EXISTS on the table's (run_key, key_id) key) instead of listing
 * every run the leaf holds for: cheaper when the query visits few runs (a walk that stops after a page).
 */
function leafCondition(l: Leaf, perRun: boolean): SqlPart {
  const { field, cond, values } = l;
  let part: SqlPart;
  if (field.keyed && perRun) {
    part = { sql: `EXISTS (SELECT 1 FROM ${field.keyed.table} x WHERE x.run_key = r.run_key AND x.key_id = ? AND ${cond(`x.${field.sql}`)})`, params: [field.keyed.keyId, ...values] };
  } else if (field.keyed || field.dataset) {
    const q = leafQuery(l);
    part = { sql: `r.run_key IN (${q.sql})`, params: q.params };
  } else {
    part = { sql: cond(field.sql), params: values };
  }
  return l.negate ? { sql: `NOT ${part.sql}`, params: part.params } : part;
}

/** The filter as a tree of leaves, for evaluating it as sets of run keys (filter-sets.ts). */
export type FilterPlan = { type: 'and' | 'or'; items: FilterPlan[] } | { type: 'not'; item: FilterPlan } | { type: 'leaf'; leaf: Leaf };

export function planFilter(db: Db, node: FilterNode): FilterPlan {
  ensureFunctions(db);
  switch (node.type) {
    case 'and':
    case 'or': return { type: node.type, items: node.items.map((n) => planFilter(db, n)) };
    case 'not': return { type: 'not', item: planFilter(db, node.item) };
    default: return { type: 'leaf', leaf: leafOf(db, node) };
  }
}

function compileNode(db: Db, node: FilterNode, perRun: boolean): SqlPart {
  switch (node.type) {
    case 'and':
    case 'or': {
      const parts = node.items.map((n) => compileNode(db, n, perRun));
      return { sql: `(${parts.map((p) => p.sql).join(node.type === 'and' ? ' AND ' : ' OR ')})`, params: parts.flatMap((p) => p.params) };
    }
    case 'not': {
      const inner = compileNode(db, node.item, perRun);
      return { sql: `(NOT COALESCE(${inner.sql}, 0))`, params: inner.params };
    }
    default: return leafCondition(leafOf(db, node), perRun);
  }
}

/** The filter as one SQL condition on r; `perRun`: keyed leaves as lookups of r's own rows (see leafCondition). */
export function compileFilter(db: Db, node: FilterNode | null, perRun = false): SqlPart {
  ensureFunctions(db);
  return node ? compileNode(db, node, perRun) : { sql: '1', params: [] };
}

/** ORDER BY terms read the joined tables' columns; every value is a parameter of `joins`. */
export interface OrderSql {
  joins: string;
  joinParams: unknown[];
  sql: string;
  /**
   * When the first term is a metric: its key and direction, and the other terms' joins and ORDER BY, so a
   * page can be read from the (key, value, run_id) index in order and stop after LIMIT (see run-search.ts).
   */
  lead?: { keyId: number; dir: 'ASC' | 'DESC'; joins: string; joinParams: unknown[]; sql: string };
}

/**
 * Missing values sort last whichever the direction; params and tags sort as numbers when they are numbers.
 * Each metric/param/tag key is LEFT JOINed once, so ordering costs one index lookup per run.
 */
export function compileOrder(db: Db, terms: OrderTerm[]): OrderSql {
  ensureFunctions(db);
  const joins: string[] = [];
  const joinParams: unknown[] = [];
  const sql: string[] = [];
  const fields: Field[] = [];
  terms.forEach((t, i) => {
    const f = resolveField(db, t.key);
    fields.push(f);
    if (f.dataset) throw invalid(t.key.start, 'runs can\'t be ordered by a dataset field (a run has several datasets).');
    const dir = t.descending ? 'DESC' : 'ASC';
    if (f.keyed) {
      joins.push(`LEFT JOIN ${f.keyed.table} o${i} ON o${i}.run_key = r.run_key AND o${i}.key_id = ?`);
      joinParams.push(f.keyed.keyId);
      const v = `o${i}.value`;
      sql.push(...(f.type === 'text' ? [`${v} IS NULL`, `meter_num(${v}) IS NULL`, `meter_num(${v}) ${dir}`, `${v} ${dir}`] : [`${v} IS NULL`, `${v} ${dir}`]));
    } else {
      sql.push(`${f.sql} IS NULL`, `${f.sql} ${dir}`);
    }
  });
  sql.push('r.start_ms DESC', 'r.run_id');
  const out: OrderSql = { joins: joins.join(' '), joinParams, sql: sql.join(', ') };
  const first = terms.length ? fields[0] : null;
  if (first?.keyed && first.type === 'number') {
    // sql[0] is "o0.value IS NULL": the index path reads only runs with a value, so it starts at sql[1].
    out.lead = { keyId: first.keyed.keyId, dir: terms[0].descending ? 'DESC' : 'ASC', joins: joins.slice(1).join(' '), joinParams: joinParams.slice(1), sql: sql.slice(1).join(', ') };
  }
  return out;
}

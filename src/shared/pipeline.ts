// Pipelines: the monthly retrain flow as data. The pipeline file (JSON) and the contract's pipeline argument
// are one schema, so a misspelt key is refused by name wherever it comes from; the flow run's shape (steps,
// statuses, outputs) is what the CLI prints and the Pipelines screen draws.
import type { FeatureSet, JobId, ModelKind, RunId, TlcKind } from './domain';
import { FEATURE_SETS, MODEL_KINDS } from './domain';
import { MeterError } from './errors';
import { checkFeatureSet, checkModelKind, checkParams } from './model-params';
import * as s from './schema';

export const PIPELINE_STEPS = ['load', 'features', 'train', 'evaluate', 'register', 'promote'] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];
export const STEP_STATUSES = ['pending', 'running', 'done', 'failed', 'skipped', 'cached'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];
export const FLOW_STATUSES = ['pending', 'running', 'done', 'failed', 'cancelled'] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];
export type FlowTrigger = 'cli' | 'ui' | 'api' | 'schedule' | 'backfill';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const month = s.custom<string>('YYYY-MM', (v, at) => {
  const text = s.string({ max: 7 }).parse(v, at);
  if (!MONTH.test(text)) throw new MeterError('INVALID_ARGUMENT', `${at} must be a month as YYYY-MM (2023-03); got "${text}".`);
  return text;
});

/** "2023-01" + 2 → "2023-03" (negative goes back). */
export function addMonths(m: string, n: number): string {
  const [y, mo] = m.split('-').map(Number);
  const i = y * 12 + (mo - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** Every month from..to inclusive; refused when to is before from or the range is absurd. */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) {
    out.push(m);
    if (out.length > 600) throw new MeterError('INVALID_ARGUMENT', `The range ${from}..${to} covers more than 600 months.`);
  }
  if (out.length === 0) throw new MeterError('INVALID_ARGUMENT', `The range ${from}..${to} is empty: --to is before --from.`);
  return out;
}

/** The TLC file name of a month: green_tripdata_2023-03.parquet. */
export const tlcFileName = (kind: TlcKind, m: string): string => `${kind}_tripdata_${m}.parquet`;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const offset = s.integer({ min: -36, max: 0 });
const nonNegative = (max: number) => s.custom<number>(`number 0–${max}`, (v, at) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) throw new MeterError('INVALID_ARGUMENT', `${at} must be a number from 0 to ${max}; got ${JSON.stringify(v)}.`);
  return v;
});

const offsets = s.object({ train: offset, val: offset, test: s.optional(offset) });
const retries = s.object({ count: s.integer({ min: 0, max: 10 }), delaySeconds: nonNegative(3600) });
const promote = s.object({ registeredModel: s.string({ max: 256 }), alias: s.optional(s.string({ max: 256 })) });

const pipelineBase = s.object({
  name: s.custom<string>('name (letters, digits, _ . -)', (v, at) => {
    const text = s.string({ max: 100 }).parse(v, at);
    if (!NAME.test(text)) throw new MeterError('INVALID_ARGUMENT', `${at} must be letters, digits, "_", "." or "-" (at most 100); got "${text}".`);
    return text;
  }),
  /** the folder holding the TLC files by their usual names; relative to the pipeline file's folder */
  data: s.string(),
  kind: s.oneOf(['green', 'yellow', 'fhv'] as const),
  model: s.custom<ModelKind>(MODEL_KINDS.join(' | '), (v, at) => checkModelKind(s.string().parse(v, at))),
  params: s.optional(s.record(s.number())),
  /** take the params of the best trial of this search (a tuning run with a best_trial_run_id tag) */
  paramsFrom: s.optional(s.string({ max: 256 })),
  features: s.optional(s.custom<FeatureSet>(FEATURE_SETS.join(' | '), (v, at) => checkFeatureSet(s.string().parse(v, at)))),
  experiment: s.string({ max: 256 }),
  offsets: s.optional(offsets),
  retries: s.optional(retries),
  promote: s.optional(promote),
  /** a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 6 2 * *" */
  schedule: s.optional(s.string({ max: 200 })),
});
type PipelineBase = s.Infer<typeof pipelineBase>;

/** The pipeline's fields and its nested objects' (by path), for messages that name the field a typo meant. */
export const PIPELINE_FIELDS: Readonly<Record<'' | 'offsets' | 'retries' | 'promote', readonly string[]>> = {
  '': Object.keys(pipelineBase.shape), offsets: Object.keys(offsets.shape), retries: Object.keys(retries.shape), promote: Object.keys(promote.shape),
};
export type PipelineSpec = PipelineBase;

/** The pipeline: its schema checks keys and types; its params are checked against the model's table. */
export const pipelineSpec = s.custom<PipelineSpec>(pipelineBase.doc, (v, at) => {
  const p = pipelineBase.parse(v, at);
  if (p.params) checkParams(p.model, p.params);
  if (p.params && Object.keys(p.params).length && p.paramsFrom) {
    throw new MeterError('INVALID_ARGUMENT', `${at}: give "params" or "paramsFrom" (the best params of a search), not both.`);
  }
  const o = p.offsets;
  if (o && !(o.train < o.val)) throw new MeterError('INVALID_ARGUMENT', `${at}: offsets.train (${o.train}) must be before offsets.val (${o.val}).`);
  if (o && o.test !== undefined && !(o.val < o.test)) throw new MeterError('INVALID_ARGUMENT', `${at}: offsets.val (${o.val}) must be before offsets.test (${o.test}).`);
  return p;
});

export const DEFAULT_OFFSETS = { train: -2, val: -1, test: 0 } as const;
export const DEFAULT_RETRIES = { count: 2, delaySeconds: 5 } as const;

/** The months a flow run for `m` reads, by role. */
export function monthsFor(spec: PipelineSpec, m: string): { train: string; val: string; test?: string } {
  const o = spec.offsets ?? DEFAULT_OFFSETS;
  return { train: addMonths(m, o.train), val: addMonths(m, o.val), ...(o.test !== undefined ? { test: addMonths(m, o.test) } : {}) };
}

export interface FlowStepInfo {
  name: PipelineStep;
  status: StepStatus;
  attempts: number;
  cached: boolean;
  startedMs: number | null;
  endedMs: number | null;
  outputs: Record<string, unknown> | null;
  error: string | null;
  logs: { atMs: number; level: 'info' | 'warn' | 'error'; message: string }[];
}

export interface FlowRunSummary {
  flowRunId: string;
  pipeline: string;
  month: string;
  status: FlowStatus;
  trigger: FlowTrigger;
  runId: RunId | null;
  promoted: boolean;
  error: string | null;
  createdMs: number;
  startedMs: number | null;
  endedMs: number | null;
}

export interface FlowRun extends FlowRunSummary {
  spec: PipelineSpec;
  steps: FlowStepInfo[];
  jobId: JobId | null;
}

export interface PipelineInfo {
  name: string;
  spec: PipelineSpec;
  schedule: string | null;
  /** the next time the schedule fires while Meter runs (epoch ms), null without a schedule */
  nextFireMs: number | null;
  /** the last time the schedule really fired (epoch ms); null until it has: saving a schedule is not a fire */
  lastFireMs: number | null;
  updatedMs: number;
}

export interface BackfillMonth {
  month: string;
  /** null: the month was skipped (reason says which file is missing) */
  flowRunId: string | null;
  /** the month had already finished in an earlier backfill and is reused as it is */
  reused: boolean;
  reason: string | null;
}

/**
 * What differs between a saved pipeline and another spec of the same name, one entry per field (nested
 * fields by path: "params.alpha", "offsets.train"), as `field: old → new` with "none" for an absent value.
 * Empty when the two are the same pipeline (key order and absent optional fields don't count).
 */
export function pipelineDifferences(saved: PipelineSpec, next: PipelineSpec): string[] {
  const out: string[] = [];
  const show = (v: unknown): string => (v === undefined ? 'none' : JSON.stringify(v));
  const walk = (a: unknown, b: unknown, path: string): void => {
    const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (isObj(a) && isObj(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])]) walk(a[k], b[k], path ? `${path}.${k}` : k);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(`${path}: ${show(a)} → ${show(b)}`);
    }
  };
  walk(saved, next, '');
  return out;
}

// One protocol for every long job (import, training, scoring; tuning is a task job over training jobs). Workers compute and post
// results; only core/jobs writes to the store, so SQLite keeps a single writer.
import type { MeterErrorData } from './errors';
import type { JobId, RunId } from './domain/ids';
import type { SchemaReport } from './domain/data';
import type { FeatureSet, ModelFile, ModelKind } from './domain/model';
import type { ScoredFile, ScoringModelRef } from './domain/scoring';
import type { DriftMethod, DriftReportBody, MonitoredColumn } from './domain/monitoring';

export interface InspectJobSpec {
  path: string;
}

export interface TrainJobSpec {
  model: ModelKind;
  params: Record<string, number>;
  featureSet: FeatureSet;
  /** each role: one file, or several of one kind read as one set (a year of months) */
  files: { train: string | string[]; val: string | string[]; test?: string | string[] };
  /** post the validation RMSE every this many steps (boosting rounds, lasso sweeps) as a partial, for a search's pruner */
  reportEvery?: number;
}

/** An intermediate value of a training job: the validation RMSE after `step` boosting rounds or lasso sweeps. */
export interface TrainJobPartial { step: number; value: number }

export interface StepMetric {
  key: string;
  step: number;
  value: number;
  /** when the step was reached (a model's rounds are logged after training, so the time is kept here) */
  timestampMs?: number;
}

export interface TrainJobResult {
  model: ModelFile;
  /** final metrics: rmse_train, rmse_val, mae_val, r2_val, … */
  metrics: Record<string, number>;
  /** per-step history (e.g. the lasso objective per sweep) */
  history: StepMetric[];
  rows: { train: number; val: number; test?: number };
  /** kept rows of each file, in the order given (a role's files add up to its rows) */
  fileRows: { role: 'train' | 'val' | 'test'; path: string; fileName: string; rows: number }[];
  featureCount: number;
  timingsMs: { load: number; vectorize: number; fit: number; predict: number };
}

export interface ScoreJobSpec {
  modelPath: string;
  model: ScoringModelRef;
  /** tempPath: where the worker writes the output (`<outputPath>.partial-<pid>-<ms>`, the name the cleanup at start
   * knows); core renames it to outputPath as it records the input. */
  inputs: { path: string; outputPath: string; tempPath: string }[];
  /** rows read per step; bounds memory on a 3-million-row month */
  chunkRows: number;
}

export interface ScoreJobResult {
  files: ScoredFile[];
  /** inputs that could not be scored (the others were) */
  failures: { inputPath: string; error: MeterErrorData }[];
}

/** One input of a scoring job as it ends, posted at once so core records it then (a kill later loses nothing
 * finished): scored (the output still at its tempPath) or failed. */
export type ScoreJobPartial =
  | { inputPath: string; file: ScoredFile; tempPath: string }
  | { inputPath: string; error: MeterErrorData };

/** Drift of a model version: the reference read once, then one report per group of current files. */
export interface DriftJobSpec {
  modelPath: string;
  reference: { path: string; source: 'training' | 'file' };
  groups: string[][];
  methods: Partial<Record<MonitoredColumn, DriftMethod>>;
  thresholds: Partial<Record<MonitoredColumn, number>>;
  shareThreshold: number;
  validation: { rmse: number | null; mae: number | null };
  /** a timeline: a month that fails is recorded as failed and the others go on (one report fails whole) */
  keepGoing: boolean;
}

export interface DriftJobResult {
  reports: DriftReportBody[];
  /** the timeline's months that could not be monitored, with why */
  failed: { path: string; error: MeterErrorData }[];
}

export interface JobSpecs {
  inspect: InspectJobSpec;
  train: TrainJobSpec;
  score: ScoreJobSpec;
  drift: DriftJobSpec;
}
export interface JobResults {
  inspect: SchemaReport;
  train: TrainJobResult;
  score: ScoreJobResult;
  drift: DriftJobResult;
}
/** What a worker posts before its result, piece by piece; a kind not listed posts none. */
interface PartialsByKind {
  train: TrainJobPartial;
  score: ScoreJobPartial;
}
export type JobPartials = { [K in WorkerJobKind]: K extends keyof PartialsByKind ? PartialsByKind[K] : never };
/** Kinds whose work runs in a worker entry src/worker/<kind>.worker.ts. */
export type WorkerJobKind = keyof JobSpecs;
/** Every kind: worker jobs, and task jobs that run in core and start child jobs (a search and its trials). */
export type JobKind = WorkerJobKind | 'tune' | 'pipeline' | 'mlflow-push' | 'mlflow-import';

/** What a worker learns from the shell that started core: where the worker scripts are (a job may start
 * helper threads of its own, like a forest's tree builders). null: start none, work in this thread. */
export interface WorkerEnv { workerDir: string | null }

/** How a job's code reports where it is: a phase and how much of it is done. */
export type ProgressFn = (phase: string, done: number, total: number) => void;
/** How a job's code hands core one finished piece of its result (a scored input) before the job ends. */
export type PartialFn<K extends WorkerJobKind> = (value: JobPartials[K]) => void;

/** Parent → worker. Cancel is also signalled through a shared flag, since a busy worker reads no messages. */
export type ToWorker<K extends WorkerJobKind = WorkerJobKind> =
  | { type: 'start'; jobId: JobId; kind: K; spec: JobSpecs[K]; cancelFlag: SharedArrayBuffer; env: WorkerEnv }
  | { type: 'cancel'; jobId: JobId };

/** Worker → parent. */
export type FromWorker<K extends WorkerJobKind = WorkerJobKind> =
  | { type: 'progress'; jobId: JobId; phase: string; done: number; total: number }
  | { type: 'log'; jobId: JobId; level: 'info' | 'warn'; message: string }
  | { type: 'partial'; jobId: JobId; value: JobPartials[K] }
  | { type: 'result'; jobId: JobId; value: JobResults[K] }
  | { type: 'error'; jobId: JobId; error: MeterErrorData };

export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobProgress {
  jobId: JobId;
  kind: JobKind;
  runId: RunId | null;
  phase: string;
  done: number;
  total: number;
}

export interface JobOutcome {
  jobId: JobId;
  kind: JobKind;
  runId: RunId | null;
  state: Exclude<JobState, 'running'>;
  error: MeterErrorData | null;
  /** final metrics of a training run */
  metrics: Record<string, number> | null;
}

export interface JobInfo {
  jobId: JobId;
  kind: JobKind;
  runId: RunId | null;
  /** the task job this one is a child of (a search's trial) */
  parentJobId: JobId | null;
  state: JobState;
  phase: string;
  done: number;
  total: number;
  startedMs: number;
}

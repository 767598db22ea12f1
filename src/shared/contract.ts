// The one API, declared once as data: each method's name, argument schema, result type and a line of help.
// Everything else is derived from this table: the `Api` type, the method list, validation at createApi's
// single entry (no handler sees an unchecked argument), the event list, the CLI's `meter api` help and the
// typed clients. Core implements it; the CLI, Electron IPC and browser mode adapt it.
import type {
  Dataset, DatasetId, Experiment, ExperimentId, ImportedDataset, FeatureSet, JobId, MetricPoint, ModelKind, Run, RunId, RunRow,
} from './domain';
import { FEATURE_SETS, MODEL_KINDS } from './domain';
import type { JobInfo, JobOutcome, JobProgress } from './jobs';
import type { AliasEvent, ModelVersion, RegisteredModel, RegisteredModelSummary, ResolvedModel } from './domain/registry';
import type { ScoringRecord } from './domain/scoring';
import type { TuningStatus } from './domain/tuning';
import type { DriftReport, DriftReportSummary, MonitoringFailure, MonitoringRule } from './domain/monitoring';
import { DRIFT_METHODS, MONITORED_COLUMNS, MONITORING_RULE_METRICS } from './domain/monitoring';
import { checkFeatureSet, checkModelKind, checkParams, type ModelChoice } from './model-params';
import { month, pipelineSpec, PIPELINE_STEPS, type BackfillMonth, type FlowRun, type FlowRunSummary, type PipelineInfo } from './pipeline';
import * as s from './schema';
import type { MlflowTransferResult } from './mlflow-transfer';

export interface AppInfo {
  version: string;
  home: string;
  dbPath: string;
  schemaVersion: number;
  sampleFiles: { train: string; val: string };
}

export interface RunSearchResult {
  runs: RunRow[];
  /** runs matching the filter, over all pages */
  total: number;
  offset: number;
  limit: number;
  /** with topLevel: how many child runs (trials) of each run on the page match the filter, for runs that have any */
  childCounts?: Record<string, number>;
}

/** What the run page's artifact browser shows of one file; read in core, a bounded amount whatever the file's size. */
export type ArtifactPreview =
  | { kind: 'text'; path: string; sizeBytes: number; text: string; truncated: boolean; json: boolean }
  | { kind: 'image'; path: string; sizeBytes: number; mime: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/svg+xml'; base64: string }
  | { kind: 'table'; path: string; sizeBytes: number; columns: { name: string; type: string }[]; rows: (string | number | boolean | null)[][]; totalRows: number }
  | { kind: 'none'; path: string; sizeBytes: number; reason: string };

export interface RunKeys {
  metrics: string[];
  params: string[];
  tags: string[];
}

export interface ExportResult { outDir: string; files: string[]; name: string; version: number | null; runId: string; modelSha256: string }

/** A method: its argument schema (checked at the entry) and, as a type only, its result. */
export interface MethodSpec<A, R> {
  readonly arg: s.Schema<A>;
  readonly doc: string;
  /** never set: carries the result type */
  readonly result?: R;
}
const method = <A>(arg: s.Schema<A>, doc: string) => ({ returns: <R>(): MethodSpec<A, R> => ({ arg, doc }) });

const none = s.object({});
const runId = s.id<RunId>();
const jobId = s.id<JobId>();
const datasetId = s.id<DatasetId>();
/** One dataset, or several of one kind read as one set (e.g. twelve months for a year); at most 1,000. */
const datasetIds = s.custom<DatasetId | DatasetId[]>('dataset id | [dataset id, …]', (v, at) =>
  (Array.isArray(v) ? s.array(datasetId, { min: 1, max: 1000 }).parse(v, at) : datasetId.parse(v, at)));
const experimentId = s.id<ExperimentId>();
const modelName = s.string({ max: 256 });
const version = s.integer({ min: 1 });
const text = (max = 100_000) => s.string({ allowEmpty: true, max });
/** Filter and order text may be empty (every run, default order). */
const query = s.optional(s.string({ allowEmpty: true, max: 10_000 }));

export const RUN_LIFECYCLES = ['active', 'deleted', 'all'] as const;
export type RunLifecycle = (typeof RUN_LIFECYCLES)[number];

const runListQuery = s.object({ experimentId: s.optional(experimentId), experimentName: s.optional(s.string()), limit: s.optional(s.integer({ min: 1 })) });
export type RunListQuery = s.Infer<typeof runListQuery>;

/** The runs search: MLflow-style filter and order (see src/shared/search/parser.ts), one page at a time. */
const runSearchQuery = s.object({
  /** e.g. "metrics.rmse_val < 6 and params.model = 'ridge'" */
  filter: query,
  /** "metrics.rmse_val ASC, attributes.start_time DESC"; default newest first */
  orderBy: query,
  /** several experiments at once; default every experiment that isn't archived */
  experimentIds: s.optional(s.array(experimentId)),
  lifecycle: s.optional(s.oneOf(RUN_LIFECYCLES)),
  limit: s.optional(s.integer({ min: 0 })),
  offset: s.optional(s.integer({ min: 0 })),
  /** MLflow's nested runs (tag mlflow.parentRunId): only runs that are no run's child and match the filter or
   *  have a child that does, with childCounts */
  topLevel: s.optional(s.boolean()),
  /** only this run's children (a search's trials) that match the filter */
  parentRunId: s.optional(runId),
});
export type RunSearchQuery = s.Infer<typeof runSearchQuery>;

const runSource = s.object({ type: s.oneOf(['CLI', 'UI', 'API'] as const), name: s.string({ allowEmpty: true }), gitCommit: s.optional(s.string()) });
const trainingBase = s.object({
  experiment: s.string({ max: 256 }),
  runName: s.optional(s.string({ max: 256 })),
  model: s.custom<ModelKind>(MODEL_KINDS.join(' | '), (v, at) => checkModelKind(s.string().parse(v, at))),
  /** only what differs from the model's defaults (src/shared/model-params.ts) */
  params: s.optional(s.record(s.number())),
  featureSet: s.custom<FeatureSet>(FEATURE_SETS.join(' | '), (v, at) => checkFeatureSet(s.string().parse(v, at))),
  train: datasetIds,
  val: datasetIds,
  test: s.optional(datasetIds),
  source: s.optional(runSource),
});
/** A training job: the model and its own typed parameters ({model: 'rf', params: {nTrees: 200}}), features, data. */
export type TrainingRequest = Omit<s.Infer<typeof trainingBase>, 'model' | 'params'> & ModelChoice;
const trainingRequest = s.custom<TrainingRequest>(trainingBase.doc, (v, at) => {
  const o = trainingBase.parse(v, at);
  checkParams(o.model, o.params);
  return o as TrainingRequest;
});

const tuningRequest = s.object({
  experiment: s.string({ max: 256 }),
  runName: s.optional(s.string({ max: 256 })),
  train: datasetIds,
  val: datasetIds,
  /** hyperopt-style space (src/shared/tuning/space.ts); must set "model", may set "featureSet" */
  space: s.jsonObject(),
  algo: s.optional(s.oneOf(['tpe', 'random'] as const)),
  maxTrials: s.optional(s.integer({ min: 1, max: 10_000 })),
  /** stop starting trials after this many seconds */
  timeBudgetSec: s.optional(s.number({ positive: true })),
  /** trials at once (bounded by cores); trials start in waves, so a seed gives the same search */
  parallel: s.optional(s.integer({ min: 1, max: 64 })),
  seed: s.optional(s.integer({ min: 0 })),
  /** stop unpromising trials from their intermediate values (the validation RMSE per gbt boosting round or lasso
   * sweep): Optuna's median pruner; {} takes the defaults (src/core/tuning/pruner.ts) */
  prune: s.optional(s.object({
    /** completed trials before any is pruned (default 5) */
    startupTrials: s.optional(s.integer({ min: 0, max: 10_000 })),
    /** steps (rounds, sweeps) a trial always gets (default 0) */
    warmupSteps: s.optional(s.integer({ min: 0 })),
    /** report and judge every this many steps (default 10) */
    everySteps: s.optional(s.integer({ min: 1, max: 10_000 })),
  })),
});
export type TuningStart = s.Infer<typeof tuningRequest>;

/** How Meter signs in to an MLflow server: a Bearer token, or basic auth (never stored). */
const mlflowAuth = {
  token: s.optional(s.string({ max: 4096 })),
  user: s.optional(s.string({ max: 256 })),
  password: s.optional(s.string({ allowEmpty: true, max: 4096 })),
};

export const CONTRACT = {
  'app.info': method(none, 'Version, home folder, database and the shipped sample files.').returns<AppInfo>(),

  'data.import': method(s.object({ path: s.string() }), 'Check a TLC parquet file and record it as a dataset (path + sha256); bytes already recorded (from any path) answer that dataset, alreadyImported.').returns<ImportedDataset>(),
  'data.importMany': method(s.object({ paths: s.array(s.string(), { min: 1, max: 1000 }), roles: s.optional(s.array(s.oneOf(['train', 'val', 'test'] as const), { max: 1000 })) }),
    "Check several parquet files, then record them all, or none when one fails (named); with roles (each path's role), a role whose files are of different kinds is refused.").returns<ImportedDataset[]>(),
  'data.list': method(none, 'Every recorded dataset.').returns<Dataset[]>(),
  'data.get': method(s.object({ datasetId }), 'One dataset with its schema report.').returns<Dataset>(),
  'data.remove': method(s.object({ datasetId }), "Remove a dataset record (refused, naming them, while runs read it); the app's own copy of an uploaded file goes with it.").returns<{ removed: true; fileRemoved: boolean }>(),

  'experiments.list': method(s.object({ includeArchived: s.optional(s.boolean()) }), 'Experiments with their run counts.').returns<Experiment[]>(),
  'experiments.create': method(s.object({ name: s.string({ max: 256 }) }), 'Create an experiment.').returns<Experiment>(),
  'experiments.rename': method(s.object({ experimentId, name: s.string({ max: 256 }) }), 'Rename an experiment.').returns<Experiment>(),
  'experiments.setArchived': method(s.object({ experimentId, archived: s.boolean() }), 'Archive (hide, runs kept) or restore an experiment.').returns<Experiment>(),

  'runs.list': method(runListQuery, 'Newest runs, optionally of one experiment.').returns<RunRow[]>(),
  'runs.get': method(s.object({ runId }), 'One run: params, metrics, tags, notes, datasets, artifacts.').returns<Run>(),
  'runs.metricHistory': method(s.object({ runId, key: s.string() }), "A metric's every logged step.").returns<MetricPoint[]>(),
  'runs.setNotes': method(s.object({ runId, notes: text() }), "Replace a run's Markdown notes.").returns<Run>(),
  'runs.setTag': method(s.object({ runId, key: s.string({ max: 250 }), value: text(5000) }), 'Set a tag on a run.').returns<Run>(),
  'runs.deleteTag': method(s.object({ runId, key: s.string({ max: 250 }) }), 'Remove a tag from a run.').returns<Run>(),
  'runs.rename': method(s.object({ runId, name: s.string({ max: 256 }) }), 'Rename a run.').returns<Run>(),
  'runs.search': method(runSearchQuery, 'Search runs with the filter language; one page, sorted.').returns<RunSearchResult>(),
  'runs.artifactFile': method(s.object({ runId, path: s.string({ max: 1000 }) }), "One of a run's artifact files, whole, as base64 (at most 64 MiB): the desktop app's Download.").returns<{ path: string; sizeBytes: number; base64: string }>(),
  'runs.artifactPreview': method(s.object({ runId, path: s.string({ max: 1000 }) }), "A preview of one of a run's artifact files: text/JSON head, image, or a parquet file's first 20 rows and schema.").returns<ArtifactPreview>(),
  'runs.keys': method(none, 'Every metric, param and tag key (for autocomplete and columns).').returns<RunKeys>(),
  'runs.setDeleted': method(s.object({ runIds: s.array(runId), deleted: s.boolean() }), 'Move runs to the trash, or restore them.').returns<{ changed: number }>(),
  'runs.purge': method(s.object({ runIds: s.array(runId) }), 'Delete runs for good: rows and artifact folders.').returns<{ purged: number; artifactBytesFreed: number }>(),

  'models.register': method(s.object({ runId, name: modelName, description: s.optional(text()) }), "Register a run's model as a new version.").returns<ModelVersion>(),
  'models.create': method(s.object({ name: modelName, description: s.optional(text()) }), 'Create an empty registered model.').returns<RegisteredModel>(),
  'models.list': method(none, 'Registered models with their latest versions and aliases.').returns<RegisteredModelSummary[]>(),
  'models.get': method(s.object({ name: modelName }), 'A registered model: versions, aliases, history.').returns<RegisteredModel>(),
  'models.getVersion': method(s.object({ name: modelName, version }), 'One version with its lineage and signature.').returns<ModelVersion>(),
  'models.setAlias': method(s.object({ name: modelName, alias: s.string({ max: 256 }), version }), 'Give @alias to a version (a promotion when it moves).').returns<AliasEvent>(),
  'models.removeAlias': method(s.object({ name: modelName, alias: s.string({ max: 256 }) }), 'Remove an alias.').returns<AliasEvent>(),
  'models.rollback': method(s.object({ name: modelName, alias: s.string({ max: 256 }) }), 'Move @alias back to the version it held before.').returns<AliasEvent>(),
  'models.setDescription': method(s.object({ name: modelName, version: s.optional(version), description: text() }), "A model's (or, with version, a version's) description.").returns<RegisteredModel | ModelVersion>(),
  'models.setTag': method(s.object({ name: modelName, version: s.optional(version), key: s.string({ max: 250 }), value: text(5000) }), 'Tag a model or one of its versions.').returns<RegisteredModel>(),
  'models.setArchived': method(s.object({ name: modelName, version, archived: s.boolean() }), 'Archive or restore a version.').returns<ModelVersion>(),
  'models.deleteVersion': method(s.object({ name: modelName, version }), 'Delete a version (refused while an alias points at it).').returns<{ deleted: number }>(),
  'models.resolve': method(s.object({ uri: s.string() }), 'Resolve models:/NAME/V, models:/NAME@alias, models:/NAME/latest or runs:/ID/model.').returns<ResolvedModel>(),
  'models.export': method(s.object({ uri: s.string(), outDir: s.string() }), 'Write a deployable service bundle (model, server.js, Dockerfile, README) into an empty folder: absolute, or relative to <home>/exports.').returns<ExportResult>(),

  'scoring.start': method(s.object({ modelUri: s.string(), inputs: s.array(s.string(), { max: 1000 }), outputDir: s.optional(s.string()) }),
    'Batch-score parquet files with a model URI; one predictions parquet per input, never replacing a file. outputDir: absolute, or relative to <home>/predictions (the default).').returns<{ jobId: JobId; outputs: string[] }>(),
  'scoring.list': method(s.object({ name: s.optional(modelName), version: s.optional(version), jobId: s.optional(jobId), limit: s.optional(s.integer({ min: 1, max: 10_000 })) }),
    'Scoring records, newest first; one job\'s (jobId) in the order of its inputs.').returns<ScoringRecord[]>(),

  'tuning.start': method(tuningRequest, 'Start a hyper-parameter search: a parent run and one child run per trial.').returns<{ tuningId: RunId }>(),
  'tuning.get': method(s.object({ tuningId: runId }), "A search's trials, best trial and parameter importance.").returns<TuningStatus>(),
  'tuning.extend': method(s.object({ tuningId: runId, trials: s.integer({ min: 1, max: 10_000 }) }),
    'Run more trials of a finished or cancelled search: same space, data and objective; TPE goes on from every completed (and pruned) trial, numbering continues.').returns<{ tuningId: RunId }>(),
  'tuning.cancel': method(s.object({ tuningId: runId }), 'Stop a search: running trials end KILLED, finished ones are kept.').returns<{ cancelled: boolean }>(),

  'pipelines.save': method(s.object({ pipeline: pipelineSpec, replace: s.optional(s.boolean()) }),
    'Save a pipeline (its schedule fires while Meter runs). A name saved with another spec is refused (ALREADY_EXISTS, naming each difference) unless replace is true; the same spec again changes nothing.').returns<PipelineInfo>(),
  'pipelines.list': method(none, 'Saved pipelines with their schedules and next fire times.').returns<PipelineInfo[]>(),
  'pipelines.run': method(s.object({ pipeline: pipelineSpec, month, trigger: s.optional(s.oneOf(['cli', 'ui', 'api'] as const)) }),
    'Run a pipeline once for a month: train on M-2, validate on M-1, test on M (offsets configurable); saves no pipeline and no schedule; returns at once.').returns<{ flowRunId: string; jobId: JobId }>(),
  'pipelines.backfill': method(s.object({ pipeline: pipelineSpec, from: month, to: month }),
    'One flow run per month of a range; months with missing files are skipped, finished months reused, stopped ones resumed.').returns<{ jobId: JobId; months: BackfillMonth[] }>(),
  'pipelines.runs': method(s.object({ pipeline: s.optional(s.string({ max: 100 })), limit: s.optional(s.integer({ min: 1, max: 10_000 })) }), 'Flow runs, newest first.').returns<FlowRunSummary[]>(),
  'pipelines.get': method(s.object({ flowRunId: s.string({ max: 64 }) }), "A flow run: its steps' status, attempts, times, outputs and log lines.").returns<FlowRun>(),
  'pipelines.rerun': method(s.object({ flowRunId: s.string({ max: 64 }), fromStep: s.optional(s.oneOf(PIPELINE_STEPS)) }),
    'Run a flow run again from a step (default: the step that failed); the steps before keep their outputs.').returns<{ flowRunId: string; jobId: JobId }>(),
  'pipelines.cancel': method(s.object({ flowRunId: s.string({ max: 64 }) }), 'Cancel a running flow run (its training job with it).').returns<{ cancelled: boolean }>(),
  'pipelines.osSchedule': method(s.object({ file: s.string(), schedule: s.string({ max: 200 }), name: s.string({ max: 100 }), home: s.optional(s.string()) }),
    'The crontab line and systemd service + timer that run "meter pipeline run FILE --month previous" on a schedule: this Node and Meter\'s built CLI by absolute path, with --home (default: this Meter\'s home).').returns<{ crontab: string; systemdService: string; systemdTimer: string }>(),

  'monitoring.start': method(s.object({
    modelUri: s.string(),
    /** parquet files, or folders meaning every *.parquet in them */
    current: s.array(s.string(), { max: 1000 }),
    /** default: the version's own training data */
    reference: s.optional(s.string()),
    /** per column: wasserstein | jensenshannon | ks | chisquare | psi */
    methods: s.optional(s.record(s.oneOf(DRIFT_METHODS))),
    thresholds: s.optional(s.record(s.number())),
    /** dataset drift when at least this share of feature columns drifted; default 0.5 */
    driftShare: s.optional(s.number({ positive: true })),
    /** one report per file (a timeline of months) instead of one over all files */
    timeline: s.optional(s.boolean()),
  }), "Drift of a model version's inputs and predictions (and errors, when labelled) against its training data, as a job.").returns<{ jobId: JobId; files: string[] }>(),
  'monitoring.list': method(s.object({ name: s.optional(modelName), version: s.optional(version), jobId: s.optional(jobId), flagged: s.optional(s.boolean()), limit: s.optional(s.integer({ min: 1, max: 10_000 })) }),
    "Drift reports, newest first (a job's reports, a timeline, in month order).").returns<DriftReportSummary[]>(),
  'monitoring.failures': method(s.object({ jobId }), "A timeline's months that could not be monitored (unreadable, another kind of trip file, no trips), with the reason, in month order.").returns<MonitoringFailure[]>(),
  'monitoring.get': method(s.object({ reportId: s.string({ max: 64 }) }), 'One drift report: every column with its test, summaries and chart data.').returns<DriftReport>(),
  'monitoring.html': method(s.object({ reportId: s.string({ max: 64 }) }), 'A drift report as one self-contained HTML file (no network needed).').returns<{ fileName: string; html: string }>(),
  'monitoring.rules': method(s.object({ name: modelName, version }), "A version's monitoring (alert) rules.").returns<MonitoringRule[]>(),
  'monitoring.setRules': method(s.object({ name: modelName, version, rules: s.array(s.object({ metric: s.oneOf(MONITORING_RULE_METRICS), threshold: s.optional(s.number()), column: s.optional(s.oneOf(MONITORED_COLUMNS)) }), { max: 50 }) }),
    "Replace a version's monitoring rules (drift_share ≥ t, rmse_change / mae_change > t, column_drift of a column).").returns<MonitoringRule[]>(),

  'mlflow.startPush': method(s.object({
    /** the MLflow tracking server, http(s)://host:port */
    to: s.string({ max: 2048 }),
    ...mlflowAuth,
    experiments: s.optional(s.array(s.string({ max: 256 }), { max: 1000 })),
    runIds: s.optional(s.array(runId, { max: 100_000 })),
    models: s.optional(s.array(modelName, { max: 1000 })),
    /** every experiment that is not archived and every registered model */
    all: s.optional(s.boolean()),
    /** count what would be sent, send nothing */
    dryRun: s.optional(s.boolean()),
  }), "Push experiments, runs and registered models to an MLflow tracking server as a job: sends only what the server lacks (an interrupted push resumes; runs and versions imported from that server are theirs there; a trial goes after its search, taking it along, and names the search's run there as its mlflow.parentRunId); refused (INVALID_STATE) while another push to the same server from this store runs, in this process or another; the outcome's metrics are the counts, mlflow.result has the details.").returns<{ jobId: JobId }>(),
  'mlflow.startImport': method(s.object({
    /** an MLflow tracking server (http(s)://…, everything on it), sqlite:///path/mlflow.db, or an mlruns folder */
    from: s.string({ max: 4096 }),
    /** the artifacts folder beside an mlflow.db (mlflow ui --default-artifact-root) */
    artifactsDir: s.optional(s.string({ max: 4096 })),
    ...mlflowAuth,
    /** count what would come (every metric point and artifact file), write nothing */
    dryRun: s.optional(s.boolean()),
  }), "Import an MLflow server's or store's experiments, runs, artifacts and registered models as a job; what is already here is skipped.").returns<{ jobId: JobId }>(),
  'mlflow.result': method(s.object({ jobId }), "How a push or import job of this session ended: counts and what did not go (null when unknown).").returns<MlflowTransferResult | null>(),

  'jobs.startTraining': method(trainingRequest, 'Train a model in a worker; returns at once with the job and its run.').returns<{ jobId: JobId; runId: RunId }>(),
  'jobs.cancel': method(s.object({ jobId }), 'Cancel a running job.').returns<{ cancelled: boolean }>(),
  'jobs.wait': method(s.object({ jobId }), "Wait for a job's outcome (then it is forgotten).").returns<JobOutcome>(),
  'jobs.list': method(none, 'Jobs running now, and finished ones whose outcome nobody has read yet.').returns<JobInfo[]>(),
} satisfies Record<string, MethodSpec<unknown, unknown>>;

type Contract = typeof CONTRACT;
export type ApiMethod = keyof Contract;
export type ApiArg<K extends ApiMethod> = Contract[K] extends MethodSpec<infer A, unknown> ? A : never;
export type ApiResult<K extends ApiMethod> = Contract[K] extends MethodSpec<unknown, infer R> ? R : never;
export type Api = { [K in ApiMethod]: (a: ApiArg<K>) => ApiResult<K> };

/** Every method name, so transports can refuse unknown names before dispatch. */
export const API_METHODS = Object.keys(CONTRACT) as ApiMethod[];
export const isApiMethod = (name: unknown): name is ApiMethod =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(CONTRACT, name);

/** Server → client pushes. Declared as data too, so every transport forwards exactly these. */
const event = <P>() => ({}) as { readonly payload?: P };
export const EVENTS = {
  'job.progress': event<JobProgress>(),
  'job.finished': event<JobOutcome>(),
  /** a search started a wave, finished a trial, or ended: fetch tuning.get */
  'tuning.updated': event<{ tuningId: RunId }>(),
  /** a flow run's step or status changed: fetch pipelines.get */
  'pipeline.updated': event<{ flowRunId: string }>(),
};
export type EventName = keyof typeof EVENTS;
export type Events = { [E in EventName]: NonNullable<(typeof EVENTS)[E]['payload']> };
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** The client-side shape every transport offers: typed call and typed event subscription. */
export interface MeterClient {
  call<K extends ApiMethod>(name: K, arg: ApiArg<K>): Promise<ApiResult<K>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

export type { FeatureSet, ModelKind };

// The one API. Core implements it (core/api), and the CLI, Electron IPC and browser mode all adapt it.
// Every transport makes calls async; the types here are the truth for every side.
import type {
  Dataset, DatasetId, Experiment, ExperimentId, FeatureSet, JobId, MetricPoint, ModelKind, Run, RunId,
  RunRow, RunSource,
} from './domain';
import type { JobInfo, JobOutcome, JobProgress } from './jobs';
import type { AliasEvent, ModelVersion, RegisteredModel, RegisteredModelSummary, ResolvedModel } from './domain/registry';
import type { ScoringRecord } from './domain/scoring';
import type { SearchRequest, SearchStatus } from './domain/tuning';

export interface AppInfo {
  version: string;
  home: string;
  dbPath: string;
  schemaVersion: number;
  sampleFiles: { train: string; val: string };
}

export interface TrainingRequest {
  experiment: string;
  runName?: string;
  model: ModelKind;
  /** alpha for ridge/lasso; maxIter and tol for lasso */
  params?: Record<string, number>;
  featureSet: FeatureSet;
  train: DatasetId;
  val: DatasetId;
  test?: DatasetId;
  source?: RunSource;
}

export interface RunListQuery {
  experimentId?: ExperimentId;
  experimentName?: string;
  limit?: number;
}

export type RunLifecycle = 'active' | 'deleted' | 'all';

/** The runs search: MLflow-style filter and order (see src/shared/search/parser.ts), one page at a time. */
export interface RunSearchQuery {
  filter?: string;
  /** "metrics.rmse_val ASC, attributes.start_time DESC"; default newest first */
  orderBy?: string;
  /** several experiments at once; default every experiment that isn't archived */
  experimentIds?: ExperimentId[];
  lifecycle?: RunLifecycle;
  limit?: number;
  offset?: number;
}

export interface RunSearchResult {
  runs: RunRow[];
  /** runs matching the filter, over all pages */
  total: number;
  offset: number;
  limit: number;
}

export interface RunKeys {
  metrics: string[];
  params: string[];
  tags: string[];
}

export interface Api {
  'app.info': (a: Record<string, never>) => AppInfo;
  'data.import': (a: { path: string }) => Dataset;
  'data.list': (a: Record<string, never>) => Dataset[];
  'data.get': (a: { datasetId: DatasetId }) => Dataset;
  'experiments.list': (a: { includeArchived?: boolean }) => Experiment[];
  'experiments.create': (a: { name: string }) => Experiment;
  'experiments.rename': (a: { experimentId: ExperimentId; name: string }) => Experiment;
  'experiments.setArchived': (a: { experimentId: ExperimentId; archived: boolean }) => Experiment;
  'runs.list': (a: RunListQuery) => RunRow[];
  'runs.get': (a: { runId: RunId }) => Run;
  'runs.metricHistory': (a: { runId: RunId; key: string }) => MetricPoint[];
  'runs.setNotes': (a: { runId: RunId; notes: string }) => Run;
  'runs.setTag': (a: { runId: RunId; key: string; value: string }) => Run;
  'runs.deleteTag': (a: { runId: RunId; key: string }) => Run;
  'runs.rename': (a: { runId: RunId; name: string }) => Run;
  'runs.search': (a: RunSearchQuery) => RunSearchResult;
  'runs.keys': (a: Record<string, never>) => RunKeys;
  /** soft delete (to the trash) or restore */
  'runs.setDeleted': (a: { runIds: RunId[]; deleted: boolean }) => { changed: number };
  /** hard delete: rows and artifact folders, for good */
  'runs.purge': (a: { runIds: RunId[] }) => { purged: number; artifactBytesFreed: number };
  'models.register': (a: { runId: RunId; name: string; description?: string }) => ModelVersion;
  'models.create': (a: { name: string; description?: string }) => RegisteredModel;
  'models.list': (a: Record<string, never>) => RegisteredModelSummary[];
  'models.get': (a: { name: string }) => RegisteredModel;
  'models.getVersion': (a: { name: string; version: number }) => ModelVersion;
  /** give @alias to a version (a promotion when it moves); recorded in the model's history */
  'models.setAlias': (a: { name: string; alias: string; version: number }) => AliasEvent;
  'models.removeAlias': (a: { name: string; alias: string }) => AliasEvent;
  /** move @alias back to the version it held before */
  'models.rollback': (a: { name: string; alias: string }) => AliasEvent;
  /** without `version`: the registered model's description */
  'models.setDescription': (a: { name: string; version?: number; description: string }) => RegisteredModel | ModelVersion;
  'models.setTag': (a: { name: string; version?: number; key: string; value: string }) => RegisteredModel;
  'models.setArchived': (a: { name: string; version: number; archived: boolean }) => ModelVersion;
  'models.deleteVersion': (a: { name: string; version: number }) => { deleted: number };
  'models.resolve': (a: { uri: string }) => ResolvedModel;
  /** a deployable service bundle (model, server.js, Dockerfile, README) in an empty folder */
  'models.export': (a: { uri: string; outDir: string }) => { outDir: string; files: string[]; name: string; version: number | null; runId: string; modelSha256: string };
  /** batch-score parquet files with a model URI; one predictions parquet per input under outputDir */
  'scoring.start': (a: { modelUri: string; inputs: string[]; outputDir?: string }) => { jobId: JobId; outputs: string[] };
  'scoring.list': (a: { name?: string; version?: number; jobId?: JobId; limit?: number }) => ScoringRecord[];
  /** start a hyper-parameter search (parent run + one child run per trial); it runs on in the background */
  'tuning.start': (a: SearchRequest) => { searchId: RunId };
  'tuning.get': (a: { searchId: RunId }) => SearchStatus;
  'tuning.cancel': (a: { searchId: RunId }) => { cancelled: boolean };
  'jobs.startTraining': (a: TrainingRequest) => { jobId: JobId; runId: RunId };
  'jobs.cancel': (a: { jobId: JobId }) => { cancelled: boolean };
  'jobs.wait': (a: { jobId: JobId }) => JobOutcome;
  'jobs.list': (a: Record<string, never>) => JobInfo[];
}

export type ApiMethod = keyof Api;
export type ApiArg<K extends ApiMethod> = Parameters<Api[K]>[0];
export type ApiResult<K extends ApiMethod> = ReturnType<Api[K]>;

/** Every method name, so transports can refuse unknown names before dispatch. */
export const API_METHODS: readonly ApiMethod[] = [
  'app.info', 'data.import', 'data.list', 'data.get', 'experiments.list', 'experiments.create',
  'experiments.rename', 'experiments.setArchived',
  'runs.list', 'runs.get', 'runs.metricHistory', 'runs.setNotes', 'runs.setTag', 'runs.deleteTag', 'runs.rename',
  'runs.search', 'runs.keys', 'runs.setDeleted', 'runs.purge',
  'models.register', 'models.create', 'models.list', 'models.get', 'models.getVersion', 'models.setAlias', 'models.removeAlias',
  'models.rollback', 'models.setDescription', 'models.setTag', 'models.setArchived', 'models.deleteVersion', 'models.resolve', 'models.export',
  'scoring.start', 'scoring.list', 'tuning.start', 'tuning.get', 'tuning.cancel',
  'jobs.startTraining', 'jobs.cancel', 'jobs.wait', 'jobs.list',
];

export interface Events {
  'job.progress': JobProgress;
  'job.finished': JobOutcome;
  /** a search started a wave, finished a trial, or ended: fetch tuning.get */
  'search.updated': { searchId: RunId };
}
export type EventName = keyof Events;

/** The client-side shape every transport offers: typed call and typed event subscription. */
export interface MeterClient {
  call<K extends ApiMethod>(name: K, arg: ApiArg<K>): Promise<ApiResult<K>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

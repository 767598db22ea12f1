// The one API. Core implements it (core/api), and the CLI, Electron IPC and browser mode all adapt it.
// Every transport makes calls async; the types here are the truth for every side.
import type {
  Dataset, DatasetId, Experiment, ExperimentId, FeatureSet, JobId, MetricPoint, ModelKind, Run, RunId,
  RunRow, RunSource,
} from './domain';
import type { JobInfo, JobOutcome, JobProgress } from './jobs';

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

export interface Api {
  'app.info': (a: Record<string, never>) => AppInfo;
  'data.import': (a: { path: string }) => Dataset;
  'data.list': (a: Record<string, never>) => Dataset[];
  'data.get': (a: { datasetId: DatasetId }) => Dataset;
  'experiments.list': (a: Record<string, never>) => Experiment[];
  'experiments.create': (a: { name: string }) => Experiment;
  'runs.list': (a: RunListQuery) => RunRow[];
  'runs.get': (a: { runId: RunId }) => Run;
  'runs.metricHistory': (a: { runId: RunId; key: string }) => MetricPoint[];
  'runs.setNotes': (a: { runId: RunId; notes: string }) => Run;
  'runs.setTag': (a: { runId: RunId; key: string; value: string }) => Run;
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
  'runs.list', 'runs.get', 'runs.metricHistory', 'runs.setNotes', 'runs.setTag',
  'jobs.startTraining', 'jobs.cancel', 'jobs.wait', 'jobs.list',
];

export interface Events {
  'job.progress': JobProgress;
  'job.finished': JobOutcome;
}
export type EventName = keyof Events;

/** The client-side shape every transport offers: typed call and typed event subscription. */
export interface MeterClient {
  call<K extends ApiMethod>(name: K, arg: ApiArg<K>): Promise<ApiResult<K>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

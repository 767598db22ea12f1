import type { DatasetId, ExperimentId, RunId } from './ids';
import type { Dataset } from './data';

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'];

export interface Experiment {
  experimentId: ExperimentId;
  name: string;
  createdMs: number;
  runCount: number;
  /** set while the experiment is archived (hidden from lists and searches, runs kept) */
  archivedMs: number | null;
}

export type RunSourceType = 'CLI' | 'UI' | 'API';
export interface RunSource {
  type: RunSourceType;
  /** the command line for the CLI, the screen for the UI */
  name: string;
  /** HEAD of the git repository the source ran in, when there is one */
  gitCommit?: string | null;
}

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  timestampMs: number;
}

/** One row of the runs table: summary values only; history and artifacts stay on the detail page. */
export interface RunRow {
  runId: RunId;
  experimentId: ExperimentId;
  experimentName: string;
  name: string;
  status: RunStatus;
  startMs: number;
  endMs: number | null;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  /** set while the run is in the trash (soft-deleted) */
  deletedMs: number | null;
}

export type DatasetRole = 'train' | 'val' | 'test';
export interface RunInput {
  role: DatasetRole;
  dataset: Dataset;
  /** trips the run kept from this file (1–60 minutes); null before it finished, and for runs older than 0013 */
  rows: number | null;
}

export interface Artifact {
  path: string;
  sizeBytes: number;
  createdMs: number;
}

export interface Run extends RunRow {
  source: RunSource;
  notes: string;
  error: string | null;
  inputs: RunInput[];
  artifacts: Artifact[];
  /** metric keys that have more than one step, for the history chart */
  historyKeys: string[];
}

export type { DatasetId };

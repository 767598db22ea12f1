// Batch scoring: a model over one or more trip files, a predictions parquet per file, and what the labels
// say about the predictions when the file has them.
import type { TlcKind } from './data';

export interface Histogram {
  /** bin edges, length counts.length + 1; the last bin also holds everything above it */
  edges: number[];
  counts: number[];
}

export interface HourResiduals {
  hour: number;
  n: number;
  meanResidual: number;
  rmse: number;
}

export interface ScoringCharts {
  predictions: Histogram;
  residuals: Histogram | null;
  byHour: HourResiduals[] | null;
}

export interface ScoredFile {
  inputPath: string;
  fileName: string;
  sha256: string;
  month: string | null;
  /** rows in the input file */
  rows: number;
  /** rows scored and written (labelled files: the 1–60 minute trips, as in training) */
  scored: number;
  labelled: boolean;
  /** the file's kind of trips (records made before it was kept lack it) */
  kind?: TlcKind;
  /** what the user should know about this file's predictions: trips of another kind than the model's training */
  warnings?: string[];
  outputPath: string;
  metrics: { rmse: number; mae: number; meanPrediction: number } | null;
  charts: ScoringCharts;
  millis: number;
}

export interface ScoringModelRef {
  uri: string;
  name: string | null;
  version: number | null;
  runId: string;
}

export type ScoringStatus = 'FINISHED' | 'FAILED' | 'KILLED';

export interface ScoringRecord {
  scoringId: string;
  jobId: string;
  model: ScoringModelRef;
  status: ScoringStatus;
  error: string | null;
  /** null when the job failed before this file finished */
  file: ScoredFile | null;
  inputPath: string;
  startedMs: number;
  endedMs: number;
}

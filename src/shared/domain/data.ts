import { MeterError } from '../errors';
import type { DatasetId } from './ids';

/** The NYC TLC trip record families Meter reads; detected from the columns, never the file name. */
export type TlcKind = 'green' | 'yellow' | 'fhv';

export interface ColumnInfo {
  name: string;
  dtype: string;
  nullCount: number;
}

/** What the 1 ≤ duration ≤ 60 minutes rule (and the trip_distance rule) keeps and drops. */
export interface DurationFilterReport {
  kept: number;
  dropped: number;
  tooShort: number;
  tooLong: number;
  /** rows whose pickup or dropoff time is missing */
  missingTime: number;
  /**
   * 1–60 minute trips dropped because trip_distance is infinite, negative or above 1,000,000 miles
   * (core/data/tlc-reader.ts MAX_TRIP_DISTANCE); the reasons don't overlap, so the counts add up to `dropped`.
   * Absent in reports recorded before this rule existed.
   */
  badDistance?: number;
  meanKeptMinutes: number;
}

export interface SchemaReport {
  kind: TlcKind;
  rows: number;
  columns: ColumnInfo[];
  /** ISO-8601 UTC; null when no row has a pickup time */
  pickupMin: string | null;
  pickupMax: string | null;
  /** the month most pickups fall in, as YYYY-MM */
  pickupMonth: string | null;
  filter: DurationFilterReport;
}

export interface Dataset {
  datasetId: DatasetId;
  path: string;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  kind: TlcKind;
  rows: number;
  pickupMonth: string | null;
  report: SchemaReport;
  createdMs: number;
}

/** An import's answer: the dataset the file is, and whether its bytes were already one (nothing was added; its path may be another). */
export interface ImportedDataset extends Dataset {
  alreadyImported: boolean;
}

/** fhv files have no trip_distance: a model can't train on one family and validate or test on the other. */
export function checkSameFeatureFamily(role: string, fileName: string, kind: TlcKind, train: { kind: TlcKind; fileName: string }): void {
  if ((kind === 'fhv') !== (train.kind === 'fhv')) {
    throw new MeterError('SCHEMA_MISMATCH',
      `The ${role} file ${fileName} is ${kind} but the train file ${train.fileName} is ${train.kind}; fhv files have no trip_distance, so the features would differ.`);
  }
}

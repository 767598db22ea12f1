// Monitoring: a model version's data and prediction drift against its training data, Evidently's rules, as
// a saved report per current file set; a timeline is the reports of one job, one per month.
import type { ScoringModelRef } from './scoring';

export const DRIFT_METHODS = ['wasserstein', 'jensenshannon', 'ks', 'chisquare', 'psi'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];
export type ColumnKind = 'numeric' | 'categorical';

/** The columns a report covers; duration only when both sides are labelled. */
export const MONITORED_COLUMNS = ['PULocationID', 'DOLocationID', 'trip_distance', 'duration', 'prediction'] as const;
export type MonitoredColumn = (typeof MONITORED_COLUMNS)[number];
/** The columns whose drift makes up the dataset drift share. */
export const FEATURE_COLUMNS: readonly MonitoredColumn[] = ['PULocationID', 'DOLocationID', 'trip_distance'];

export interface NumericSummary {
  kind: 'numeric';
  count: number;
  missingShare: number;
  mean: number;
  std: number;
  min: number;
  q25: number;
  median: number;
  q75: number;
  max: number;
}

export interface CategoryShare { value: string; share: number }

export interface CategorySummary {
  kind: 'categorical';
  count: number;
  missingShare: number;
  distinct: number;
  top: CategoryShare[];
  /** in the current data, never seen in the reference (current side only) */
  newCategories: CategoryShare[];
}

export type ColumnSummary = NumericSummary | CategorySummary;

/** Shares per bin (numeric) or per category (top categories, then "other"), reference beside current. */
export type DriftChart =
  | { kind: 'histogram'; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'bars'; categories: string[]; reference: number[]; current: number[] };

export interface ColumnDrift {
  column: MonitoredColumn;
  kind: ColumnKind;
  method: DriftMethod;
  statistic: number;
  threshold: number;
  /** p-value tests drift below the threshold, distances at or above it */
  pValue: boolean;
  drifted: boolean;
  reference: ColumnSummary;
  current: ColumnSummary;
  chart: DriftChart;
}

export interface ResidualGroup { key: string; n: number; meanResidual: number; rmse: number }

export interface ModelQuality {
  rmse: number;
  mae: number;
  /** the version's validation metrics (rmse_val, mae_val), when it has them */
  validationRmse: number | null;
  validationMae: number | null;
  /** relative change against validation: 0.1 = 10% worse */
  rmseChange: number | null;
  maeChange: number | null;
  byHour: ResidualGroup[];
  /** the 20 busiest pickup zones */
  byZone: ResidualGroup[];
}

export interface MonitoredFile { path: string; fileName: string; sha256: string; rows: number; kept: number; kind: string; month: string | null }

export type MonitoringRuleMetric = 'drift_share' | 'rmse_change' | 'mae_change' | 'column_drift';
export const MONITORING_RULE_METRICS: readonly MonitoringRuleMetric[] = ['drift_share', 'rmse_change', 'mae_change', 'column_drift'];

/**
 * A version's alert rule. drift_share: the dataset drift share ≥ threshold; rmse_change / mae_change: the
 * error up by more than threshold (0.1 = 10%) against validation; column_drift: the column drifted.
 */
export interface MonitoringRule { metric: MonitoringRuleMetric; threshold?: number; column?: MonitoredColumn }

/** `value`: what broke the rule — the drift share, the error's relative change (0.18 = 18% worse), or the
 * column's statistic; absent in reports made before it was kept. */
export interface MonitoringAlert { rule: MonitoringRule; message: string; columns: string[]; value?: number }

/** What the worker computes for one current file set. */
export interface DriftReportBody {
  reference: MonitoredFile & { source: 'training' | 'file' };
  current: MonitoredFile[];
  month: string | null;
  labelled: boolean;
  datasetDrift: { share: number; threshold: number; drifted: boolean; driftedColumns: string[]; columnCount: number };
  columns: ColumnDrift[];
  quality: ModelQuality | null;
  millis: number;
}

export interface DriftReport extends DriftReportBody {
  reportId: string;
  jobId: string;
  model: ScoringModelRef;
  alerts: MonitoringAlert[];
  createdMs: number;
}

/** A month of a timeline that could not be monitored (unreadable, another kind of trip file, no trips): the
 * other months went on without it. `month` is read from the file's name, since its rows could not be. */
export interface MonitoringFailure {
  jobId: string;
  path: string;
  fileName: string;
  month: string | null;
  code: string;
  reason: string;
  createdMs: number;
}

/** One row of a timeline or of a version's report list (no charts). */
export interface DriftReportSummary {
  reportId: string;
  jobId: string;
  model: ScoringModelRef;
  month: string | null;
  files: string[];
  rows: number;
  datasetDrift: { share: number; threshold: number; drifted: boolean };
  columns: Record<string, { method: DriftMethod; statistic: number; threshold: number; drifted: boolean }>;
  rmse: number | null;
  alerts: MonitoringAlert[];
  createdMs: number;
}

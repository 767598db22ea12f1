// What pushes to and imports from MLflow share as jobs: the tally shown when one ends, and how the job
// reaches into the work (progress, and a cancel checked between calls to the server).
import type { TransferCounts } from '../../shared/mlflow-transfer';

export type { TransferCounts };

export const emptyCounts = (): TransferCounts => ({ experiments: 0, runs: 0, metrics: 0, artifacts: 0, models: 0, versions: 0, skipped: 0, errors: 0 });

export interface TransferHooks {
  progress?: (phase: string, done: number, total: number) => void;
  /** true once the job was cancelled: the work stops before its next call, with its resume points saved */
  cancelled?: () => boolean;
}

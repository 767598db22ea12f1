// A push to or an import from MLflow, as the app sees it: what it asked for and how it ended.

/** The tally of a push or an import (for a dry run: what would go). */
export interface TransferCounts {
  experiments: number;
  runs: number;
  metrics: number;
  artifacts: number;
  models: number;
  versions: number;
  /** already there (sent or imported before), or not transferable (their reason is in `problems`) */
  skipped: number;
  /** runs the other side refused (the reason is in `problems`); the rest went */
  errors: number;
}

export interface MlflowTransferResult {
  direction: 'push' | 'import';
  dryRun: boolean;
  /** stopped by Cancel: what went before it (doing it again goes on from there) */
  cancelled: boolean;
  counts: TransferCounts;
  /** one line per run or version that did not go, with why */
  problems: string[];
}

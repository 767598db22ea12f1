// The one name a predictions file has while it is being written. The cleanup at start (core/jobs/recovery.ts)
// removes exactly these names, and only when the process in the name is gone, so nothing else is ever touched.

/** `<output>.partial-<pid>-<ms>`: the writing process and when its job started. */
export const tempOutputPath = (output: string, pid: number, ms: number): string => `${output}.partial-${pid}-${ms}`;

let claims = 0;
/**
 * `<output>.partial-<pid>-<ms>-c<n>`: a finished output's temp file renamed to the name it claimed after its
 * planned one was taken. Never a name a worker writes to: a job's inputs are planned as X and X (2), and the
 * first, finding X taken, claims X (2) while the worker may be writing the second to X (2)'s planned temp file.
 */
export const claimedTempPath = (output: string, pid: number, ms: number): string => `${tempOutputPath(output, pid, ms)}-c${++claims}`;

const TEMP_OUTPUT = /^(.+\.parquet)\.partial-(\d+)-(\d+)(?:-c\d+)?$/;

/** A predictions temp file's output name, writing process and job start (ms); null for any other name. */
export function tempOutputOf(fileName: string): { output: string; pid: number; ms: number } | null {
  const m = TEMP_OUTPUT.exec(fileName);
  return m ? { output: m[1], pid: Number(m[2]), ms: Number(m[3]) } : null;
}

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

const TEMP_OUTPUT = /^.+\.parquet\.partial-(\d+)-(\d+)(?:-c\d+)?$/;

/** The output a temp file is for and its job's start (ms), or null for any other name. */
export function tempOutputOf(fileName: string): { output: string; ms: number } | null {
  const m = /^(.+\.parquet)\.partial-\d+-(\d+)(?:-c\d+)?$/.exec(fileName);
  return m ? { output: m[1], ms: Number(m[2]) } : null;
}

/** The writer's pid when `fileName` is a predictions temp file, else null. */
export function tempOutputPid(fileName: string): number | null {
  const m = TEMP_OUTPUT.exec(fileName);
  return m ? Number(m[1]) : null;
}

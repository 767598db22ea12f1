// The tags MLflow transfers read and write, named once, and MLflow's lists of {key, value} (a run's tags and
// params, a version's tags, a dataset input's tags in the REST API's JSON) read as plain values.

/** MLflow's nesting: on a child run, its parent's run id (in Meter, the parent's Meter id). */
export const PARENT_TAG = 'mlflow.parentRunId';
/** MLflow's run description; Meter's notes travel as it. */
export const NOTE_TAG = 'mlflow.note.content';
/** On a Meter run an import made: the MLflow run it was made of. */
export const IMPORTED_RUN_TAG = 'mlflow.imported_run_id';
/** On a server's run a push made: the Meter run it was made of. */
export const PUSHED_RUN_TAG = 'meter.run_id';
/** On a Meter version an import made: the server's version number it was made of. */
export const IMPORTED_VERSION_TAG = 'mlflow.imported_version';
/** On a server's version a push made: the number of the Meter version it was made of. */
export const PUSHED_VERSION_TAG = 'meter.version';

/** A list of MLflow's {key, value} pairs as key → value (a missing value is ''); anything else is empty. */
export function tagValues(list: unknown): Record<string, string> {
  if (!Array.isArray(list)) return {};
  return Object.fromEntries((list as { key?: unknown; value?: unknown }[]).map((t) => [String(t.key), String(t.value ?? '')]));
}

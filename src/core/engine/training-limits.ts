// How many kept trips (1–60 minutes, trip_distance kept) training needs, checked where the counts are known:
// the API before the run is created (from each dataset's import report), and the engine after loading, so a
// file that changed since its import still fails the job with the same sentence. No polars here, so the
// API can import it cheaply.
import { MeterError } from '../../shared/errors';

/**
 * Below 30 trips a fit is meaningless: the one-hot design has one column per zone seen (hundreds on a real
 * month), so a handful of trips is fitted exactly and the run reports a train RMSE of 0, which looks like a
 * perfect model. 30 is the usual smallest sample for a mean and its spread to mean anything.
 */
export const MIN_TRAIN_TRIPS = 30;
/** A validation or test set needs one trip for its RMSE to exist at all. */
export const MIN_EVAL_TRIPS = 1;

export interface RoleTrips { role: 'train' | 'val' | 'test'; fileName: string; trips: number }

/** Throws INVALID_ARGUMENT naming the file, its role, how many trips it has and how many are needed. */
export function checkTripCounts(counts: readonly RoleTrips[]): void {
  for (const { role, fileName, trips } of counts) {
    const need = role === 'train' ? MIN_TRAIN_TRIPS : MIN_EVAL_TRIPS;
    if (trips >= need) continue;
    const why = role === 'train'
      ? 'fewer trips than that are fitted exactly (a train RMSE of 0) and say nothing about new trips'
      : 'its RMSE needs at least one trip';
    throw new MeterError('INVALID_ARGUMENT',
      `The ${role} file ${fileName} has ${trips} trip${trips === 1 ? '' : 's'} lasting 1 to 60 minutes; ` +
      `training needs at least ${need} in the ${role} set, because ${why}. Choose a larger file.`,
      { file: fileName, role, trips, minimum: need });
  }
}

/** Refuses a role whose files are of different kinds, naming one file of each. */
export function checkOneKind(role: string, files: readonly { fileName: string; kind: string }[]): void {
  const kindOf = (f: { kind: string }): string => f.kind;
  const first = files[0];
  const other = files.find((f) => kindOf(f) !== kindOf(first));
  if (!other) return;
  throw new MeterError('SCHEMA_MISMATCH',
    `The ${role} files mix kinds: ${first.fileName} is ${kindOf(first)} but ${other.fileName} is ${kindOf(other)}. ` +
    `Trips of different kinds are not one data set; choose files of one kind (green, yellow or fhv) for the ${role} set.`,
    { role, file: other.fileName, kind: kindOf(other), expected: kindOf(first) });
}

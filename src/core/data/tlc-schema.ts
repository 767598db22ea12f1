// Which TLC family a file is, told from its columns. The names differ per family (green lpep_*, yellow
// tpep_*, fhv pickup_datetime/dropOff_datetime with lower-case "location"), so each family maps its own
// names onto the roles the engine needs.
import { MeterError } from '../../shared/errors';
import type { TlcKind } from '../../shared/domain';

export interface TlcColumns {
  kind: TlcKind;
  pickup: string;
  dropoff: string;
  pu: string;
  do: string;
  distance: string | null;
}

const FAMILIES: TlcColumns[] = [
  { kind: 'green', pickup: 'lpep_pickup_datetime', dropoff: 'lpep_dropoff_datetime', pu: 'PULocationID', do: 'DOLocationID', distance: 'trip_distance' },
  { kind: 'yellow', pickup: 'tpep_pickup_datetime', dropoff: 'tpep_dropoff_datetime', pu: 'PULocationID', do: 'DOLocationID', distance: 'trip_distance' },
  { kind: 'fhv', pickup: 'pickup_datetime', dropoff: 'dropOff_datetime', pu: 'PUlocationID', do: 'DOlocationID', distance: null },
];

function required(f: TlcColumns): string[] {
  return [f.pickup, f.dropoff, f.pu, f.do, ...(f.distance ? [f.distance] : [])];
}

/**
 * Picks the family whose pickup column is present, then insists on the rest of its columns, naming the
 * missing ones. A file with none of the families' pickup columns is described by what it lacks.
 */
export function detectFamily(fileName: string, columns: readonly string[]): TlcColumns {
  const have = new Set(columns);
  const family = FAMILIES.find((f) => have.has(f.pickup) || have.has(f.dropoff));
  if (!family) {
    if (have.has('hvfhs_license_num')) {
      throw new MeterError('SCHEMA_MISMATCH',
        `${fileName} is a high-volume FHV (fhvhv) file; Meter reads green, yellow and fhv trip files.`);
    }
    const shown = columns.slice(0, 8).join(', ') + (columns.length > 8 ? ', …' : '');
    throw new MeterError('SCHEMA_MISMATCH',
      `${fileName} is not a TLC trip file: it has no pickup/dropoff time columns ` +
      `(expected lpep_pickup_datetime for green, tpep_pickup_datetime for yellow, or pickup_datetime for fhv). ` +
      `Its columns: ${shown || 'none'}.`,
      { file: fileName });
  }
  const missing = required(family).filter((c) => !have.has(c));
  if (missing.length > 0) {
    throw new MeterError('SCHEMA_MISMATCH',
      `${fileName} looks like a ${family.kind} trip file but has no column ${missing.join(', ')}; ` +
      `expected ${required(family).join(', ')}.`,
      { file: fileName, kind: family.kind, missing: missing.join(',') });
  }
  return family;
}

/**
 * Scoring also takes files without labels (no dropoff time: trips still to predict). The family is then told
 * by the pickup column alone; `labelled` says whether durations, and so errors, can be computed.
 */
export function detectScoringFamily(fileName: string, columns: readonly string[]): { family: TlcColumns; labelled: boolean } {
  const have = new Set(columns);
  const unlabelled = FAMILIES.find((f) => have.has(f.pickup) && !have.has(f.dropoff));
  if (!unlabelled) return { family: detectFamily(fileName, columns), labelled: true };
  const missing = required(unlabelled).filter((c) => c !== unlabelled.dropoff && !have.has(c));
  if (missing.length > 0) {
    throw new MeterError('SCHEMA_MISMATCH', `${fileName} looks like a ${unlabelled.kind} trip file but has no column ${missing.join(', ')}.`, { file: fileName });
  }
  return { family: unlabelled, labelled: false };
}

const INTEGER_TYPES = ['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64'];
const FLOAT_TYPES = ['Float32', 'Float64'];

/** Polars prints dtypes as "Datetime(us,)" or "Int64"; we compare on the leading name. */
export function dtypeName(dtype: string): string {
  const m = /^(?:DataType\()?([A-Za-z0-9]+)/.exec(dtype);
  return m ? m[1] : dtype;
}

/** Checks the role columns' types, so bad data fails here with a sentence, not deep in a cast. */
export function checkTypes(fileName: string, family: TlcColumns, dtypes: Record<string, string>, labelled = true): void {
  const problems: string[] = [];
  for (const col of labelled ? [family.pickup, family.dropoff] : [family.pickup]) {
    const t = dtypeName(dtypes[col]);
    if (t !== 'Datetime') problems.push(`${col} is ${t}, expected a timestamp`);
  }
  for (const col of [family.pu, family.do]) {
    const t = dtypeName(dtypes[col]);
    // fhv files store location ids as floats because of missing values; both are fine.
    if (!INTEGER_TYPES.includes(t) && !FLOAT_TYPES.includes(t) && t !== 'Null') {
      problems.push(`${col} is ${t}, expected an integer location id`);
    }
  }
  if (family.distance) {
    const t = dtypeName(dtypes[family.distance]);
    if (!INTEGER_TYPES.includes(t) && !FLOAT_TYPES.includes(t)) problems.push(`${family.distance} is ${t}, expected a number`);
  }
  if (problems.length > 0) {
    throw new MeterError('SCHEMA_MISMATCH', `${fileName} has columns of the wrong type: ${problems.join('; ')}.`,
      { file: fileName, kind: family.kind });
  }
}

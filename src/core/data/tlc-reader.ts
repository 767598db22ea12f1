// Reads NYC TLC trip parquet with nodejs-polars: a schema report for import, and the filtered trip columns
// for training. Runs inside workers (parquet decoding is the heavy part), never touches the store.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import pl from 'nodejs-polars';
import { MeterError } from '../../shared/errors';
import type { ColumnInfo, SchemaReport } from '../../shared/domain';
import { checkTypes, detectFamily, type TlcColumns } from './tlc-schema';

export const MIN_MINUTES = 1;
export const MAX_MINUTES = 60;

/**
 * Rows whose trip_distance is infinite, negative or above this many miles are dropped (and counted) by import,
 * training and scoring alike. Missing values (null, NaN) are not dropped: they stay "missing" and are filled
 * with the model's numericFill (0), as before. Why 1,000,000 and not something "plausible" like 100 miles: real
 * TLC months carry meter glitches of up to ~180,000 miles inside 1–60 minute trips (green 2023-02), the
 * course keeps them, and Meter's RMSEs are checked for parity with scikit-learn on exactly those rows
 * (parity.test.ts). The cap only removes values no meter can produce (Inf, 1e300, a sentinel, an overflowed
 * integer): those make the normal equations overflow and the fit NaN. Squared, 1e6 stays far inside a double
 * even summed over billions of rows.
 */
export const MAX_TRIP_DISTANCE = 1_000_000;
const DISTANCE_RULE = `trip_distance that is infinite, negative or above ${MAX_TRIP_DISTANCE.toLocaleString('en-US')} miles`;

/**
 * Location ids Meter reads: whole numbers 0 … 1,048,574 (TLC zone ids are 1–265). The bound is what the
 * PU_DO pair key packs exactly (engine/features.ts); anything beyond is not a zone id.
 */
export const MAX_LOCATION_ID = (1 << 20) - 2;

/** Refuses what is plainly not parquet before polars sees it, so the message can say what the file is. */
export function checkParquetFile(path: string): void {
  const name = basename(path);
  let size: number;
  // One descriptor for stat and reads, so the file can't vanish between them (deleted or moved mid-import).
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw fsError(err, path);
  }
  const head = Buffer.alloc(4);
  const tail = Buffer.alloc(4);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new MeterError('FILE_UNREADABLE', `${path} is a folder, not a parquet file.`, { file: name });
    size = st.size;
    if (size === 0) throw new MeterError('FILE_UNREADABLE', `${name} is empty (0 bytes); expected a parquet file.`, { file: name });
    readSync(fd, head, 0, 4, 0);
    if (size >= 8) readSync(fd, tail, 0, 4, size - 4);
  } catch (err) {
    throw err instanceof MeterError ? err : fsError(err, path);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== 'PAR1') {
    const text = /^[\x09\x0a\x0d\x20-\x7e]{4}$/.test(head.toString('latin1'));
    throw new MeterError('FILE_UNREADABLE',
      `${name} is not a parquet file${text ? ' (it looks like text, e.g. a CSV renamed to .parquet)' : ''}; ` +
      'export the data as parquet or download the TLC parquet file.', { file: name });
  }
  if (size < 12 || tail.toString('latin1') !== 'PAR1') {
    throw new MeterError('FILE_UNREADABLE',
      `${name} is truncated or corrupt: a parquet file ends with a footer, and this one has none (${size} bytes). ` +
      'Copy or download the file again.', { file: name });
  }
}

/** A file-system error on a data file, as a sentence naming the file. A missing file is NOT_FOUND. */
export function fsError(err: unknown, path: string): MeterError {
  const name = basename(path);
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new MeterError('NOT_FOUND', `${path} does not exist.`, { file: name });
  if (code === 'EISDIR') return new MeterError('FILE_UNREADABLE', `${path} is a folder, not a parquet file.`, { file: name });
  const why = code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  return new MeterError('FILE_UNREADABLE', `${path} ${why}.`, { file: name });
}

/** Reads the whole file, or (lazily, decoding only those) the named columns; polars errors get the file's name. */
export function readFrame(path: string, columns?: string[], slice?: { offset: number; length: number }): pl.DataFrame {
  try {
    const lazy = pl.scanParquet(path);
    const picked = columns ? lazy.select(...columns) : lazy;
    return (slice ? picked.slice(slice.offset, slice.length) : picked).collectSync();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MeterError('FILE_UNREADABLE', `${basename(path)} could not be read as parquet: ${reason}`, { file: basename(path) });
  }
}

/** Column names and types from the footer, without decoding any data page. */
export function readSchema(path: string): Record<string, string> {
  const empty = (() => {
    try {
      return pl.scanParquet(path).head(0).collectSync();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new MeterError('FILE_UNREADABLE', `${basename(path)} could not be read as parquet: ${reason}`, { file: basename(path) });
    }
  })();
  return dtypesOf(empty);
}

export interface OpenedTlc {
  fileName: string;
  family: TlcColumns;
  df: pl.DataFrame;
}

/** A column type nodejs-polars can decode but not name in JS (e.g. Float16): never a valid role column. */
export const UNSUPPORTED_DTYPE = 'Unsupported';

/**
 * Column types by name. Read one column at a time: `df.schema` throws ("not yet implemented") for the whole
 * frame when one column has a type the JS binding can't describe, such as a Float16 a writer (or a flipped
 * bit in the footer) produced. That column is reported as unsupported instead.
 */
function dtypesOf(df: pl.DataFrame): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of df.columns) {
    try {
      out[name] = String(df.getColumn(name).dtype);
    } catch {
      out[name] = UNSUPPORTED_DTYPE;
    }
  }
  return out;
}

/** Opens, detects the family and checks types. With `rolesOnly` just the role columns are decoded. */
export function openTlc(path: string, rolesOnly = false): OpenedTlc {
  checkParquetFile(path);
  const fileName = basename(path);
  const dtypes = readSchema(path);
  const family = detectFamily(fileName, Object.keys(dtypes));
  checkTypes(fileName, family, dtypes);
  const df = readFrame(path, rolesOnly ? roleColumns(family) : undefined);
  checkLocationIds(fileName, df, family);
  return { fileName, family, df };
}

/** The columns training reads. */
export const roleColumns = (f: TlcColumns): string[] => [f.pickup, f.dropoff, f.pu, f.do, ...(f.distance ? [f.distance] : [])];

/** A present, non-NaN id that is not a whole number in 0 … MAX_LOCATION_ID. */
function badId(col: string): pl.Expr {
  const x = pl.col(col).cast(pl.Float64);
  return x.isNotNull().and(x.isNan().not()).and(x.gtEq(0).and(x.ltEq(MAX_LOCATION_ID)).and(x.floor().eq(x)).not());
}

/**
 * Refuses a file whose location ids are not zone ids (above MAX_LOCATION_ID, negative, fractional, infinite),
 * naming the column and the range of values it holds. Refused rather than dropped or read as a category: an id
 * like 3,000,000,000 means the column holds something else (another id scheme, a join key, a corrupted
 * column), so every feature built from it would be wrong; real TLC files never have one. (Distance outliers,
 * by contrast, are a known quirk of real meters and are dropped row by row.) Missing ids (null, NaN) are fine:
 * they are the "nan" category.
 */
export function checkLocationIds(fileName: string, df: pl.DataFrame, family: TlcColumns): void {
  // Both columns' bad ids counted in one pass; the range is read only for a column to refuse (a year of rides
  // is checked slice by slice: this runs on every million rows).
  const cols = [family.pu, family.do];
  const counts = df.select(...cols.map((col, k) => badId(col).sum().cast(pl.Float64).alias(`bad${k}`)));
  if (cols.every((_, k) => num(counts, `bad${k}`) === 0)) return;
  for (const col of cols) {
    const x = pl.col(col).cast(pl.Float64);
    const stats = df.select(
      badId(col).sum().cast(pl.Float64).alias('bad'),
      x.filter(x.isNan().not()).min().alias('min'),
      x.filter(x.isNan().not()).max().alias('max'),
    );
    const bad = num(stats, 'bad');
    if (bad === 0) continue;
    const show = (v: number): string => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));
    throw new MeterError('SCHEMA_MISMATCH',
      `${fileName}: ${col} holds values from ${show(num(stats, 'min'))} to ${show(num(stats, 'max'))} (${bad} of them ` +
      `not whole numbers from 0 to ${MAX_LOCATION_ID}); it should hold TLC taxi zone ids (1–265). ` +
      'Check that this column holds zone ids, or fix those rows.',
      { file: fileName, column: col, min: num(stats, 'min'), max: num(stats, 'max'), badRows: bad });
  }
}

export const asMicros = (col: string): pl.Expr => pl.col(col).cast(pl.Datetime('us')).cast(pl.Int64);

/** Trip duration in minutes; null when either time is missing. */
function durationMinutes(f: TlcColumns): pl.Expr {
  return asMicros(f.dropoff).sub(asMicros(f.pickup)).cast(pl.Float64).div(60e6);
}

function num(df: pl.DataFrame, col: string): number {
  const v = df.getColumn(col).cast(pl.Float64).get(0) as unknown;
  return v === null || v === undefined ? 0 : Number(v);
}

/** trip_distance as the models read it: missing (null or NaN) is 0, the model's numericFill. */
export const tripDistance = (col: string): pl.Expr => pl.col(col).cast(pl.Float64).fillNan(0).fillNull(0);

/** True when a row's trip_distance is kept: missing, or a finite value in 0 … MAX_TRIP_DISTANCE miles. */
export function distanceKept(col: string): pl.Expr {
  const x = pl.col(col).cast(pl.Float64);
  // polars orders NaN above everything, so it is tested on its own; null compares as null, so is tested first.
  return x.isNull().or(x.isNan()).or(x.gtEq(0).and(x.ltEq(MAX_TRIP_DISTANCE)));
}

/** The same rule on one value already read by tripDistance (for code that masks rows in JS, like scoring). */
export const isKeptDistance = (v: number): boolean => v >= 0 && v <= MAX_TRIP_DISTANCE;

export function inspectTlc(path: string): SchemaReport {
  const { fileName, family, df } = openTlc(path);
  const rows = df.height;
  if (rows === 0) throw new MeterError('INVALID_ARGUMENT', `${fileName} has no rows.`, { file: fileName });
  const nulls = df.nullCount();
  const dtypes = dtypesOf(df);
  const columns: ColumnInfo[] = df.columns.map((name) => ({
    name,
    dtype: dtypes[name].replace(/^DataType\((.*)\)$/, '$1'),
    nullCount: num(nulls, name),
  }));
  const d = pl.col('d');
  const inRange = d.gtEq(MIN_MINUTES).and(d.ltEq(MAX_MINUTES));
  // The reasons are exclusive, in this order: no time, too short/long, then (among 1–60 minute trips) distance.
  const distOk = family.distance ? distanceKept(family.distance) : pl.lit(true);
  const stats = df.select(durationMinutes(family).alias('d'), asMicros(family.pickup).alias('p'), distOk.alias('dok')).select(
    d.isNull().sum().alias('missing'),
    d.lt(MIN_MINUTES).sum().alias('short'),
    d.gt(MAX_MINUTES).sum().alias('long'),
    inRange.and(pl.col('dok').not()).sum().alias('baddist'),
    d.filter(inRange.and(pl.col('dok'))).mean().alias('mean'),
    // Float64, because nodejs-polars 0.24 reads single Int64 values back truncated to 32 bits.
    pl.col('p').min().cast(pl.Float64).alias('pmin'),
    pl.col('p').max().cast(pl.Float64).alias('pmax'),
  );
  const missingTime = num(stats, 'missing');
  const tooShort = num(stats, 'short');
  const tooLong = num(stats, 'long');
  const badDistance = num(stats, 'baddist');
  const kept = rows - missingTime - tooShort - tooLong - badDistance;
  if (kept === 0) {
    throw new MeterError('INVALID_ARGUMENT',
      `${fileName} has no trip lasting 1 to 60 minutes (${rows} rows: ${tooShort} shorter, ${tooLong} longer, ` +
      `${missingTime} without times${badDistance ? `, ${badDistance} with a ${DISTANCE_RULE}` : ''}); ` +
      'there is nothing to train or score on.', { file: fileName });
  }
  const pmin = stats.getColumn('pmin').get(0) as unknown;
  const pmax = stats.getColumn('pmax').get(0) as unknown;
  return {
    kind: family.kind,
    rows,
    columns,
    pickupMin: isoTime(pmin),
    pickupMax: isoTime(pmax),
    pickupMonth: modalMonth(df, family),
    filter: { kept, dropped: rows - kept, tooShort, tooLong, missingTime, badDistance, meanKeptMinutes: num(stats, 'mean') },
  };
}

/**
 * Epoch microseconds as ISO-8601, or null when there is none or it lies beyond what a JS Date holds
 * (±275,760 years): a corrupt timestamp must not turn the whole report into "Invalid time value".
 */
function isoTime(micros: unknown): string | null {
  if (micros == null) return null;
  const ms = Number(micros) / 1000;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
}

/** TLC months carry a few stray out-of-month pickups; the month most trips fall in names the file. */
function modalMonth(df: pl.DataFrame, f: TlcColumns): string | null {
  // A corrupt page can decode to times polars can't format ("invalid or out-of-range datetime"); only
  // pickups within ±2^62 µs (±146,000 years) are formatted, which every real one is.
  const p = asMicros(f.pickup);
  const months = df.filter(p.gtEq(-(2 ** 62)).and(p.ltEq(2 ** 62)))
    .select(pl.col(f.pickup).dt.strftime('%Y-%m').alias('m')).getColumn('m').dropNulls();
  if (months.length === 0) return null;
  const counts = new Map<string, number>();
  for (const m of months.toArray() as string[]) counts.set(m, (counts.get(m) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = -1;
  for (const [m, c] of counts) if (c > bestCount) { best = m; bestCount = c; }
  return best;
}

/** The columns training and scoring need, after the 1–60 minute filter. Missing ids become -1 ("nan"). */
export interface TripColumns {
  kind: TlcColumns['kind'];
  fileName: string;
  n: number;
  duration: Float64Array;
  pu: Int32Array;
  do: Int32Array;
  /** null for fhv, which has no trip_distance */
  distance: Float64Array | null;
}

/**
 * A location id as the engine reads it: missing (null, NaN) is -1, the "nan" category. So is anything that is
 * not a whole number in 0 … MAX_LOCATION_ID: import and training refuse such files (checkLocationIds), and
 * scoring reads them as a missing id rather than failing on a value Int32 can't hold.
 */
export function locationId(col: string): pl.Expr {
  const x = pl.col(col).cast(pl.Float64);
  return pl.when(x.isNan().not().and(x.gtEq(0)).and(x.ltEq(MAX_LOCATION_ID)).and(x.floor().eq(x)))
    .then(x).otherwise(pl.lit(-1)).cast(pl.Int32);
}

export function loadTrips(path: string): TripColumns {
  const { fileName, family, df } = openTlc(path, true);
  if (df.height === 0) throw new MeterError('INVALID_ARGUMENT', `${fileName} has no rows.`, { file: fileName });
  const kept = keptTrips(df, family, fileName);
  if (kept.n === 0) throw noTripsError(fileName, family, df.height);
  return kept;
}

/** The sentence for a file (or all of a file's chunks) without one trip to learn from. */
export function noTripsError(fileName: string, family: TlcColumns, rows: number): MeterError {
  return new MeterError('INVALID_ARGUMENT',
    `${fileName} has no trip lasting 1 to 60 minutes${family.distance ? ` without a ${DISTANCE_RULE}` : ''} ` +
    `among its ${rows} rows; there is nothing to train on.`, { file: fileName });
}

/** The role columns of `df` (a whole file or a slice of one) after the import report's filter; n may be 0. */
export function keptTrips(df: pl.DataFrame, family: TlcColumns, fileName: string): TripColumns {
  const exprs = [durationMinutes(family).alias('duration'), locationId(family.pu).alias('pu'), locationId(family.do).alias('do')];
  if (family.distance) exprs.push(tripDistance(family.distance).alias('distance'), distanceKept(family.distance).alias('dok'));
  const d = pl.col('duration');
  // The import report's rule (inspectTlc): 1–60 minutes, and a kept trip_distance.
  const inRange = d.gtEq(MIN_MINUTES).and(d.ltEq(MAX_MINUTES));
  const kept = df.select(...exprs).filter(family.distance ? inRange.and(pl.col('dok')) : inRange);
  return {
    kind: family.kind,
    fileName,
    n: kept.height,
    duration: Float64Array.from(kept.getColumn('duration').toTypedArray() as Float64Array),
    pu: Int32Array.from(kept.getColumn('pu').toTypedArray() as Int32Array),
    do: Int32Array.from(kept.getColumn('do').toTypedArray() as Int32Array),
    distance: family.distance ? Float64Array.from(kept.getColumn('distance').toTypedArray() as Float64Array) : null,
  };
}

// Reads NYC TLC trip parquet with nodejs-polars: a schema report for import, and the filtered trip columns
// for training. Runs inside workers (parquet decoding is the heavy part), never touches the store.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import pl from 'nodejs-polars';
import { MeterError } from '../../shared/errors';
import type { ColumnInfo, SchemaReport } from '../../shared/domain';
import { checkTypes, detectFamily, type TlcColumns } from './tlc-schema';

export const MIN_MINUTES = 1;
export const MAX_MINUTES = 60;

/** Refuses what is plainly not parquet before polars sees it, so the message can say what the file is. */
export function checkParquetFile(path: string): void {
  const name = basename(path);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new MeterError('FILE_UNREADABLE', `${path} is a folder, not a parquet file.`, { file: name });
    size = st.size;
  } catch (err) {
    if (err instanceof MeterError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? String(err)})`;
    throw new MeterError(code === 'ENOENT' ? 'NOT_FOUND' : 'FILE_UNREADABLE', `${path} ${why}.`, { file: name });
  }
  if (size === 0) throw new MeterError('FILE_UNREADABLE', `${name} is empty (0 bytes); expected a parquet file.`, { file: name });
  const head = Buffer.alloc(4);
  const tail = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
    if (size >= 8) readSync(fd, tail, 0, 4, size - 4);
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

/** Reads the whole file, or (lazily, decoding only those) the named columns; polars errors get the file's name. */
function readFrame(path: string, columns?: string[]): pl.DataFrame {
  try {
    const lazy = pl.scanParquet(path);
    return columns ? lazy.select(...columns).collectSync() : lazy.collectSync();
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

function dtypesOf(df: pl.DataFrame): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, dtype] of Object.entries(df.schema)) out[name] = String(dtype);
  return out;
}

/** Opens, detects the family and checks types. With `rolesOnly` just the role columns are decoded. */
export function openTlc(path: string, rolesOnly = false): OpenedTlc {
  checkParquetFile(path);
  const fileName = basename(path);
  const dtypes = readSchema(path);
  const family = detectFamily(fileName, Object.keys(dtypes));
  checkTypes(fileName, family, dtypes);
  const roles = [family.pickup, family.dropoff, family.pu, family.do, ...(family.distance ? [family.distance] : [])];
  return { fileName, family, df: readFrame(path, rolesOnly ? roles : undefined) };
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

export function inspectTlc(path: string): SchemaReport {
  const { fileName, family, df } = openTlc(path);
  const rows = df.height;
  if (rows === 0) throw new MeterError('INVALID_ARGUMENT', `${fileName} has no rows.`, { file: fileName });
  const nulls = df.nullCount();
  const columns: ColumnInfo[] = df.columns.map((name) => ({
    name,
    dtype: String(df.schema[name]).replace(/^DataType\((.*)\)$/, '$1'),
    nullCount: num(nulls, name),
  }));
  const d = pl.col('d');
  const stats = df.select(durationMinutes(family).alias('d'), asMicros(family.pickup).alias('p')).select(
    d.isNull().sum().alias('missing'),
    d.lt(MIN_MINUTES).sum().alias('short'),
    d.gt(MAX_MINUTES).sum().alias('long'),
    d.filter(d.gtEq(MIN_MINUTES).and(d.ltEq(MAX_MINUTES))).mean().alias('mean'),
    // Float64, because nodejs-polars 0.24 reads single Int64 values back truncated to 32 bits.
    pl.col('p').min().cast(pl.Float64).alias('pmin'),
    pl.col('p').max().cast(pl.Float64).alias('pmax'),
  );
  const missingTime = num(stats, 'missing');
  const tooShort = num(stats, 'short');
  const tooLong = num(stats, 'long');
  const kept = rows - missingTime - tooShort - tooLong;
  if (kept === 0) {
    throw new MeterError('INVALID_ARGUMENT',
      `${fileName} has no trip lasting 1 to 60 minutes (${rows} rows: ${tooShort} shorter, ${tooLong} longer, ` +
      `${missingTime} without times); there is nothing to train or score on.`, { file: fileName });
  }
  const pmin = stats.getColumn('pmin').get(0) as unknown;
  const pmax = stats.getColumn('pmax').get(0) as unknown;
  return {
    kind: family.kind,
    rows,
    columns,
    pickupMin: pmin == null ? null : new Date(Number(pmin) / 1000).toISOString(),
    pickupMax: pmax == null ? null : new Date(Number(pmax) / 1000).toISOString(),
    pickupMonth: modalMonth(df, family),
    filter: { kept, dropped: rows - kept, tooShort, tooLong, missingTime, meanKeptMinutes: num(stats, 'mean') },
  };
}

/** TLC months carry a few stray out-of-month pickups; the month most trips fall in names the file. */
function modalMonth(df: pl.DataFrame, f: TlcColumns): string | null {
  const months = df.select(pl.col(f.pickup).dt.strftime('%Y-%m').alias('m')).getColumn('m').dropNulls();
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

export const locationId = (col: string): pl.Expr =>
  pl.col(col).cast(pl.Float64).fillNan(-1).fillNull(-1).cast(pl.Int32);

export function loadTrips(path: string): TripColumns {
  const { fileName, family, df } = openTlc(path, true);
  if (df.height === 0) throw new MeterError('INVALID_ARGUMENT', `${fileName} has no rows.`, { file: fileName });
  const exprs = [durationMinutes(family).alias('duration'), locationId(family.pu).alias('pu'), locationId(family.do).alias('do')];
  if (family.distance) exprs.push(pl.col(family.distance).cast(pl.Float64).fillNan(0).fillNull(0).alias('distance'));
  const d = pl.col('duration');
  const kept = df.select(...exprs).filter(d.gtEq(MIN_MINUTES).and(d.ltEq(MAX_MINUTES)));
  if (kept.height === 0) {
    throw new MeterError('INVALID_ARGUMENT',
      `${fileName} has no trip lasting 1 to 60 minutes among its ${df.height} rows; there is nothing to train on.`, { file: fileName });
  }
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

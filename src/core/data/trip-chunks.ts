// Trip files read a slice at a time, so a year of rides never sits in memory as one frame: training streams
// each file's kept trips (the import report's filter) chunk by chunk into whatever it accumulates. The schema
// is checked from every footer before any data is decoded, so a bad file among many fails the job at once.
import { basename } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pl from 'nodejs-polars';
import { MeterError } from '../../shared/errors';
import { checkLocationIds, checkParquetFile, keptTrips, noTripsError, readFrame, readSchema, roleColumns, type TripColumns } from './tlc-reader';
import { checkTypes, detectFamily, type TlcColumns } from './tlc-schema';

/**
 * Rows decoded at once. A million rows of the five role columns is ~40 MB in polars plus ~24 MB of typed
 * arrays; polars reads a slice by its row groups, so slicing costs about what one whole read does.
 */
export const CHUNK_ROWS = 1_000_000;

export interface TripFile { path: string; fileName: string; family: TlcColumns; rows: number }

/** Checks the footer (family, types) and counts the rows, decoding no data page. */
export function openTripFile(path: string): TripFile {
  checkParquetFile(path);
  const fileName = basename(path);
  const dtypes = readSchema(path);
  const family = detectFamily(fileName, Object.keys(dtypes));
  checkTypes(fileName, family, dtypes);
  let rows: number;
  try {
    // pl.len() alone is answered from the footer; any expression on it (even a cast) decodes every column.
    rows = Number(pl.scanParquet(path).select(pl.len()).collectSync().getColumn('len').get(0));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MeterError('FILE_UNREADABLE', `${fileName} could not be read as parquet: ${reason}`, { file: fileName });
  }
  if (rows === 0) throw new MeterError('INVALID_ARGUMENT', `${fileName} has no rows.`, { file: fileName });
  return { path, fileName, family, rows };
}

/** How many chunks `files` are read in (for progress). */
export const chunkCount = (files: readonly TripFile[], chunkRows = CHUNK_ROWS): number =>
  files.reduce((s, f) => s + Math.ceil(f.rows / chunkRows), 0);

/**
 * The kept trips of one file, a slice at a time. Location ids are checked per slice (the same refusal as a
 * whole-file read); a file where no slice keeps a trip is refused naming the file, after its last slice.
 */
export function* tripChunks(file: TripFile, chunkRows = CHUNK_ROWS): Generator<TripColumns> {
  let kept = 0;
  for (let offset = 0; offset < file.rows; offset += chunkRows) {
    const df = readFrame(file.path, roleColumns(file.family), { offset, length: chunkRows });
    checkLocationIds(file.fileName, df, file.family);
    const trips = keptTrips(df, file.family, file.fileName);
    kept += trips.n;
    if (trips.n > 0) yield trips;
  }
  if (kept === 0) throw noTripsError(file.fileName, file.family, file.rows);
}

/** One TripColumns from several (files of one kind, in order); for the small sets kept whole. */
export function concatTrips(parts: readonly TripColumns[], fileName: string): TripColumns {
  if (parts.length === 1) return parts[0];
  const n = parts.reduce((s, p) => s + p.n, 0);
  const duration = new Float64Array(n);
  const pu = new Int32Array(n);
  const dropoff = new Int32Array(n);
  const distance = parts[0].distance ? new Float64Array(n) : null;
  let at = 0;
  for (const p of parts) {
    duration.set(p.duration, at);
    pu.set(p.pu, at);
    dropoff.set(p.do, at);
    if (distance && p.distance) distance.set(p.distance, at);
    at += p.n;
  }
  return { kind: parts[0].kind, fileName, n, duration, pu, do: dropoff, distance };
}

/**
 * Frees the native memory of the polars frames read so far. A frame's decoded columns live outside the JS heap
 * and are released only when V8 collects its small wrapper object and the finalizer then runs on the event
 * loop: in a synchronous loop over twelve files neither happens, and reading alone grew by ~150 MB per 3.1M-row
 * file (measured). So the readers collect (V8 can't know how much native memory the wrappers hold) and yield
 * after each chunk; with that, reading four such files stays at ~200 MB.
 */
export async function releaseChunkMemory(): Promise<void> {
  collect();
  await new Promise<void>((done) => setImmediate(done));
}

const collect: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    // --expose-gc at run time: gc() is then reachable from a new context (flags are process-wide).
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return () => {};
  }
})();

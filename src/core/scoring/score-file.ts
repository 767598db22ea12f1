// Scores one trip file in chunks of rows, so a 3-million-row month runs in bounded memory. Only the small
// output columns are kept; the predictions parquet is written to a temp file and renamed into place (by a
// scoring job's core side, as it records the file; see scoring-jobs.ts), so a cancel or a failure never leaves
// half a file. Labelled files keep the 1–60 minute trips, as training did,
// so their RMSE equals the training-time validation RMSE; unlabelled files (no dropoff) score every trip.
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import pl from 'nodejs-polars';
import { MeterError, messageOf } from '../../shared/errors';
import type { CancelToken } from '../../shared/cancel';
import type { ProgressFn } from '../../shared/jobs';
import type { ScoredFile, ScoringModelRef } from '../../shared/domain';
import { checkTypes, detectScoringFamily } from '../data/tlc-schema';
import { asMicros, checkParquetFile, isKeptDistance, locationId, MAX_MINUTES, MIN_MINUTES, readSchema, tripDistance, type TripColumns } from '../data/tlc-reader';
import type { Predictor } from '../engine/model-file';
import { ScoreStats } from './accumulators';
import { sha256FileSync } from '../data/file-hash';
import { tempOutputPath } from './temp-names';
import { placeWithoutReplacing } from './output-names';


/** Grows typed arrays as chunks arrive; memory is the output's, not the input's. */
class Column<T extends Float64Array | Int32Array> {
  data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) { this.data = make(1 << 16); }
  push(src: ArrayLike<number>, mask: Uint8Array): void {
    for (let i = 0; i < src.length; i++) {
      if (!mask[i]) continue;
      if (this.length === this.data.length) { const next = this.make(this.data.length * 2); next.set(this.data); this.data = next; }
      this.data[this.length++] = src[i];
    }
  }
  view(): T { return this.data.subarray(0, this.length) as T; }
}

/** Scores `input` into a predictions parquet at `output`: written to a temp file, then put in place (never over
 * an existing file). */
export function scoreFile(predictor: Predictor, model: ScoringModelRef, input: string, output: string, chunkRows: number,
  progress: ProgressFn, cancel: CancelToken): ScoredFile {
  const temp = tempOutputPath(output, process.pid, Date.now());
  const file = scoreToTemp(predictor, model, input, output, temp, chunkRows, progress, cancel);
  let placed: boolean;
  try {
    placed = placeWithoutReplacing(temp, output);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new MeterError('FILE_UNREADABLE', `Cannot write ${output}: ${messageOf(err)}`);
  }
  if (!placed) {
    rmSync(temp, { force: true });
    throw new MeterError('ALREADY_EXISTS', `${output} already exists; Meter does not replace a predictions file.`);
  }
  return file;
}

/** Scores `input` into a complete predictions parquet at `temp`; the result names `output`, where it is to go. */
export function scoreToTemp(predictor: Predictor, model: ScoringModelRef, input: string, output: string, temp: string, chunkRows: number,
  progress: ProgressFn, cancel: CancelToken): ScoredFile {
  const started = Date.now();
  checkParquetFile(input);
  const fileName = basename(input);
  const dtypes = readSchema(input);
  const { family, labelled } = detectScoringFamily(fileName, Object.keys(dtypes));
  checkTypes(fileName, family, dtypes, labelled);
  const sha256 = sha256FileSync(input);
  const total = pl.scanParquet(input).select(pl.len()).collectSync().getColumn('len').get(0) as number;
  const stats = new ScoreStats(labelled);
  const idx = new Column((n) => new Float64Array(n));
  const pu = new Column((n) => new Int32Array(n));
  const dof = new Column((n) => new Int32Array(n));
  const actual = new Column((n) => new Float64Array(n));
  const pred = new Column((n) => new Float64Array(n));
  const months = new Map<string, number>();

  for (let offset = 0; offset < total; offset += chunkRows) {
    if (cancel.cancelled) throw new MeterError('CANCELLED', `Scoring ${fileName} was cancelled.`);
    progress(`score ${fileName}`, offset, total);
    const exprs = [
      locationId(family.pu).alias('pu'), locationId(family.do).alias('do'),
      pl.col(family.pickup).dt.hour().cast(pl.Int32).fillNull(-1).alias('hour'),
      pl.col(family.pickup).dt.strftime('%Y-%m').alias('month'),
      // The import's distance rule, so a file scores exactly the trips its report says are kept.
      family.distance ? tripDistance(family.distance).alias('distance') : pl.lit(0).cast(pl.Float64).alias('distance'),
      labelled ? asMicros(family.dropoff).sub(asMicros(family.pickup)).cast(pl.Float64).div(60e6).fillNull(Number.NaN).alias('duration') : pl.lit(0).cast(pl.Float64).alias('duration'),
    ];
    let df: pl.DataFrame;
    try {
      df = pl.scanParquet(input).slice(offset, chunkRows).select(...exprs).collectSync();
    } catch (err) {
      // A corrupt page can decode to values polars can't convert (times out of range…): the file's fault.
      throw new MeterError('FILE_UNREADABLE', `${fileName} can't be read at rows ${offset}–${offset + chunkRows}: ${messageOf(err)}`);
    }
    const n = df.height;
    const duration = Float64Array.from(df.getColumn('duration').toTypedArray() as Float64Array);
    const distAll = Float64Array.from(df.getColumn('distance').toTypedArray() as Float64Array);
    const monthCol = df.getColumn('month').toArray() as (string | null)[];
    const mask = new Uint8Array(n);
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const ok = (labelled ? duration[i] >= MIN_MINUTES && duration[i] <= MAX_MINUTES : monthCol[i] !== null) && isKeptDistance(distAll[i]);
      mask[i] = ok ? 1 : 0;
      if (ok) kept++;
      const m = monthCol[i];
      if (m) months.set(m, (months.get(m) ?? 0) + 1);
    }
    const sel = (a: Float64Array | Int32Array) => { const out = new (a.constructor as Float64ArrayConstructor)(kept); let j = 0; for (let i = 0; i < n; i++) if (mask[i]) out[j++] = a[i]; return out; };
    const puAll = Int32Array.from(df.getColumn('pu').toTypedArray() as Int32Array);
    const doAll = Int32Array.from(df.getColumn('do').toTypedArray() as Int32Array);
    const hourAll = Int32Array.from(df.getColumn('hour').toTypedArray() as Int32Array);
    const trips: TripColumns = {
      kind: family.kind, fileName, n: kept, duration: sel(duration) as Float64Array,
      pu: Int32Array.from(sel(puAll)), do: Int32Array.from(sel(doAll)),
      distance: family.distance ? (sel(distAll) as Float64Array) : null,
    };
    const p = predictor.predict(trips);
    stats.add(p, labelled ? trips.duration : null, Int32Array.from(sel(hourAll)), kept);
    const ones = new Uint8Array(kept).fill(1);
    idx.push(Float64Array.from({ length: n }, (_, i) => offset + i), mask);
    pu.push(trips.pu, ones);
    dof.push(trips.do, ones);
    actual.push(trips.duration, ones);
    pred.push(p, ones);
  }
  if (cancel.cancelled) throw new MeterError('CANCELLED', `Scoring ${fileName} was cancelled.`);
  progress(`write ${fileName}`, total, total);
  const month = [...months].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const prefix = month ? `${month.replace('-', '/')}_` : 'row_';
  const cols: Record<string, unknown> = { idx: idx.view(), PULocationID: pu.view(), DOLocationID: dof.view() };
  if (labelled) cols.actual_duration = actual.view();
  cols.predicted_duration = pred.view();
  let out = pl.DataFrame(cols).select(
    pl.concatString([pl.lit(prefix), pl.col('idx').cast(pl.Int64).cast(pl.Utf8)], '').alias('ride_id'),
    pl.col('PULocationID'), pl.col('DOLocationID'),
    ...(labelled ? [pl.col('actual_duration')] : []),
    pl.col('predicted_duration'),
    ...(labelled ? [pl.col('predicted_duration').sub(pl.col('actual_duration')).alias('diff')] : []),
  );
  out = out.withColumns(pl.lit(model.name ?? '').alias('model_name'), pl.lit(model.version ?? 0).cast(pl.Int32).alias('model_version'), pl.lit(model.runId).alias('model_run_id'));
  try {
    out.writeParquet(temp);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new MeterError('FILE_UNREADABLE', `Cannot write ${output}: ${messageOf(err)}`);
  }
  return { inputPath: input, fileName, sha256, month, rows: total, scored: pred.length, labelled, kind: family.kind, outputPath: output, metrics: stats.metrics(), charts: stats.charts(), millis: Date.now() - started };
}

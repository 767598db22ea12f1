// A pipeline picks a month's file by its name (green_tripdata_2023-03.parquet); this checks the trips in it
// are that month's, so a file saved under the wrong name can't train, validate or test on the wrong month
// without a word. Only the pickup column is read, lazily and off the event loop (polars' own threads):
// ~50 ms for a 65,000-trip green month here, far less than hashing the file the load step already does.
import { basename } from 'node:path';
import pl from 'nodejs-polars';
import { MeterError } from '../../shared/errors';
import { asMicros, readSchema } from '../data/tlc-reader';
import { detectFamily } from '../data/tlc-schema';

/**
 * The share of pickups a month's file may have outside that month. Real TLC months carry a few stray trips
 * (late reports, meter clocks: 2022-12 and 2009-01 pickups in January's file): at most 0.04% in green
 * 2023-01..03 and in the first 100,000 rows of yellow 2023-01. 1% is 25 times that, so a real month always
 * passes, while a file of another month (~100% outside) or two months in one (~50%) is far above it.
 */
export const MAX_STRAY_SHARE = 0.01;

/** Pickups per month (YYYY-MM, as the file's wall-clock times read), most first; rows without a usable time left out. */
export async function pickupMonths(path: string): Promise<{ month: string; n: number }[]> {
  const fileName = basename(path);
  const { pickup } = detectFamily(fileName, Object.keys(readSchema(path)));
  // As the import's modal month does: only times polars can format (a corrupt page can decode to absurd ones).
  const p = asMicros(pickup);
  try {
    const df = await pl.scanParquet(path).select(pickup).filter(p.gtEq(-(2 ** 62)).and(p.ltEq(2 ** 62)))
      .select(pl.col(pickup).dt.strftime('%Y-%m').alias('month')).groupBy('month').agg(pl.len().alias('n')).collect();
    return (df.toRecords() as { month: string; n: number }[]).map((r) => ({ month: r.month, n: Number(r.n) })).sort((a, b) => b.n - a.n);
  } catch (err) {
    throw new MeterError('FILE_UNREADABLE', `${fileName} could not be read as parquet: ${err instanceof Error ? err.message : String(err)}`, { file: fileName });
  }
}

/** Refuses (SCHEMA_MISMATCH, so the step fails at once) a file whose pickups are not mostly of `month`. */
export async function checkFileMonth(path: string, month: string, role: string): Promise<{ strays: number; total: number }> {
  const fileName = basename(path);
  const months = await pickupMonths(path);
  const total = months.reduce((sum, m) => sum + m.n, 0);
  const strays = total - (months.find((m) => m.month === month)?.n ?? 0);
  if (total > 0 && strays / total > MAX_STRAY_SHARE) {
    const pct = (x: number) => `${((100 * x) / total).toFixed(x === total ? 0 : 1)}%`;
    const held = months.slice(0, 3).map((m) => `${m.month}: ${m.n} (${pct(m.n)})`).join(', ');
    throw new MeterError('SCHEMA_MISMATCH',
      `${fileName} is the ${role} month ${month} by its name, but ${strays} of its ${total} pickups (${pct(strays)}) are in other months `
      + `(${held}${months.length > 3 ? ', …' : ''}); at most ${MAX_STRAY_SHARE * 100}% may be. Is it another month's file under this name?`,
      { file: fileName, month, heldMonth: months[0].month });
  }
  return { strays, total };
}

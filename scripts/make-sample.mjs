// Makes the shipped sample: a seeded random 5,000-trip cut of two consecutive real green months, with all
// columns kept as the TLC wrote them. Run once by a developer; the output is committed in resources/sample.
// Usage: node scripts/make-sample.mjs ../shared/data
import pl from 'nodejs-polars';
import { join } from 'node:path';

const dataDir = process.argv[2] ?? '../shared/data';
for (const month of ['2023-01', '2023-02']) {
  const df = pl.readParquet(join(dataDir, `green_tripdata_${month}.parquet`));
  const cut = df.sample(5000, undefined, false, 42).sort('lpep_pickup_datetime');
  const out = `resources/sample/green_tripdata_${month}.sample.parquet`;
  cut.writeParquet(out, { compression: 'zstd' });
  console.log(`${month}: ${df.height} rows -> ${out}: ${cut.height} rows`);
}

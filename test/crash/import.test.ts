// Crash suite, `meter import`: SIGKILL at random moments while three new files are imported; the next start
// finds an intact store and every dataset recorded before.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE, tempDir } from '../helpers';
import { crashRounds, meterOk, ROUNDS, SEED } from './crash-harness';

describe('crash suite: meter import', () => {
  const home = tempDir('meter-crash-import-');
  const data = tempDir('meter-crash-import-data-');
  afterAll(() => { rmSync(home, { recursive: true, force: true }); rmSync(data, { recursive: true, force: true }); });

  // New bytes each round (the same bytes are one dataset wherever they lie), so each import really records new
  // datasets: the sample months cut to a length no other file of the suite has.
  const files = (round: number): string[] => [SAMPLE.train, SAMPLE.val, SAMPLE.train].map((_, i) => join(data, `r${round}`, `green_tripdata_2023-0${(i % 2) + 1}.${i}.parquet`));
  const prepare = (round: number): void => {
    mkdirSync(join(data, `r${round}`), { recursive: true });
    files(round).forEach((f, i) => pl.readParquet([SAMPLE.train, SAMPLE.val, SAMPLE.train][i]).head(4990 - (round + 2) * 3 - i).writeParquet(f));
  };

  it(`SIGKILLed ${ROUNDS} times at random moments: integrity, no committed dataset lost`, async () => {
    prepare(-1);
    await meterOk(home, ['import', ...files(-1)]);
    prepare(-2);
    const started = Date.now();
    await meterOk(home, ['import', ...files(-2)]); // new files, as each round imports
    const tally = await crashRounds('import', home, (round) => ['import', ...files(round)], { seed: SEED + 2, fullMs: Date.now() - started, prepare });
    expect(tally.kills).toBe(ROUNDS);
  }, 600_000);
});

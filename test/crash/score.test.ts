// Crash suite, `meter score`: each input is recorded as it finishes, so a kill between two inputs keeps the
// finished one, recorded; a kill at random moments leaves an intact store, every earlier record with its
// output, no partial file and no output without a record.
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../src/core/context';
import { SAMPLE, tempDir } from '../helpers';
import { crashRounds, fullRun, homeWithModel, meter, ROUNDS, SEED, startAndCheck } from './crash-harness';

describe('crash suite: meter score', () => {
  const home = tempDir('meter-crash-score-');
  const data = tempDir('meter-crash-score-data-');
  const inputs = ['a', 'b', 'c'].map((n) => join(data, `${n}.parquet`));
  const args = ['score', '--model', 'models:/taxi/1', ...inputs.flatMap((i) => ['--input', i])];
  const output = (input: string) => join(home, 'predictions', input.replace(/^.*\//, '').replace('.parquet', '.taxi-v1.predictions.parquet'));
  const records = async (): Promise<[string, string][]> => {
    const ctx = openCore({ home });
    try {
      return ctx.db.prepare('SELECT input_path, status FROM scoring_runs ORDER BY rowid').raw().all() as [string, string][];
    } finally { await ctx.close(); }
  };
  beforeAll(async () => {
    for (const i of inputs) copyFileSync(SAMPLE.val, i);
    await homeWithModel(home);
  });
  afterAll(() => { rmSync(home, { recursive: true, force: true }); rmSync(data, { recursive: true, force: true }); });

  it('a kill between two inputs keeps the first one scored and recorded, and nothing else', async () => {
    const { after: before } = await startAndCheck(home, null, null);
    const exit = await meter(home, args, { killOn: /score b\.parquet/ });
    expect(exit.signal).toBe('SIGKILL');
    await startAndCheck(home, before, exit);
    expect(await records()).toEqual([[inputs[0], 'FINISHED']]);
    expect(readdirSync(join(home, 'predictions'))).toEqual(['a.taxi-v1.predictions.parquet']);
    rmSync(join(home, 'predictions'), { recursive: true });
    const ctx = openCore({ home });
    ctx.db.prepare('DELETE FROM scoring_runs').run();
    await ctx.close();
  });

  it('a worker that dies on the second input fails the job; the first stays scored and recorded, the others FAILED', async () => {
    const { after: before } = await startAndCheck(home, null, null);
    const exit = await meter(home, args, { env: { METER_FAULT: 'crash:score b.parquet' } });
    expect(exit.code).not.toBe(0);
    expect(exit.stderr).toMatch(/worker stopped unexpectedly/);
    await startAndCheck(home, before, exit);
    expect(await records()).toEqual([[inputs[0], 'FINISHED'], [inputs[1], 'FAILED'], [inputs[2], 'FAILED']]);
    expect(existsSync(output(inputs[0]))).toBe(true);
    expect(existsSync(output(inputs[1]))).toBe(false);
  });

  it(`SIGKILLed ${ROUNDS} times at random moments: integrity, no record lost, no partial file, no unrecorded output`, async () => {
    const full = await fullRun(home, args);
    const tally = await crashRounds('score', home, () => args, { seed: SEED + 3, ...full });
    expect(tally.kills).toBe(ROUNDS);
  }, 600_000);
});

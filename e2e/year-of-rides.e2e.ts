// A year of rides in the app (issue 19): the Train screen's train list takes several months by keyboard, the run
// trains on both and its page lists every input file with the trips used; the choice is remembered.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useMeter } from './fixtures';
import { ROOT } from './harness';

const MARCH = resolve(ROOT, '../shared/data/green_tripdata_2023-03.parquet');

describe.skipIf(!existsSync(MARCH))('several files per role on the Train screen (Chromium)', () => {
  const meter = useMeter({ importSample: true });

  it('chooses two train months with the keyboard, trains, and the run shows the trips used from each file', async () => {
    await meter.api('data.import', { path: MARCH });
    const train = meter.trainScreen;
    await train.open();
    // Datasets are listed newest first: March, February, January. End picks January alone, Shift+↑ adds February.
    await train.page.locator('#f-train').focus();
    await train.page.keyboard.press('End');
    await train.page.keyboard.press('Shift+ArrowUp');
    expect(await train.chosenAll('train')).toEqual([expect.stringContaining('2023-02'), expect.stringContaining('2023-01')]);
    await train.setSummary('train').filter({ hasText: /^2 files · [\d,]+ trips$/ }).waitFor();
    await train.page.locator('#f-val').selectOption({ label: (await train.page.locator('#f-val option', { hasText: 'green_tripdata_2023-03.parquet' }).textContent())! });
    await train.setSummary('val').filter({ hasText: /^1 file · 69,392 trips$/ }).waitFor();
    expect(await train.warnings.count()).toBe(0);
    await train.choose('ridge');
    await train.fill('Run name', 'two-months');
    await train.shotSizes('19-train-two-months');

    await train.train();
    await meter.run.waitFor('two-months');
    const lineage = meter.page.getByRole('table', { name: 'lineage' });
    await lineage.locator('tbody tr').nth(2).waitFor();
    const rows = await lineage.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^traingreen_tripdata_2023-01\.sample\.parquet/);
    expect(rows[1]).toMatch(/^traingreen_tripdata_2023-02\.sample\.parquet/);
    expect(rows[2]).toMatch(/^valgreen_tripdata_2023-03\.parquet.*69,392/);
    await lineage.scrollIntoViewIfNeeded();
    await meter.run.shotSizes('19-run-rows-per-file');

    // The choice is remembered: the Train screen opens with both months again.
    await train.open();
    await train.page.locator('#f-train option:checked').nth(1).waitFor({ state: 'attached' });
    expect(await train.chosenAll('train')).toHaveLength(2);
  });
});

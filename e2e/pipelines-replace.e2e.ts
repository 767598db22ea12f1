// The Pipelines form's Save over a name saved with another spec (pipelines.save refuses it, naming each
// difference): the form shows the differences and asks, Keep leaves the saved pipeline as it was, Replace saves
// the form's spec over it. Run pipeline saves nothing (only Save keeps a pipeline and its schedule), and the form
// says so by its Run button.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useMeter } from './fixtures';
import { SAMPLE_TRAIN, SAMPLE_VAL, shotSizes } from './harness';
import { PipelinesPage } from './pages/pipelines-page';

const data = join(tmpdir(), `meter-e2e-pipe-replace-${process.pid}`);
rmSync(data, { recursive: true, force: true });
mkdirSync(data, { recursive: true });
symlinkSync(SAMPLE_TRAIN, join(data, 'green_tripdata_2023-01.parquet'));
symlinkSync(SAMPLE_VAL, join(data, 'green_tripdata_2023-02.parquet'));

describe('saving a pipeline over one of the same name (Chromium)', () => {
  const meter = useMeter({ viewport: { width: 1024, height: 700 } });
  afterAll(() => rmSync(data, { recursive: true, force: true }));
  const page = () => new PipelinesPage(meter.page, meter.url);
  const saved = async (name: string) => (await meter.api('pipelines.list', {})).find((x) => x.name === name);

  it('shows what differs, keeps the saved pipeline on Keep, and replaces it on Replace', async () => {
    const p = page();
    const save = p.page.getByRole('button', { name: 'Save', exact: true });
    const clash = p.page.getByRole('alertdialog', { name: 'replace saved pipeline green-replace?' });
    await p.open();
    await p.fill('Name', 'green-replace');
    await p.fill('Data folder', data);
    await p.fill('Schedule (cron)', '0 6 2 * *');
    await save.click();
    expect(await p.note.textContent()).toMatch(/^Saved green-replace; next scheduled run /);
    const first = await saved('green-replace');
    expect(first?.spec.model).toBe('linear');
    // its schedule is listed below the form at once (a save sends no event)
    const schedules = p.page.getByRole('table', { name: 'schedules' }).locator('tbody tr');
    await schedules.filter({ hasText: 'green-replace' }).waitFor({ timeout: 5_000 });
    expect(await schedules.first().locator('td').nth(1).textContent()).toBe('0 6 2 * *');

    // Another model under the same name: refused, the one difference listed, focus on the safe choice.
    await p.choose('Model', 'ridge');
    await save.click();
    await clash.waitFor();
    expect(await clash.getByRole('list', { name: 'differences from the saved pipeline' }).locator('li').allTextContents())
      .toEqual(['model: "linear" → "ridge"']);
    expect(await p.note.count()).toBe(0);
    expect(await p.page.getByRole('alert').count()).toBe(0);
    expect(await p.page.evaluate(() => document.activeElement?.textContent)).toBe('Keep the saved one');
    // The dialog holds the keyboard: Tab and Shift+Tab go round its two buttons (Keep is the last).
    const focused = () => p.page.evaluate(() => document.activeElement?.textContent);
    await p.page.keyboard.press('Tab');
    expect(await focused()).toBe('Replace saved pipeline');
    await p.page.keyboard.press('Tab');
    expect(await focused()).toBe('Keep the saved one');
    await p.page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Replace saved pipeline');
    await p.page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Keep the saved one');
    await shotSizes(p.page, '72-pipeline-save-clash');

    // Esc (Keep): nothing saved, focus back on Save.
    await p.page.keyboard.press('Escape');
    await clash.waitFor({ state: 'detached' });
    expect(await p.page.evaluate(() => document.activeElement?.textContent)).toBe('Save');
    expect(await saved('green-replace')).toEqual(first);

    // Editing the form drops a stale list of differences.
    await save.click();
    await clash.waitFor();
    await p.fill('Experiment', 'monthly-ridge');
    expect(await clash.count()).toBe(0);

    // Replace: the saved spec is the form's, the schedule kept.
    await save.click();
    await clash.waitFor();
    expect(await clash.locator('li').allTextContents()).toEqual(['model: "linear" → "ridge"', 'experiment: "monthly" → "monthly-ridge"']);
    await clash.getByRole('button', { name: 'Replace saved pipeline' }).click();
    await p.note.filter({ hasText: /^Saved green-replace \(it replaced the saved pipeline of that name\); next scheduled run / }).waitFor();
    const replaced = await saved('green-replace');
    expect(replaced?.spec.model).toBe('ridge');
    expect(replaced?.spec.experiment).toBe('monthly-ridge');
    expect(replaced?.schedule).toBe('0 6 2 * *');
    expect(await meter.api('pipelines.list', {})).toHaveLength(1);
    await shotSizes(p.page, '73-pipeline-replaced');

    // The same spec again: saved without asking, nothing changed.
    await save.click();
    await p.note.filter({ hasText: /^Saved green-replace; next scheduled run / }).waitFor();
    expect(await saved('green-replace')).toEqual(replaced);
  });

  it('says by the Run button that a run saves nothing, and a run saves nothing', async () => {
    const p = page();
    await p.open();
    const run = p.page.getByRole('button', { name: 'Run pipeline' });
    expect(await run.getAttribute('aria-describedby')).toBe('p-run-hint');
    expect(await p.page.locator('#p-run-hint').textContent()).toBe('Run pipeline runs it once for the month. Save keeps the pipeline and its schedule.');
    await p.fillSampleMonths('green-once', data);
    await p.fill('Schedule (cron)', '0 7 3 * *');
    await p.fill('Month', '2023-02');
    await p.run();
    await p.waitForStatus('done', 120_000);
    expect((await meter.api('pipelines.list', {})).map((x) => x.name)).toEqual(['green-replace']);

    // A page longer than the window (the flow run: timeline, steps, logs): the sidebar's column runs its full
    // height in a full-page shot, light and dark (its background stopped at the window's 700 px).
    for (const colorScheme of ['light', 'dark'] as const) {
      await p.page.setViewportSize({ width: 1024, height: 700 });
      await p.page.emulateMedia({ colorScheme });
      expect(await p.page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(900);
      const at = await fullPagePixels(p.page);
      expect(at.navBottom, colorScheme).toBe(at.navTop);
      expect(at.navBottom, colorScheme).not.toBe(at.mainBottom);
    }
    await shotSizes(p.page, '74-pipeline-flow-long-page');
  }, 240_000);
});

/** Colours in a full-page screenshot: the nav's column near the top and at the very bottom, and the page beside it at the bottom. */
async function fullPagePixels(page: Page): Promise<{ navTop: string; navBottom: string; mainBottom: string }> {
  const png = (await page.screenshot({ fullPage: true })).toString('base64');
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const g = canvas.getContext('2d');
    if (!g) throw new Error('no 2d canvas');
    g.drawImage(img, 0, 0);
    const rgb = (x: number, y: number) => Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3)).join(',');
    return { navTop: rgb(4, 300), navBottom: rgb(4, img.height - 4), mainBottom: rgb(img.width - 4, img.height - 4) };
  }, png);
}

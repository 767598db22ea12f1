// A third newcomer trial's findings, in Chromium at 1024×700 (and screenshots at 1440×900, light and dark):
// the pipeline form's outcome comes into view and an old one goes; errors read without the API's method name
// or a "?."; text fields take the dark theme; confirmations take the keyboard; Roll back is not offered with
// nothing to roll back to; the models list keeps its Updated column; the window's error covers no control; a
// refused drop stays on its screen; every time is on a 24-hour clock.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { PipelineSpec } from '../src/shared/pipeline';
import { MeterError } from '../src/shared/errors';
import { useMeter } from './fixtures';
import { SAMPLE_TRAIN, SAMPLE_VAL, shotSizes } from './harness';
import { PipelinesPage } from './pages/pipelines-page';

const NARROW = { width: 1024, height: 700 };
const dir = join(tmpdir(), `meter-e2e-polish3-${process.pid}`);
const CLOCK_24 = /\d{2}:\d{2}:\d{2}/;

/** whether the element's box is inside the window's visible part */
const inView = (l: Locator): Promise<boolean> => l.evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
});
/** the text of what has the focus */
const focused = (page: Page): Promise<string> => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
/** the message a contract call is refused with */
const refusal = (p: Promise<unknown>): Promise<string> => p.then(() => '', (e: unknown) => (e instanceof MeterError ? e.message : String(e)));

describe('newcomer polish, third trial (Chromium)', () => {
  const meter = useMeter({ importSample: true, viewport: NARROW, colorScheme: 'dark' });

  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'months'), { recursive: true });
    symlinkSync(SAMPLE_TRAIN, join(dir, 'months', 'green_tripdata_2023-01.parquet'));
    symlinkSync(SAMPLE_VAL, join(dir, 'months', 'green_tripdata_2023-02.parquet'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // each test in the small window, dark (a test's screenshots leave the page at 1440×900, light)
  beforeEach(async () => {
    await meter.page.setViewportSize(NARROW);
    await meter.page.emulateMedia({ colorScheme: 'dark' });
  });

  it('brings the pipeline form\'s outcome into view, drops an old one, and shows errors without the method name', async () => {
    const p = new PipelinesPage(meter.page, meter.url);
    await p.open();
    await p.fill('Name', 'green-polish');
    await p.fill('Data folder', join(dir, 'months'));
    await p.page.getByRole('button', { name: 'Save' }).click();
    await p.note.filter({ hasText: /^Saved green-polish/ }).waitFor();
    expect(await inView(p.note)).toBe(true);

    // a name core refuses: the same words as over the API, without "pipelines.save: " in front
    await p.page.evaluate(() => window.scrollTo(0, 0));
    await p.fill('Name', 'green polish');
    const apiMessage = await refusal(meter.api('pipelines.save', { pipeline: { name: 'green polish', data: join(dir, 'months'), kind: 'green', model: 'linear', experiment: 'x', offsets: { train: -2, val: -1 } } }));
    expect(apiMessage).toMatch(/^pipelines\.save: "pipeline": "name" must be letters/);
    await p.page.getByRole('button', { name: 'Save' }).click();
    const error = p.errorNotice('INVALID_ARGUMENT');
    await error.waitFor();
    expect(await error.textContent()).toContain(apiMessage.replace(/^pipelines\.save: /, ''));
    expect(await error.textContent()).not.toContain('pipelines.save');
    // the earlier "Saved …" is gone, and the error is in the 700 px window and has the focus
    expect(await p.note.count()).toBe(0);
    expect(await inView(error)).toBe(true);
    expect(await p.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('pipeline outcome');
    await shotSizes(p.page, '80-pipeline-form-error');

    // a field of the form in the dark theme has the panel's colours, not the browser's light grey
    await p.page.emulateMedia({ colorScheme: 'dark' });
    const colours = await p.page.evaluate(() => {
      const of = (sel: string) => { const s = getComputedStyle(document.querySelector(sel)!); return { bg: s.backgroundColor, fg: s.color }; };
      return { field: of('#p-name'), params: of('#p-params'), card: of('.card'), body: of('body') };
    });
    expect(colours.field.bg).toBe(colours.card.bg);
    expect(colours.params.bg).toBe(colours.card.bg);
    expect(colours.field.fg).toBe(colours.body.fg);
  });

  it('says "did you mean …?" with no full stop after the question mark', async () => {
    await meter.train({ ...meter.onSample, experiment: 'polish3', model: 'ridge', featureSet: 'basic', params: { alpha: 1 } });
    const message = await refusal(meter.api('runs.search', { filter: 'metrics.rmse_vall < 6' }));
    expect(message).toMatch(/did you mean metrics\.rmse_val\?$/);
    const runs = meter.runs;
    await runs.open();
    await runs.search('metrics.rmse_vall < 6');
    await runs.filterError.filter({ hasText: 'did you mean metrics.rmse_val?' }).waitFor();
    expect(await runs.filterError.textContent()).not.toMatch(/\?\./);
  });

  it('offers Roll back only with an earlier version to go back to, and its confirmation takes the keyboard', async () => {
    const { runId } = await meter.train({ ...meter.onSample, experiment: 'polish3', model: 'ridge', featureSet: 'basic', params: { alpha: 2 } });
    await meter.api('models.register', { runId, name: 'taxi-polish' });
    for (const alias of ['champion', 'challenger', 'shadow', 'canary-eu-west']) await meter.api('models.setAlias', { name: 'taxi-polish', alias, version: 1 });
    await meter.api('models.setDescription', { name: 'taxi-polish', description: 'Trip duration of green taxis, retrained monthly on the last two months of trips, promoted when it beats the champion' });

    // the list at 1024 px: four alias badges and a long description, and the Updated column still in the window
    await meter.page.goto(`${meter.url}#/models`);
    const list = meter.models.list;
    await list.waitFor();
    const updated = list.getByRole('columnheader', { name: 'Updated' });
    const box = (await updated.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(NARROW.width);
    expect(await list.evaluate((t) => t.parentElement!.scrollWidth <= t.parentElement!.clientWidth + 1)).toBe(true);
    // its time on the 24-hour clock
    expect(await list.locator('tbody tr td').last().textContent()).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2},? ${CLOCK_24.source}$`));
    await shotSizes(meter.page, '81-models-list-aliases');
    await meter.page.setViewportSize(NARROW);

    // v1 is the first holder: Roll back is there, disabled, with the reason
    const models = meter.models;
    await models.open('taxi-polish');
    const rollback = meter.page.getByRole('button', { name: 'Roll back @champion' });
    expect(await rollback.isDisabled()).toBe(true);
    const champion = meter.page.getByRole('list', { name: 'aliases' }).locator('li', { hasText: '@champion' });
    expect(await champion.getByTestId('disabled-reason').textContent()).toBe('No earlier version to roll back to');
    await shotSizes(meter.page, '81-rollback-disabled', [{ width: 1024, height: 700, colorScheme: 'dark' }, { width: 1440, height: 900, colorScheme: 'light' }]);
    await meter.page.setViewportSize(NARROW);

    // v2 takes @champion: now it can go back, and asking takes the keyboard
    const second = await meter.train({ ...meter.onSample, experiment: 'polish3', model: 'ridge', featureSet: 'basic', params: { alpha: 3 } });
    await meter.api('models.register', { runId: second.runId, name: 'taxi-polish' });
    await meter.api('models.setAlias', { name: 'taxi-polish', alias: 'champion', version: 2 });
    await models.open('taxi-polish');
    await meter.page.reload();
    await models.title.waitFor();
    expect(await rollback.isEnabled()).toBe(true);
    await rollback.focus();
    await meter.page.keyboard.press('Enter');
    const dialog = meter.page.getByRole('alertdialog', { name: 'confirm Roll back @champion' });
    await dialog.waitFor();
    expect(await focused(meter.page)).toBe('Cancel'); // the safe button
    await meter.page.keyboard.press('Tab');
    expect(await focused(meter.page)).toBe('Roll back'); // round to the first, not out to the page
    await meter.page.keyboard.press('Shift+Tab');
    expect(await focused(meter.page)).toBe('Cancel');
    await shotSizes(meter.page, '82-rollback-confirm-focused', [{ width: 1024, height: 700, colorScheme: 'dark' }, { width: 1440, height: 900, colorScheme: 'light' }]);
    await meter.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused(meter.page)).toBe('Roll back @champion'); // back on the opener
    expect((await meter.api('models.get', { name: 'taxi-polish' })).aliases.champion).toBe(2); // nothing rolled back

    // the Push to MLflow dialog: Tab stays in it, Esc closes it, focus goes back to its button
    const push = meter.page.getByRole('button', { name: 'Push to MLflow…' });
    await push.click();
    const pushDialog = meter.page.getByRole('dialog', { name: 'Push to MLflow' });
    await pushDialog.waitFor();
    const inDialog = () => pushDialog.evaluate((d) => d.contains(document.activeElement));
    expect(await inDialog()).toBe(true);
    await meter.page.keyboard.press('Shift+Tab');
    expect(await inDialog()).toBe(true); // from its first field round to its last button, not out to the page
    for (let i = 0; i < 12; i++) await meter.page.keyboard.press('Tab');
    expect(await inDialog()).toBe(true);
    await meter.page.keyboard.press('Escape');
    await pushDialog.waitFor({ state: 'detached' });
    expect(await focused(meter.page)).toBe('Push to MLflow…');

    // a version page's delete: the same, focus back on "Delete version…"
    const version = meter.version;
    await version.open('taxi-polish', 1);
    await version.waitFor('taxi-polish v1');
    await meter.api('models.setAlias', { name: 'taxi-polish', alias: 'challenger', version: 2 });
    for (const alias of ['shadow', 'canary-eu-west']) await meter.api('models.removeAlias', { name: 'taxi-polish', alias });
    await meter.page.reload();
    await version.waitFor('taxi-polish v1');
    await meter.page.getByRole('button', { name: 'Delete version…' }).click();
    expect(await focused(meter.page)).toBe('Keep it');
    await meter.page.keyboard.press('Escape');
    expect(await focused(meter.page)).toBe('Delete version…');
  });

  it('shows the window\'s error once, at the top of the page, over no control', async () => {
    const score = meter.score;
    await score.open();
    await score.model.selectOption('models:/taxi-polish/1');
    await score.dataset(/green_tripdata_2023-02/).check();
    await meter.api('models.deleteVersion', { name: 'taxi-polish', version: 1 }); // gone while the form still offers it
    await score.score(1);
    // Score says it by its form (once: not again at the top); the error stays the window's until dismissed
    await score.errorNotice('NOT_FOUND').filter({ hasText: 'taxi-polish has no version 1' }).waitFor();
    const toast = meter.page.locator('.toast[role=alert]');
    expect(await toast.count()).toBe(0);
    // on the Runs screen (buttons all along its toolbar), it shows at the top
    await meter.page.getByRole('link', { name: 'Runs' }).click();
    await meter.page.getByRole('heading', { name: /^Runs/ }).waitFor();
    await toast.waitFor();
    expect(await inView(toast)).toBe(true);
    const overlaps = await toast.evaluate((t) => {
      const a = t.getBoundingClientRect();
      return Array.from(document.querySelectorAll('button, input, select, textarea, a')).filter((c) => !t.contains(c)).some((c) => {
        const b = c.getBoundingClientRect();
        return b.width > 0 && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      });
    });
    expect(overlaps).toBe(false);
    await shotSizes(meter.page, '83-window-error-top');
    await toast.getByRole('button', { name: 'OK' }).click();
  });

  it('keeps a refused drop on the screen it was dropped on', async () => {
    const bad = join(dir, 'notes.parquet');
    writeFileSync(bad, 'VendorID,lpep_pickup_datetime\n2,2023-01-01 00:00:00\n');
    const data = meter.data;
    await data.open();
    await data.drop([{ path: bad }]);
    const refused = meter.page.getByTestId('import-error').filter({ hasText: /^notes\.parquet/ });
    await refused.first().waitFor();
    // by the nav (opening the URL again would reload the page, and this session's imports with it)
    const score = meter.score;
    await meter.page.getByRole('link', { name: 'Score' }).click();
    await score.model.waitFor();
    expect(await refused.count()).toBe(0); // Data's refusal is not Score's news
    await score.drop([{ path: bad, name: 'score-notes.parquet' }]);
    const onScore = meter.page.getByTestId('import-error').filter({ hasText: 'score-notes.parquet' });
    await onScore.waitFor();
    expect(await refused.count()).toBe(0);
    await shotSizes(meter.page, '84-score-own-drop-error', [{ width: 1024, height: 700, colorScheme: 'dark' }]);
    await meter.page.getByRole('link', { name: 'Monitor' }).click();
    await meter.page.getByRole('heading', { name: 'Monitor' }).waitFor();
    expect(await meter.page.getByTestId('import-error').count()).toBe(0);
    // the Data screen keeps both until dismissed
    await meter.page.getByRole('link', { name: 'Data', exact: true }).click();
    await refused.first().waitFor();
    await onScore.waitFor();
  });

  it('shows a flow run\'s log times on the 24-hour clock, as its tables', async () => {
    const spec: PipelineSpec = { name: 'green-clock', data: join(dir, 'months'), kind: 'green', model: 'linear', features: 'basic', experiment: 'monthly',
      offsets: { train: -1, val: 0 }, retries: { count: 0, delaySeconds: 0 } };
    const { flowRunId } = await meter.api('pipelines.run', { pipeline: spec, month: '2023-02', trigger: 'ui' });
    const p = new PipelinesPage(meter.page, meter.url);
    await p.openFlow(flowRunId);
    await p.waitForStatus('done');
    const lines = await p.logs.locator('li').allTextContents();
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).toMatch(new RegExp(`^${CLOCK_24.source} \\[`));
    expect(lines.join('\n')).not.toMatch(/\b(AM|PM)\b/);
    await p.open();
    const started = await p.flows.locator('tbody tr').first().locator('td').nth(5).textContent();
    expect(started).toMatch(new RegExp(`${CLOCK_24.source}$`));
  });
});

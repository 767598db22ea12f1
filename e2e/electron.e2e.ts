// The desktop app itself, driven through Playwright's Electron support. It runs where the Electron binary
// runs; elsewhere (our CI: npm can't download the binary) it is skipped with the probe's reason.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { probeElectron } from '../scripts/electron-probe.mjs';
import { ensureElectronSqlite } from '../scripts/electron-native.mjs';
import { ROOT, shot } from './harness';

const probe = probeElectron(ROOT);
const reason = probe.ok ? '' : ` — skipped: Electron can't run here: ${probe.reason}`;
if (!probe.ok) console.warn(`Electron e2e skipped: ${probe.reason}`);

describe.skipIf(!probe.ok)(`Electron app${reason}`, () => {
  it('opens a hardened window on the renderer, with the contract bridged and no Node in the page', async () => {
    if (!probe.ok) return;
    const sqlite = ensureElectronSqlite(ROOT);
    expect(sqlite, 'better-sqlite3 for Electron').toMatchObject({ ok: true });
    const home = mkdtempSync(join(tmpdir(), 'meter-electron-'));
    const app = await _electron.launch({ executablePath: probe.bin, args: [ROOT], env: { ...process.env, METER_HOME: home } });
    try {
      const page = await app.firstWindow();
      await page.getByRole('heading', { name: 'Data', exact: true }).waitFor();
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      expect(await page.evaluate(() => Object.keys((window as unknown as { meter: object }).meter).sort())).toEqual(['call', 'onCommand', 'onEvent', 'pathForFile']);
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0].webContents;
        return { url: wc.getURL() };
      });
      expect(prefs.url).toMatch(/^file:.*out\/renderer\/index\.html/);
      await page.getByRole('button', { name: 'Train the sample model' }).click();
      await page.getByTestId('run-title').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('run-title').textContent()).toContain('FINISHED');
      await shot(page, 'electron-run-detail');
    } finally {
      await app.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});

// What every screen's page model shares: the page, the app's URL, navigation, charts and screenshots.
import type { Page } from 'playwright-core';
import { dropFiles, shot, shotSizes } from '../harness';

export type NavLink = 'Data' | 'Train' | 'Tune' | 'Runs' | 'Models' | 'Score';

export abstract class Screen {
  /** `url` is the URL Meter printed, with the session token */
  constructor(readonly page: Page, protected readonly url: string) {}

  protected async goto(hash: string): Promise<void> { await this.page.goto(`${this.url}${hash}`); }

  /** the nav bar's link */
  async navigate(to: NavLink): Promise<void> { await this.page.getByRole('link', { name: to }).click(); }

  /** a real drag-and-drop of files onto the window */
  async drop(files: { path: string; name?: string }[]): Promise<void> { await dropFiles(this.page, files); }

  /** waits for the chart's canvas, then says whether echarts finished drawing it ("true") */
  async chartState(name: string): Promise<string | null> {
    const chart = this.page.getByRole('img', { name });
    await chart.locator('canvas').waitFor();
    return chart.getAttribute('data-rendered');
  }

  /** an error shown by the app's one ErrorNotice (it carries the error's code in data-code) */
  errorNotice(code?: string) { return this.page.locator(code ? `[role=alert][data-code="${code}"]` : '[role=alert][data-code]'); }

  async shot(name: string): Promise<void> { await shot(this.page, name); }
  /** the same view at 1440×900 and 1024×700, light and dark */
  async shotSizes(name: string): Promise<void> { await shotSizes(this.page, name); }
  /** whether the page scrolls sideways (a layout that doesn't fit the window) */
  async scrollsSideways(): Promise<boolean> {
    // after two frames: a window just resized still has the old layout (echarts redraws on the resize observer)
    return this.page.evaluate(() => new Promise<boolean>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
      resolve(document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
    }))));
  }
}

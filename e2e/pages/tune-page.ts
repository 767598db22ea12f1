// Tune: the search form (space as a form or JSON), then the live search: progress, charts, trials, Cancel.
import { Screen } from './screen';

export class TunePage extends Screen {
  readonly spaceTable = this.page.getByRole('table', { name: 'search space' });
  readonly progress = this.page.getByTestId('search-progress');
  readonly title = this.page.getByTestId('search-title');

  readonly warnings = this.page.getByTestId('pair-warnings');
  async open(): Promise<void> { await this.goto('#/tune'); }
  /** waits until the train/validation selects show these datasets (the form picks them once data arrives) */
  async waitForChosen(train: string, val: string): Promise<void> {
    await this.page.locator('#t-train option:checked', { hasText: train }).waitFor({ state: 'attached' });
    await this.page.locator('#t-val option:checked', { hasText: val }).waitFor({ state: 'attached' });
  }
  async chooseModel(preset: string): Promise<void> { await this.page.getByLabel('Model').selectOption(preset); }
  /** a field by its label: "Trials", "In parallel", "alpha high"… */
  async fill(label: string, value: string): Promise<void> { await this.page.getByLabel(label, { exact: true }).fill(value); }
  async editJson(space: object): Promise<void> {
    await this.page.getByText(/Edit as JSON/).click();
    await this.page.getByLabel('search space JSON').fill(JSON.stringify(space));
  }
  async start(): Promise<void> { await this.page.getByRole('button', { name: 'Start search' }).click(); }
  async cancel(): Promise<void> { await this.page.getByRole('button', { name: 'Cancel search' }).click(); }
  async openBestTrial(): Promise<void> { await this.page.getByRole('button', { name: /Open best trial/ }).click(); }
  /** the search shown, from the URL (#/tune?search=…) */
  tuningId(): string {
    const url = this.page.url();
    return new URL(url.replace('#/', '')).searchParams.get('search') ?? url.split('search=')[1];
  }
  async trialRows(): Promise<string[]> { return this.page.getByRole('table', { name: 'trials' }).locator('tbody tr').allTextContents(); }
  async setPruning(on: boolean): Promise<void> { await this.page.getByLabel('Prune unpromising trials').setChecked(on); }
  /** the loss chart's axis: "linear" or "log" */
  async lossAxis(scale: 'linear' | 'log'): Promise<void> { await this.page.getByRole('group', { name: 'loss axis' }).getByRole('button', { name: scale }).click(); }
  /** whether the loss chart's linear or log button is the pressed one */
  async lossAxisPressed(scale: 'linear' | 'log'): Promise<boolean> {
    return (await this.page.getByRole('group', { name: 'loss axis' }).getByRole('button', { name: scale }).getAttribute('aria-pressed')) === 'true';
  }
  /** the contour's chosen parameters */
  async contourChoice(): Promise<[string, string]> {
    return [await this.page.getByLabel('contour x').inputValue(), await this.page.getByLabel('contour y').inputValue()];
  }
  /** a search's page, #/tune?search=… */
  async openSearch(tuningId: string): Promise<void> { await this.goto(`#/tune?search=${tuningId}`); await this.title.waitFor(); }
  async contourParams(x: string, y: string): Promise<void> {
    await this.page.getByLabel('contour x').selectOption(x);
    await this.page.getByLabel('contour y').selectOption(y);
  }
  /** "Run N more trials" on an ended search */
  async runMore(n: number): Promise<void> {
    await this.page.getByLabel('more trials').fill(String(n));
    await this.page.getByRole('button', { name: `Run ${n} more trials` }).click();
  }
}

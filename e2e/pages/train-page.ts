// Train: datasets, model and its parameters, features, run name; progress and Cancel while the job runs.
import { Screen } from './screen';

export class TrainPage extends Screen {
  readonly heading = this.page.getByRole('heading', { name: 'Train' });
  readonly progress = this.page.getByTestId('job-progress');

  /** Alt+2, from anywhere */
  async openByKey(): Promise<void> {
    await this.page.keyboard.press('Alt+2');
    await this.heading.waitFor();
  }

  async chosenTrain(): Promise<string | null> { return this.page.locator('#f-train option:checked').textContent(); }
  readonly warnings = this.page.getByTestId('pair-warnings');
  /** waits until the train/validation selects show these datasets (the form picks them once data arrives) */
  async waitForChosen(train: string, val: string): Promise<void> {
    await this.page.locator('#f-train option:checked', { hasText: train }).waitFor({ state: 'attached' });
    await this.page.locator('#f-val option:checked', { hasText: val }).waitFor({ state: 'attached' });
  }
  async open(): Promise<void> { await this.goto('#/train'); await this.heading.waitFor(); }
  async chooseTrain(label: string | RegExp): Promise<void> { await this.selectByText('#f-train', label); }
  async chooseVal(label: string | RegExp): Promise<void> { await this.selectByText('#f-val', label); }
  private async selectByText(select: string, label: string | RegExp): Promise<void> {
    const options = await this.page.locator(`${select} option`).allTextContents();
    const i = options.findIndex((o) => (typeof label === 'string' ? o.includes(label) : label.test(o)));
    if (i < 0) throw new Error(`no option ${label} in ${options.join(' | ')}`);
    await this.page.locator(select).selectOption({ index: i });
  }
  async chosenVal(): Promise<string | null> { return this.page.locator('#f-val option:checked').textContent(); }
  /** every option chosen in a role's list (several files per role) */
  async chosenAll(role: 'train' | 'val'): Promise<string[]> { return this.page.locator(`#f-${role} option:checked`).allTextContents(); }
  /** "2 files · 130,000 trips" under a role's list */
  setSummary(role: 'train' | 'val') { return this.page.getByTestId(`${role}-set`); }
  /** a radio by its label: the model ("lasso") or the features ("PU_DO pair") */
  async choose(label: string): Promise<void> { await this.page.getByLabel(label).check(); }
  /** a field by its label: "Run name", "alpha", "max sweeps", "tolerance"… */
  async fill(label: string, value: string): Promise<void> { await this.page.getByLabel(label).fill(value); }
  async train(): Promise<void> { await this.page.getByRole('button', { name: 'Train', exact: true }).click(); }
  async cancel(): Promise<void> { await this.progress.getByRole('button', { name: /Cancel/ }).click(); }
}

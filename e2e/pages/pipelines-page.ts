// Pipelines: the run form, the flow runs list, and one flow run: status, timeline chart, steps, logs,
// Rerun from the failed step and Cancel.
import { Screen } from './screen';

export class PipelinesPage extends Screen {
  readonly flows = this.page.getByRole('table', { name: 'flow runs' });
  readonly steps = this.page.getByRole('table', { name: 'steps' });
  readonly logs = this.page.getByRole('list', { name: 'step logs' });
  readonly status = this.page.getByTestId('flow-status');
  readonly title = this.page.getByTestId('flow-title');
  /** what Save and Backfill say */
  readonly note = this.page.getByTestId('pipeline-note');

  async open(): Promise<void> { await this.goto('#/pipelines'); }
  async openFlow(flowRunId: string): Promise<void> { await this.goto(`#/pipelines?flow=${flowRunId}`); }
  /** a field of the run form by its label: "Name", "Data folder", "Month"… */
  async fill(label: string, value: string): Promise<void> { await this.page.getByLabel(label, { exact: true }).fill(value); }
  /** The form for the two sample months: train on the month before (-1), validate on the month (0), no test month. */
  async fillSampleMonths(name: string, dataFolder: string): Promise<void> {
    await this.fill('Name', name);
    await this.fill('Data folder', dataFolder);
    await this.fill('train offset', '-1');
    await this.fill('validation offset', '0');
    await this.fill('test offset', '');
  }
  async choose(label: string, value: string): Promise<void> { await this.page.getByLabel(label, { exact: true }).selectOption(value); }
  async run(): Promise<void> { await this.page.getByRole('button', { name: 'Run pipeline' }).click(); }
  async clickFlow(month: string): Promise<void> { await this.flows.locator('tbody tr', { hasText: month }).first().click(); }
  /** waits until the flow run shows this status */
  async waitForStatus(status: string, timeout = 60_000): Promise<void> { await this.status.filter({ hasText: new RegExp(`^${status}$`) }).waitFor({ timeout }); }
  /** "load:done", "train:cached"… in order */
  async stepStates(): Promise<string[]> {
    return this.steps.locator('tbody tr').evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset.step}:${(r as HTMLElement).dataset.status}`));
  }
  async rerunFrom(step: string): Promise<void> { await this.page.getByRole('button', { name: `Rerun from ${step}` }).click(); }
  async cancel(): Promise<void> { await this.page.getByRole('button', { name: 'Cancel flow run' }).click(); }
  /** the flow shown, from the URL (#/pipelines?flow=…) */
  flowRunId(): string { return this.page.url().split('flow=')[1] ?? ''; }
}

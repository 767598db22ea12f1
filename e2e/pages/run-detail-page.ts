// One run: title with its status, metrics, charts, notes and tags, and Register model….
import { registerModel } from './register-form';
import { Screen } from './screen';

export class RunDetailPage extends Screen {
  readonly title = this.page.getByTestId('run-title');
  readonly metrics = this.page.getByTestId('metrics');
  readonly params = this.page.locator('section.card').filter({ has: this.page.getByRole('heading', { name: 'Parameters' }) });
  readonly artifacts = this.page.getByRole('tree', { name: 'artifacts' });
  readonly tagsCard = this.page.locator('section.card').filter({ has: this.page.getByRole('heading', { name: 'Tags' }) });
  /** a tag's value cell (the value, its copy link when long, its remove button) */
  tagValue(key: string) { return this.tagsCard.locator(`[data-tag="${key}"]`); }
  artifactPreview(path: string) { return this.page.getByRole('figure', { name: `preview of ${path}` }); }
  /** a file's or folder's entry in the artifact tree, by its path in the run */
  artifact(path: string) { return this.artifacts.locator(`li[data-path="${path}"]`); }
  artifactButton(path: string, name: 'Download' | 'Preview' | 'Hide') { return this.artifact(path).getByRole('button', { name, exact: true }); }
  /** opens or closes a folder of the artifact tree */
  async toggleFolder(path: string): Promise<void> { await this.artifact(path).locator('> button.folder').click(); }
  /** the linear/log buttons of the metric history chart */
  scaleButton(scale: 'linear' | 'log') { return this.page.getByRole('group', { name: 'value axis' }).getByRole('button', { name: scale }); }

  async open(runId: string): Promise<void> { await this.goto(`#/runs/${runId}`); }
  /** waits for the run whose title holds `text` (its name) */
  async waitFor(text?: string): Promise<void> { await (text === undefined ? this.title : this.title.filter({ hasText: text })).waitFor(); }

  async writeNotes(text: string): Promise<void> {
    await this.page.getByRole('tab', { name: 'Write' }).click();
    await this.page.getByLabel('notes').fill(text);
    await this.page.getByRole('button', { name: 'Save notes' }).click();
    await this.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  }
  /** the notes as saved text (opens the Write tab) */
  async notesText(): Promise<string> {
    await this.page.getByRole('tab', { name: 'Write' }).click();
    return this.page.getByLabel('notes').inputValue();
  }
  /** bold text in the notes' rendered Markdown */
  renderedBold(text: string) { return this.page.locator('.markdown strong', { hasText: text }); }

  async setTag(key: string, value: string): Promise<void> {
    await this.page.getByLabel('tag key').fill(key);
    await this.page.getByLabel('tag value').fill(value);
    await this.page.getByRole('button', { name: 'Set' }).click();
  }

  async register(name?: string): Promise<void> { await registerModel(this.page, name); }
}

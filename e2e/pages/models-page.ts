// Models: the registered models, and one model's versions, aliases (promote, roll back) and alias history.
import { Screen } from './screen';

export class ModelsPage extends Screen {
  readonly list = this.page.getByRole('table', { name: 'registered models' });
  readonly title = this.page.getByTestId('model-title');
  async open(model: string): Promise<void> { await this.goto(`#/models/${model}`); await this.title.waitFor(); }

  readonly versions = this.page.getByRole('table', { name: 'versions' });
  /** the versions table's headers as shown (a narrow window hides some) */
  async versionHeaders(): Promise<string[]> { return this.versions.locator('th:visible').allTextContents(); }
  versionRow(version: number) { return this.page.locator(`table[aria-label="versions"] tr[data-version="${version}"]`); }
  aliasBadges(version: number) { return this.versionRow(version).getByTestId('alias-badge'); }
  async waitForAlias(version: number, alias: string): Promise<void> { await this.aliasBadges(version).filter({ hasText: `@${alias}` }).waitFor(); }
  /** `move`: the alias is on another version, so the app asks first and this confirms */
  async promote(version: number, alias = 'champion', { move = false } = {}): Promise<void> {
    await this.versionRow(version).getByRole('button', { name: `Promote to @${alias}` }).click();
    if (move) await this.page.getByRole('alertdialog', { name: `confirm moving @${alias}` }).getByRole('button', { name: `Move @${alias}` }).click();
  }
  /** asks, then confirms */
  async rollback(alias: string): Promise<void> {
    await this.page.getByRole('button', { name: `Roll back @${alias}` }).click();
    await this.page.getByRole('alertdialog', { name: `confirm Roll back @${alias}` }).getByRole('button', { name: 'Roll back' }).click();
  }
  async history(): Promise<string[]> { return this.page.getByRole('list', { name: 'alias history' }).locator('li').allTextContents(); }
}

// Runs: the table (virtualised rows, sortable headers, chosen columns), the filter box, selection, compare,
// trash and purge.
import { expect } from 'vitest';
import { registerModel } from './register-form';
import { Screen } from './screen';

const GRID = '[role=treegrid][aria-label=runs]';

export class RunsPage extends Screen {
  readonly filterBox = this.page.getByLabel('filter runs');
  readonly filterError = this.page.getByTestId('filter-error');
  readonly total = this.page.getByTestId('runs-total');
  readonly grid = this.page.getByTestId('runs-grid');

  /** #/runs, waiting for the first row */
  async open(): Promise<void> {
    await this.goto('#/runs');
    await this.rows().first().waitFor();
  }

  /** the rendered run rows (the table keeps only those in view) */
  rows() { return this.page.locator(`${GRID} [role=row][data-run-id]`); }
  row(text: string) { return this.rows().filter({ hasText: text }); }
  /** every rendered row, run rows and the header */
  allRows() { return this.page.locator(`${GRID} [role=row]`); }
  rowAtIndex(rowIndex: number) { return this.page.locator(`${GRID} [role=row][aria-rowindex="${rowIndex}"]`); }
  focusedRow(index: number) { return this.page.locator(`${GRID} [role=row][data-index="${index}"]:focus`); }

  /** a column's texts, top to bottom, by its header's label */
  async column(label: string): Promise<string[]> {
    const headers = await this.page.locator(`${GRID} [role=columnheader]`).allTextContents();
    const i = headers.findIndex((h) => h.replace(/ [▲▼]$/, '') === label);
    expect(i, `column ${label} in ${headers.join('|')}`).toBeGreaterThan(-1);
    return this.rows().evaluateAll((els, idx) => els.map((el) => el.children[idx]?.textContent ?? ''), i);
  }

  /** types a filter and presses Enter */
  async search(filter: string): Promise<void> {
    await this.filterBox.fill(filter);
    await this.filterBox.press('Enter');
  }

  async waitForTotal(n: number): Promise<void> { await this.total.filter({ hasText: `(${n})` }).waitFor(); }

  /** clicks a column header's sort button */
  async sortBy(label: string | RegExp): Promise<void> { await this.page.getByRole('columnheader', { name: label }).getByRole('button').click(); }
  async waitForSort(label: string, arrow: '▲' | '▼'): Promise<void> { await this.page.getByRole('columnheader', { name: new RegExp(`${label} ${arrow}`) }).waitFor(); }

  /** ticks a key in the Columns popover */
  async addColumn(key: string): Promise<void> {
    await this.page.getByText(/^Columns \(/).click();
    await this.page.getByRole('group', { name: 'columns' }).getByLabel(key).check();
    await this.page.getByText(/^Columns \(/).click();
  }

  /** a column header, by its key's label */
  header(label: string) { return this.page.locator(`${GRID} [role=columnheader]`).filter({ hasText: new RegExp(`^${label}( [▲▼])?$`) }); }
  /** whether an element lies wholly inside the grid's visible area, right of the sticky run-name column */
  async inGridView(el: ReturnType<RunsPage['header']>): Promise<boolean> {
    const box = await el.boundingBox();
    const grid = await this.grid.boundingBox();
    const name = await this.page.locator(`${GRID} .grid-head .sticky-1`).boundingBox();
    return !!box && !!grid && !!name && box.x >= name.x + name.width - 1 && box.x + box.width <= grid.x + grid.width + 1;
  }

  // Nested runs: a search row with "▸ n trials", its trials below it when expanded.
  /** a run's row by its id */
  rowById(runId: string) { return this.page.locator(`${GRID} [role=row][data-run-id="${runId}"]`); }
  /** the expander button on a search's row */
  expander(runId: string) { return this.rowById(runId).getByRole('button', { name: /^(expand|collapse) / }); }
  /** the trial rows shown under a search */
  childRows(parentRunId: string) { return this.page.locator(`${GRID} [role=row][data-parent-id="${parentRunId}"]`); }
  /** a run's status word in its row (PRUNED for a pruned trial, its tooltip saying why) */
  statusOf(runId: string) { return this.rowById(runId).locator('.status'); }
  /** the top-level run rows */
  topRows() { return this.page.locator(`${GRID} [role=row][data-run-id][aria-level="1"]`); }
  async charts(): Promise<void> { await this.page.getByRole('button', { name: 'Charts', exact: true }).click(); }

  /** Ctrl-click: adds the run to the selection */
  async select(text: string): Promise<void> { await this.row(text).click({ modifiers: ['Control'] }); }
  async compare(count: number): Promise<void> { await this.page.getByRole('button', { name: `Compare ${count}` }).click(); }
  async registerSelected(name?: string): Promise<void> { await registerModel(this.page, name); }
  async moveToTrash(): Promise<void> { await this.page.getByRole('button', { name: 'Move to trash' }).click(); }
  async showTrash(): Promise<void> { await this.page.getByRole('button', { name: 'Trash' }).click(); }
  async askToPurge(): Promise<void> { await this.page.getByRole('button', { name: 'Delete for good…' }).click(); }
  async confirmPurge(): Promise<void> {
    await this.page.getByRole('alertdialog', { name: 'confirm purge' }).getByRole('button', { name: 'Delete for good' }).click();
  }
  readonly emptyTrash = this.page.getByText('The trash is empty.');
}

// Data: drop or pick parquet files; dataset cards, import error cards, and the first-launch sample offer.
import { Screen } from './screen';

export class DataPage extends Screen {
  readonly heading = this.page.getByRole('heading', { name: 'Data', exact: true });
  readonly trainSampleButton = this.page.getByRole('button', { name: 'Train the sample model' });

  /** the app as the printed URL opens it (on Data) */
  async open(): Promise<void> {
    await this.goto('');
    await this.heading.waitFor();
  }

  datasetCard(text: string) { return this.page.locator('[data-testid="dataset-card"]', { hasText: text }); }
  importError(fileName: string) { return this.page.locator('[data-testid="import-error"]', { hasText: fileName }); }
  /** the card saying a dropped file's bytes were a dataset already */
  alreadyImported(fileName: string) { return this.page.locator('[data-testid="already-imported"]', { hasText: fileName }); }
  readonly datasetCards = this.page.locator('[data-testid="dataset-card"]');
}

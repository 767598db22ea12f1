// Score: a model URI over dropped or ticked trip files, and each scored file's result.
import { Screen } from './screen';

export class ScorePage extends Screen {
  readonly model = this.page.getByLabel('Model');
  readonly result = this.page.getByTestId('scoring-result');
  readonly rmse = this.page.getByTestId('scoring-rmse');
  readonly output = this.page.getByTestId('scoring-output');
  readonly outputFolder = this.page.getByLabel('Output folder');

  async open(): Promise<void> {
    await this.goto('#/score');
    await this.page.getByRole('heading', { name: 'Score' }).waitFor();
  }
  /** a dataset's tick box in "datasets to score" */
  dataset(name: RegExp) { return this.page.getByRole('group', { name: 'datasets to score' }).getByLabel(name); }
  async score(files: number): Promise<void> { await this.page.getByRole('button', { name: `Score ${files} file` }).click(); }
}

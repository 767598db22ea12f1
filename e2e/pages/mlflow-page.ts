// Push to / import from MLflow: the dialogs (opened from the Runs toolbar, a model page, Data) and the panel of
// MLflow jobs with their progress, Cancel and counts.
import { Screen } from './screen';

export class MlflowPanel extends Screen {
  readonly dialog = this.page.getByTestId('mlflow-dialog');
  readonly job = this.page.getByTestId('mlflow-job').first();
  readonly phase = this.page.getByTestId('mlflow-phase').first();

  async openPush(): Promise<void> {
    await this.page.getByTestId('push-to-mlflow').click();
    await this.dialog.waitFor();
  }

  async openImport(): Promise<void> {
    await this.page.getByTestId('import-from-mlflow').click();
    await this.dialog.waitFor();
  }

  async fillServer(url: string): Promise<void> { await this.dialog.getByLabel('MLflow tracking server URL').fill(url); }
  async tickExperiment(name: string): Promise<void> { await this.dialog.getByLabel(name, { exact: false }).check(); }
  async basicAuth(user: string, password: string): Promise<void> {
    await this.dialog.getByLabel('User and password').check();
    await this.dialog.getByLabel('User', { exact: true }).fill(user);
    await this.dialog.getByLabel('Password', { exact: true }).fill(password);
  }

  /** the job card ends in this state (succeeded | cancelled | failed) */
  async ended(state: string): Promise<void> { await this.page.locator(`[data-testid=mlflow-job][data-state=${state}]`).first().waitFor({ timeout: 60_000 }); }
  count(key: string) { return this.job.locator(`[data-count=${key}]`); }
}

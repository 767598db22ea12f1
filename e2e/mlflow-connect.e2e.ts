// Connect from Python: the Runs screen shows the two lines MLflow's clients need; MLflow's real Python client,
// given exactly those lines, logs a run, and the run appears in the table — one store, two front doors.
import { describe, expect, it } from 'vitest';
import { mlflowClientMissing, runPython } from '../test/mlflow-client';
import { useMeter } from './fixtures';

const missing = mlflowClientMissing();
if (missing) console.log(`Connect-from-Python e2e skipped: ${missing}`);

describe.skipIf(missing !== null)('Connect from Python (Chromium + MLflow\'s client)', () => {
  const meter = useMeter();

  it('shows MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN, and a run logged with them shows in the runs table', async () => {
    const page = meter.page;
    await page.goto(`${meter.ui.url}#/runs`);
    await page.getByText('Connect from Python').click();
    const env = page.getByTestId('mlflow-env');
    await env.waitFor();
    const lines = (await env.textContent() ?? '').trim().split('\n');
    expect(lines).toEqual([`export MLFLOW_TRACKING_URI=${meter.ui.origin}`, `export MLFLOW_TRACKING_TOKEN=${meter.ui.token}`]);
    await expect(page.getByRole('button', { name: 'Copy the two lines' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Copy the snippet' }).isVisible()).resolves.toBe(true);
    // it closes as a popover does: Escape (focus back on its button), a click outside; it opens again
    await page.keyboard.press('Escape');
    await env.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Connect from Python');
    await page.getByText('Connect from Python').click();
    await env.waitFor();
    await page.getByRole('heading', { level: 2 }).first().click();
    await env.waitFor({ state: 'hidden' });

    const [uri, token] = lines.map((l) => l.slice(l.indexOf('=') + 1));
    await runPython(`import json, mlflow, numpy as np
from sklearn.linear_model import LinearRegression
mlflow.set_experiment("from-python")
with mlflow.start_run(run_name="logged-from-python") as run:
    mlflow.log_param("alpha", 0.1)
    for i in range(3): mlflow.log_metric("rmse_val", 6.0 - i, step=i)
    mlflow.sklearn.log_model(LinearRegression().fit(np.array([[1.0], [2.0]]), np.array([1.0, 2.0])), "model")
mlflow.register_model(f"runs:/{run.info.run_id}/model", "py-model")
print("RESULT " + json.dumps({"id": run.info.run_id}))`, uri, token, meter.ui.home);
    await page.reload();
    await meter.runs.row('logged-from-python').waitFor();
    expect(await meter.runs.rows().count()).toBe(1);
  });

  it('opens the run a client logged (its param, the model\'s files) and its registered version, whose flavors are named', async () => {
    const page = meter.page;
    await meter.runs.row('logged-from-python').click();
    await meter.run.waitFor('logged-from-python');
    await page.getByText('alpha', { exact: true }).first().waitFor();
    await meter.run.artifact('model/MLmodel').waitFor();
    await meter.run.artifact('model/model.pkl').waitFor();
    await meter.version.open('py-model', 1);
    await page.getByText('MLflow model (python_function, sklearn)').first().waitFor();
  });
});

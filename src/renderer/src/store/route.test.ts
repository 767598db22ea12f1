// The URL hash is the app's address: Meter's own addresses round-trip, and MLflow UI's addresses (which
// MLflow's client prints for runs logged into Meter) open the same run or version in Meter.
import { describe, expect, it } from 'vitest';
import { hashFor, parseHash } from './route';

describe('route', () => {
  it("reads back Meter's own addresses", () => {
    for (const hash of ['#/data', '#/runs/abc123', '#/runs?filter=metrics.rmse_val+%3C+6', '#/models/taxi%20duration/3', '#/pipelines?flow=f1']) {
      expect(hashFor(parseHash(hash))).toBe(hash);
    }
  });

  it("opens MLflow UI's run, experiment and model version addresses", () => {
    // as MLflow 2.17's client prints it: "🏃 View run py-sklearn at: http://127.0.0.1:N/#/experiments/1/runs/<id>"
    expect(parseHash('#/experiments/1/runs/8461f0c2d6a54b1a9e6c1f00aa11bb22')).toMatchObject({ screen: 'runs', runId: '8461f0c2d6a54b1a9e6c1f00aa11bb22' });
    expect(parseHash('#/experiments/1/runs/8461f0c2/artifacts')).toMatchObject({ screen: 'runs', runId: '8461f0c2' });
    expect(parseHash('#/experiments/3')).toMatchObject({ screen: 'runs', runId: null });
    expect(parseHash('#/models/taxi-duration/versions/2')).toMatchObject({ screen: 'models', model: 'taxi-duration', version: 2 });
    expect(parseHash('#/models/taxi-duration')).toMatchObject({ screen: 'models', model: 'taxi-duration', version: null });
  });
});

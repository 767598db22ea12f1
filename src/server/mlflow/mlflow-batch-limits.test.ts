// log-batch's refusals said as MLflow 2.17.2's real server says them: the same over-limit batches (metrics,
// params, tags, and all three together) and a batch to a deleted run, sent to both, get the same HTTP status,
// error code and message (run ids aside); and Meter's refusal writes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, startMlflowServer } from '../../../test/mlflow-client';
import { startBrowserServer, type BrowserServer } from '../browser-server';

const missing = mlflowClientMissing();
if (missing) console.log(`mlflow batch limit tests skipped: ${missing}`);

interface Door { name: string; call(path: string, body: unknown): Promise<{ status: number; json: any }> }

function door(name: string, base: string, token?: string): Door {
  return {
    name,
    async call(path, body) {
      const res = await fetch(`${base}/api/2.0/mlflow/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
      return { status: res.status, json: await res.json() };
    },
  };
}

describe.skipIf(missing !== null)('log-batch refusals, Meter against the real MLflow server', () => {
  let h: Harness;
  let s: BrowserServer;
  let dir: string;
  let mlflow: { uri: string; stop(): void };
  let doors: Door[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-batch-limits-'));
    mlflow = await startMlflowServer(dir);
    h = openHarness();
    s = await startBrowserServer({ ctx: h.ctx });
    doors = [door('mlflow', mlflow.uri), door('meter', `http://127.0.0.1:${s.port}`, s.token)];
  }, 120_000);
  afterAll(async () => { mlflow?.stop(); await s?.close(); await h?.dispose(); rmSync(dir, { recursive: true, force: true }); });

  /** A fresh run in a fresh experiment on both sides: [run id on MLflow, run id on Meter]. */
  async function runs(label: string): Promise<string[]> {
    return Promise.all(doors.map(async (d) => {
      const exp = (await d.call('experiments/create', { name: `${label}-${Date.now()}` })).json.experiment_id as string;
      return (await d.call('runs/create', { experiment_id: exp, start_time: 1 })).json.run.info.run_id as string;
    }));
  }

  /** Both answers to the same body, each sent to its own run, with that run's id written as RUN. */
  async function both(ids: string[], body: Record<string, unknown>): Promise<{ status: number; code: string; message: string }[]> {
    return Promise.all(doors.map(async (d, i) => {
      const { status, json } = await d.call('runs/log-batch', { run_id: ids[i], ...body });
      return { status, code: json.error_code, message: String(json.message).split(ids[i]).join('RUN') };
    }));
  }

  const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), step: i, timestamp: 1_700_000_000_000 + i }));
  const pairs = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));

  it('refuses a batch over each of MLflow\'s limits as MLflow does, and writes none of it', async () => {
    const ids = await runs('limits');
    const over = [
      { metrics: metrics(1001) },
      { params: pairs(101, 'p') },
      { tags: pairs(101, 't') },
      { metrics: metrics(900), params: pairs(60, 'p'), tags: pairs(60, 't') }, // each under its own limit, 1,020 in all
    ];
    for (const body of over) {
      const [theirs, ours] = await both(ids, body);
      expect(theirs.status).toBe(400);
      expect(theirs.message).toMatch(/^A batch logging request can contain at most/);
      expect(ours).toEqual(theirs);
    }
    // at the limits both take it
    const [theirs, ours] = await both(ids, { metrics: metrics(800), params: pairs(100, 'p'), tags: pairs(100, 't') });
    expect(ours).toEqual(theirs);
    expect(ours.status).toBe(200);
    const run = (await fetch(`http://127.0.0.1:${s.port}/api/2.0/mlflow/metrics/get-history?run_id=${ids[1]}&metric_key=loss`, { headers: { authorization: `Bearer ${s.token}` } }).then((r) => r.json())) as { metrics: unknown[] };
    expect(run.metrics).toHaveLength(800); // only the batch that was taken
  });

  it('refuses a batch to a deleted run with INVALID_PARAMETER_VALUE, as MLflow does', async () => {
    const ids = await runs('deleted');
    await Promise.all(doors.map((d, i) => d.call('runs/delete', { run_id: ids[i] })));
    const [theirs, ours] = await both(ids, { metrics: metrics(1) });
    expect(theirs).toEqual({ status: 400, code: 'INVALID_PARAMETER_VALUE', message: "The run RUN must be in the 'active' state. Current state is deleted." });
    expect(ours).toEqual(theirs);
  });
});

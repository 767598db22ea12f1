// A page that follows core by its events reads again when its event socket comes back: what was sent while
// the socket was down reached nobody. Here Playwright sits between the page and the server's event socket,
// swallows the server's messages for a while (the flow's end among them), then drops the socket; the page
// reconnects by itself and must show the flow as it ended, not as running for good.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebSocketRoute } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useMeter } from './fixtures';
import { SAMPLE_TRAIN, SAMPLE_VAL } from './harness';
import { PipelinesPage } from './pages/pipelines-page';

describe('events missed while the socket was down (Chromium)', () => {
  const meter = useMeter({ viewport: { width: 1280, height: 900 } });
  const data = join(tmpdir(), `meter-e2e-missed-${process.pid}`);
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('a flow run page shows the end of a flow whose events were lost, once the socket is back', async () => {
    mkdirSync(data, { recursive: true });
    symlinkSync(SAMPLE_TRAIN, join(data, 'green_tripdata_2023-01.parquet'));
    symlinkSync(SAMPLE_VAL, join(data, 'green_tripdata_2023-02.parquet'));
    const page = await meter.newPage();
    let swallow = false;
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/api\/events/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => { if (!swallow) ws.send(message); });
      sockets.push(ws);
    });
    const p = new PipelinesPage(page, meter.url);
    // long enough to be seen running: a gradient booster with far more rounds than the test waits for
    const pipeline = {
      name: 'green-missed', data, kind: 'green' as const, model: 'gbt' as const, params: { nRounds: 20000, learningRate: 0.001, earlyStopping: 20000 },
      features: 'basic' as const, experiment: 'missed', offsets: { train: -1, val: 0 }, retries: { count: 0, delaySeconds: 0 },
    };
    const { flowRunId, jobId } = await meter.api('pipelines.run', { pipeline, month: '2023-02', trigger: 'ui' });
    await p.openFlow(flowRunId);
    await p.steps.locator('tr[data-step="train"][data-status="running"]').waitFor({ timeout: 60_000 });

    swallow = true;
    await meter.api('jobs.cancel', { jobId });
    expect((await meter.api('jobs.wait', { jobId })).state).toBe('cancelled');
    expect((await meter.api('pipelines.get', { flowRunId })).status).toBe('cancelled');
    // the page heard nothing of it
    await page.waitForTimeout(1000);
    expect(await p.status.textContent()).toBe('running');

    swallow = false;
    for (const ws of sockets.splice(0)) await ws.close();
    await p.waitForStatus('cancelled', 15_000);
    expect(sockets.length).toBeGreaterThan(0); // it reconnected by itself
    await page.context().close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openHarness, SAMPLE, type Harness } from '../../test/helpers';
import { startBrowserServer, type BrowserServer } from './browser-server';

describe('browser-mode server', () => {
  let h: Harness;
  let s: BrowserServer;
  beforeAll(async () => { h = openHarness(); s = await startBrowserServer({ ctx: h.ctx }); });
  afterAll(async () => { await s.close(); await h.dispose(); });

  const call = (method: string, arg: unknown, token: string | null = s.token) =>
    fetch(`http://127.0.0.1:${s.port}/api/call/${method}`, {
      method: 'POST', body: JSON.stringify(arg), headers: token ? { authorization: `Bearer ${token}` } : {},
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { ok: boolean; result?: any; error?: { code: string; message: string } } }));

  it('listens on 127.0.0.1 and prints a URL carrying the token', () => {
    expect(s.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${s.port}/\\?token=[0-9a-f]{48}$`));
  });

  it('refuses requests without the session token (401) or with a wrong one', async () => {
    expect((await call('app.info', {}, null)).status).toBe(401);
    expect((await call('app.info', {}, 'x'.repeat(48))).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${s.port}/`)).status).toBe(401);
  });

  it('serves contract calls and maps errors to statuses with the error as data', async () => {
    const info = await call('app.info', {});
    expect(info.status).toBe(200);
    expect(info.body.result.home).toBe(h.home);
    const missing = await call('runs.get', { runId: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'No run with id nope.' });
    expect((await call('runs.drop', {})).body.error?.message).toMatch(/Unknown API method "runs.drop"/);
    const bad = await fetch(`http://127.0.0.1:${s.port}/api/call/app.info?token=${s.token}`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
  });

  it('pushes job events over an authenticated WebSocket and refuses a foreign Origin', async () => {
    await expect(new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/events?token=${s.token}`, { origin: 'http://evil.example' });
      ws.on('open', () => resolve('open')); ws.on('error', reject);
    })).rejects.toThrow(/401/);

    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/events?token=${s.token}`);
    await new Promise((resolve) => ws.on('open', resolve));
    const seen: string[] = [];
    const finished = new Promise<{ state: string; runId: string }>((resolve) => ws.on('message', (m) => {
      const { event, payload } = JSON.parse(String(m)) as { event: string; payload: { state: string; runId: string; kind: string } };
      seen.push(event);
      if (event === 'job.finished' && payload.kind === 'train') resolve(payload);
    }));
    const train = (await call('data.import', { path: SAMPLE.train })).body.result;
    const val = (await call('data.import', { path: SAMPLE.val })).body.result;
    const started = await call('jobs.startTraining', { experiment: 'web', model: 'linear', featureSet: 'basic', train: train.datasetId, val: val.datasetId, source: { type: 'UI', name: 'test' } });
    expect(started.status).toBe(200);
    const out = await finished;
    expect(out).toMatchObject({ state: 'succeeded', runId: started.body.result.runId });
    expect(seen).toContain('job.progress');
    ws.close();
  });
});

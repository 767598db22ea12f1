// One contract suite, run against every transport: in process (the CLI's client) and browser mode over
// HTTP + WebSocket (the renderer's). An adapter never adds behaviour, so both must answer alike: the same
// results, the same error codes and messages, the same events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, CONTRACT, type MeterClient } from '../../src/shared/contract';
import { asRunId, type DatasetId, type JobId } from '../../src/shared/domain';
import type { JobOutcome } from '../../src/shared/jobs';
import { isMeterErrorData, type MeterErrorData } from '../../src/shared/errors';
import { startBrowserServer, type BrowserServer } from '../../src/server/browser-server';
import { importSample, openHarness, type Harness } from '../helpers';
import { createHttpClient, type HttpClient } from '../http-client';

/** The error a call rejects with, as data (code and message), or a failure when it resolves. */
async function refusal(p: Promise<unknown>): Promise<MeterErrorData> {
  try { await p; } catch (err) {
    const data = { code: (err as MeterErrorData).code, message: (err as MeterErrorData).message };
    if (isMeterErrorData(data)) return data;
    throw err;
  }
  throw new Error('the call succeeded; expected a refusal');
}

const transports: Array<[string, (h: Harness) => Promise<{ client: MeterClient; close(): Promise<void> }>]> = [
  ['in process', async (h) => ({ client: h.client, close: async () => {} })],
  ['browser mode (HTTP + WebSocket)', async (h) => {
    const server: BrowserServer = await startBrowserServer({ ctx: h.ctx });
    const client: HttpClient = createHttpClient(server.port, server.token);
    await client.ready;
    return { client, close: async () => { client.close(); await server.close(); } };
  }],
];

describe.each(transports)('the contract, %s', (_name, connect) => {
  let h: Harness;
  let c: MeterClient;
  let close: () => Promise<void>;
  let data: { train: DatasetId; val: DatasetId };
  beforeAll(async () => {
    h = openHarness();
    ({ client: c, close } = await connect(h));
    data = await importSample(c);
  });
  afterAll(async () => { await close(); await h.dispose(); });

  it('checks every method\'s argument at the entry: a non-object is refused naming the method', async () => {
    for (const method of API_METHODS) {
      const e = await refusal(c.call(method, 42 as never));
      expect(e, method).toEqual({ code: 'INVALID_ARGUMENT', message: `${method} must be an object; got 42.` });
    }
  });

  it('names a misspelt field and a wrong type, and refuses an unknown method', async () => {
    expect(await refusal(c.call('runs.search', { limt: 5 } as never))).toEqual({ code: 'INVALID_ARGUMENT',
      message: 'runs.search has no field "limt"; it takes filter, orderBy, experimentIds, lifecycle, limit, offset, topLevel, parentRunId.' });
    expect(await refusal(c.call('runs.get', { runId: 7 } as never))).toEqual({ code: 'INVALID_ARGUMENT', message: 'runs.get: "runId" must be non-empty text; got 7.' });
    expect(await refusal(c.call('runs.get', { runId: asRunId('nope') }))).toEqual({ code: 'NOT_FOUND', message: 'No run with id nope.' });
    expect(await refusal(c.call('runs.drop' as never, {} as never))).toMatchObject({ code: 'NOT_FOUND', message: 'Unknown API method "runs.drop".' });
    expect(await refusal(c.call('jobs.startTraining', { experiment: 'e', model: 'rf', featureSet: 'basic', train: data.train, val: data.val, params: { nTrees: 0 } })))
      .toEqual({ code: 'INVALID_ARGUMENT', message: 'nTrees (number of trees) must be an integer ≥ 1 and ≤ 5000; got 0.' });
  });

  it('trains with typed params, pushes progress and the outcome, and forgets the job once its outcome is read', async () => {
    const progress: string[] = [];
    const finished = new Promise<JobOutcome>((resolve) => {
      const off = c.on('job.finished', (o) => { if (o.kind === 'train') { off(); resolve(o); } });
    });
    const offProgress = c.on('job.progress', (p) => progress.push(p.phase));
    const { jobId, runId } = await c.call('jobs.startTraining', { experiment: 'contract', model: 'ridge', params: { alpha: 0.5 }, featureSet: 'basic', train: data.train, val: data.val });
    expect((await c.call('jobs.list', {})).map((j) => j.jobId)).toContain(jobId);
    const pushed = await finished;
    offProgress();
    expect(pushed).toMatchObject({ jobId, runId, state: 'succeeded' });
    expect(progress.length).toBeGreaterThan(0);
    expect(await c.call('jobs.wait', { jobId })).toEqual(pushed);
    expect((await c.call('jobs.list', {})).map((j) => j.jobId)).not.toContain(jobId);
    expect(await refusal(c.call('jobs.wait', { jobId }))).toMatchObject({ code: 'NOT_FOUND' });
    const run = await c.call('runs.get', { runId });
    expect(run.params).toMatchObject({ model: 'ridge', alpha: '0.5' });
    expect(run.metrics.rmse_val).toBe(pushed.metrics?.rmse_val);
    const found = await c.call('runs.search', { filter: "params.model = 'ridge' and params.alpha = 0.5" });
    expect(found.runs.map((r) => r.runId)).toEqual([runId]);
  });

  it('runs a search as a task job whose trials are its child jobs, and cancels them with it', async () => {
    const { tuningId } = await c.call('tuning.start', { experiment: 'contract', train: data.train, val: data.val, space: { model: 'lasso', alpha: { loguniform: [-3, 1] }, maxIter: 10_000_000, tol: 0 }, maxTrials: 4, parallel: 2, seed: 1 });
    let jobs = await c.call('jobs.list', {});
    for (let i = 0; i < 100 && !jobs.some((j) => j.parentJobId); i++) { await new Promise((r) => setTimeout(r, 50)); jobs = await c.call('jobs.list', {}); }
    const task = jobs.find((j) => j.kind === 'tune' && j.runId === tuningId)!;
    expect(task.state).toBe('running');
    const trials = jobs.filter((j) => j.parentJobId === task.jobId);
    expect(trials.length).toBe(2);
    expect(await c.call('tuning.cancel', { tuningId })).toEqual({ cancelled: true });
    const outcome = await c.call('jobs.wait', { jobId: task.jobId as JobId });
    expect(outcome.state).toBe('cancelled');
    const status = await c.call('tuning.get', { tuningId });
    expect(status.status).toBe('KILLED');
    expect(status.trials.every((t) => t.status === 'KILLED')).toBe(true);
  });

  it('declares help for every method, derived from the same table', () => {
    for (const method of API_METHODS) expect(CONTRACT[method].doc.length, method).toBeGreaterThan(10);
  });
});

// Pipelines over the real shared months (green 2023-01..03) with the linear model: a flow run end to end,
// promotion decided both ways, a cached rerun, retries after injected faults, a bad file failing fast, a
// rerun from the failed step, cancel, and a backfill that skips months without files and reuses finished ones.
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, openHarness, shared, SHARED_DATA, tempDir, type Harness } from '../../../test/helpers';
import type { PipelineSpec, FlowRun } from '../../shared/pipeline';
import type { DatasetId, JobId } from '../../shared/domain';
import { startPipelineScheduler } from './run-scheduler';

const skipReason = HAS_SHARED ? '' : ' (skipped: the shared months are not in ../shared/data)';

describe.skipIf(!HAS_SHARED)(`pipelines on green 2023-01..03${skipReason}`, () => {
  let h: Harness;
  const base: PipelineSpec = {
    name: 'green-monthly', data: SHARED_DATA, kind: 'green', model: 'linear', params: {}, features: 'basic', experiment: 'monthly',
    offsets: { train: -2, val: -1, test: 0 }, retries: { count: 2, delaySeconds: 0 }, promote: { registeredModel: 'taxi-duration', alias: 'champion' },
  };
  beforeAll(() => { h = openHarness(); });
  afterAll(() => h.dispose());

  const run = async (pipeline: PipelineSpec, month = '2023-03'): Promise<FlowRun> => {
    const { flowRunId, jobId } = await h.client.call('pipelines.run', { pipeline, month });
    await h.client.call('jobs.wait', { jobId });
    return h.client.call('pipelines.get', { flowRunId });
  };
  const step = (f: FlowRun, name: string) => f.steps.find((s) => s.name === name)!;
  const statuses = (f: FlowRun) => f.steps.map((s) => `${s.name}:${s.status}`);
  const runCount = () => h.ctx.db.prepare('SELECT COUNT(*) FROM runs').pluck().get() as number;
  const champion = async () => (await h.client.call('models.resolve', { uri: 'models:/taxi-duration@champion' })).version;

  let first: FlowRun;
  it('runs load → features → train → evaluate → register → promote for a month, and links the training run', async () => {
    first = await run(base);
    expect(first.status).toBe('done');
    // The real months' few out-of-month pickups are within what a month's file may have, and are logged.
    expect(step(first, 'load').logs.map((l) => l.message)).toContainEqual(expect.stringMatching(/^val: \d+ pickups of green_tripdata_2023-02\.parquet are outside 2023-02 \(at most 1% may be\)/));
    expect(statuses(first)).toEqual(['load:done', 'features:done', 'train:done', 'evaluate:done', 'register:done', 'promote:done']);
    for (const s of first.steps) {
      expect(s.attempts).toBe(1);
      expect(s.startedMs).not.toBeNull();
      expect(s.endedMs! >= s.startedMs!).toBe(true);
      expect(s.logs.length).toBeGreaterThan(0);
    }
    const r = await h.client.call('runs.get', { runId: first.runId! });
    expect(r.status).toBe('FINISHED');
    expect(r.name).toBe('green-monthly-2023-03');
    expect(r.experimentName).toBe('monthly');
    expect(r.inputs.map((i) => `${i.role}:${i.dataset.fileName}`).sort()).toEqual([
      'test:green_tripdata_2023-03.parquet', 'train:green_tripdata_2023-01.parquet', 'val:green_tripdata_2023-02.parquet']);
    expect(r.metrics.rmse_test).toBeGreaterThan(0);
    // the evaluate step scores the model itself on the validation month: the same RMSE training logged
    expect(step(first, 'evaluate').outputs!.rmseVal as number).toBeCloseTo(r.metrics.rmse_val, 9);
    expect(step(first, 'register').outputs).toEqual({ name: 'taxi-duration', version: 1 });
    expect(step(first, 'promote').outputs).toMatchObject({ decision: 'promoted', championVersion: null, version: 1 });
    expect(first.promoted).toBe(true);
    expect(await champion()).toBe(1);
  });

  it('a rerun of the identical flow reuses what is unchanged and trains nothing', async () => {
    const before = runCount();
    const again = await run(base);
    expect(again.status).toBe('done');
    expect(again.flowRunId).not.toBe(first.flowRunId);
    expect(statuses(again)).toEqual(['load:cached', 'features:cached', 'train:cached', 'evaluate:done', 'register:cached', 'promote:cached']);
    expect(step(again, 'train').cached).toBe(true);
    expect(again.runId).toBe(first.runId);
    expect(runCount()).toBe(before);
    expect(step(again, 'promote').outputs).toMatchObject({ decision: 'already', promoted: false });
    expect(again.promoted).toBe(false);
    expect((await h.client.call('models.get', { name: 'taxi-duration' })).versions).toHaveLength(1);
  });

  it('promotes only a model that beats @champion on the same month, recording both RMSEs either way', async () => {
    // A heavily penalised ridge predicts little more than the mean: worse than the linear champion.
    const worse = await run({ ...base, name: 'green-ridge', model: 'ridge', params: { alpha: 1e7 } });
    expect(worse.status).toBe('done');
    const kept = step(worse, 'promote').outputs!;
    expect(kept).toMatchObject({ decision: 'kept', promoted: false, championVersion: 1, version: 2 });
    expect(kept.challengerRmse as number).toBeGreaterThan(kept.championRmse as number);
    expect(step(worse, 'promote').logs.map((l) => l.message).join('\n')).toMatch(/kept @champion on version 1: version 2 rmse_val [\d.]+ vs @champion version 1 [\d.]+ on 2023-02/);
    expect(await champion()).toBe(1);
    // The PU_DO pair fits the validation month better than PU + DO: it takes @champion.
    const better = await run({ ...base, name: 'green-pudo', features: 'pu_do' });
    const moved = step(better, 'promote').outputs!;
    expect(moved).toMatchObject({ decision: 'promoted', promoted: true, championVersion: 1, version: 3 });
    expect(moved.challengerRmse as number).toBeLessThan(moved.championRmse as number);
    expect(better.promoted).toBe(true);
    expect(await champion()).toBe(3);
    const history = (await h.client.call('models.get', { name: 'taxi-duration' })).history;
    expect(JSON.stringify(history)).toContain('"toVersion":3');
  });

  it('trains with the best params of a search run (paramsFrom), and refuses a search of another model', async () => {
    const load = step(first, 'load').outputs as Record<string, { datasetId: DatasetId }>;
    const space = { model: 'ridge', alpha: { loguniform: [-3, 3] } };
    const { tuningId } = await h.client.call('tuning.start', { experiment: 'tune', train: load.train.datasetId, val: load.val.datasetId, space, algo: 'random', maxTrials: 2, seed: 1 });
    const job = h.ctx.jobs.list().find((j) => j.kind === 'tune' && j.runId === tuningId)!;
    await h.client.call('jobs.wait', { jobId: job.jobId });
    const best = (await h.client.call('tuning.get', { tuningId })).best!;
    const f = await run({ ...base, name: 'green-tuned', model: 'ridge', params: undefined, paramsFrom: tuningId, promote: undefined });
    expect(f.status).toBe('done');
    expect((await h.client.call('runs.get', { runId: f.runId! })).params.alpha).toBe(best.params.alpha);
    expect(step(f, 'train').logs.map((l) => l.message).join('\n')).toMatch(/params from search .* best trial/);
    const wrong = await run({ ...base, name: 'green-tuned-lasso', model: 'lasso', params: undefined, paramsFrom: tuningId, promote: undefined });
    expect(wrong.status).toBe('failed');
    expect(step(wrong, 'train').attempts).toBe(1);
    expect(wrong.error).toMatch(/best trial of search .* is a ridge model, but the pipeline trains lasso/);
  });

  it('retries a failing step with backoff and records every attempt (METER_FAULT)', async () => {
    process.env.METER_FAULT = 'pipeline:features:2';
    let f: FlowRun;
    try {
      f = await run({ ...base, name: 'green-faulty', promote: undefined, retries: { count: 2, delaySeconds: 0.1 } });
    } finally {
      delete process.env.METER_FAULT;
    }
    expect(f.status).toBe('done');
    const s = step(f, 'features');
    expect(s.attempts).toBe(3);
    expect(s.status).toBe('cached');
    const lines = s.logs.map((l) => `${l.level} ${l.message}`);
    expect(lines.filter((l) => l.startsWith('error INTERNAL: Injected fault'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('warn retrying'))).toEqual(['warn retrying in 0.1 s (2 retries left)', 'warn retrying in 0.2 s (1 retry left)']);
    expect(statuses(f).slice(3)).toEqual(['evaluate:done', 'register:skipped', 'promote:skipped']);
  });

  it('fails after the last retry, then reruns from the failed step keeping the steps before it', async () => {
    const spec = { ...base, name: 'green-rerun', promote: undefined, retries: { count: 1, delaySeconds: 0 } };
    process.env.METER_FAULT = 'pipeline:evaluate:9';
    let f: FlowRun;
    try { f = await run(spec); } finally { delete process.env.METER_FAULT; }
    expect(f.status).toBe('failed');
    expect(f.error).toMatch(/^Step evaluate failed after 2 attempts: Injected fault/);
    expect(statuses(f)).toEqual(['load:cached', 'features:cached', 'train:cached', 'evaluate:failed', 'register:pending', 'promote:pending']);
    const before = runCount();
    const { jobId } = await h.client.call('pipelines.rerun', { flowRunId: f.flowRunId });
    await h.client.call('jobs.wait', { jobId });
    const again = await h.client.call('pipelines.get', { flowRunId: f.flowRunId });
    expect(again.status).toBe('done');
    expect(statuses(again)).toEqual(['load:cached', 'features:cached', 'train:cached', 'evaluate:cached', 'register:skipped', 'promote:skipped']);
    expect(step(again, 'load').startedMs).toBe(step(f, 'load').startedMs);
    expect(runCount()).toBe(before);
    await expect(h.client.call('pipelines.rerun', { flowRunId: f.flowRunId })).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('a bad or missing file fails fast, naming it, without retries', async () => {
    const dir = tempDir('meter-pipe-bad-');
    symlinkSync(shared('green_tripdata_2023-01.parquet'), join(dir, 'green_tripdata_2023-01.parquet'));
    writeFileSync(join(dir, 'green_tripdata_2023-02.parquet'), 'not a parquet file');
    symlinkSync(shared('green_tripdata_2023-03.parquet'), join(dir, 'green_tripdata_2023-03.parquet'));
    const bad = await run({ ...base, name: 'green-bad', data: dir, retries: { count: 3, delaySeconds: 60 } });
    expect(bad.status).toBe('failed');
    expect(step(bad, 'load')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(bad.error).toMatch(/green_tripdata_2023-02\.parquet/);
    const missing = await run({ ...base, name: 'green-bad', data: dir, retries: { count: 3, delaySeconds: 60 } }, '2023-05');
    expect(step(missing, 'load')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(missing.error).toBe(`Step load failed: green_tripdata_2023-04.parquet (the val month 2023-04) is not in ${dir}.`);
  });

  it('refuses unknown keys by name and params the model does not take', async () => {
    await expect(h.client.call('pipelines.run', { pipeline: { ...base, modle: 'ridge' } as PipelineSpec, month: '2023-03' }))
      .rejects.toThrow('pipelines.run: "pipeline" has no field "modle"');
    await expect(h.client.call('pipelines.run', { pipeline: { ...base, model: 'ridge', params: { alpha: -1 } }, month: '2023-03' })).rejects.toThrow(/alpha .* must be a number > 0; got -1/);
    await expect(h.client.call('pipelines.run', { pipeline: { ...base, schedule: '0 6 2 *' }, month: '2023-03' })).rejects.toThrow(/it has 4 fields/);
    await expect(h.client.call('pipelines.run', { pipeline: base, month: '2023-13' })).rejects.toThrow(/YYYY-MM/);
  });

  it('cancel stops the flow and its training job (the run ends KILLED)', async () => {
    const { flowRunId, jobId } = await h.client.call('pipelines.run', { pipeline: { ...base, name: 'green-cancel', model: 'gbt', params: { nRounds: 20000, learningRate: 0.001, earlyStopping: 20000 }, promote: undefined }, month: '2023-03' });
    let f = await h.client.call('pipelines.get', { flowRunId });
    while (step(f, 'train').status !== 'running' || f.runId === null) {
      await new Promise((r) => setTimeout(r, 50));
      f = await h.client.call('pipelines.get', { flowRunId });
    }
    expect(await h.client.call('pipelines.cancel', { flowRunId })).toEqual({ cancelled: true });
    await h.client.call('jobs.wait', { jobId: jobId as JobId });
    f = await h.client.call('pipelines.get', { flowRunId });
    expect(f.status).toBe('cancelled');
    expect(step(f, 'train').status).toBe('failed');
    expect((await h.client.call('runs.get', { runId: f.runId! })).status).toBe('KILLED');
    expect(await h.client.call('pipelines.cancel', { flowRunId })).toEqual({ cancelled: false });
  });

  it('backfills a month range: months without files skipped and named, finished months reused', async () => {
    const spec: PipelineSpec = { ...base, name: 'green-backfill', features: 'pu_do', offsets: { train: -1, val: 0 }, promote: undefined };
    const before = runCount();
    const { jobId, months } = await h.client.call('pipelines.backfill', { pipeline: spec, from: '2023-01', to: '2023-04' });
    expect(months.map((m) => [m.month, m.flowRunId === null, m.reason])).toEqual([
      ['2023-01', true, 'missing green_tripdata_2022-12.parquet (train)'], ['2023-02', false, null], ['2023-03', false, null],
      ['2023-04', true, 'missing green_tripdata_2023-04.parquet (val)'],
    ]);
    await h.client.call('jobs.wait', { jobId });
    const flows = await Promise.all(months.filter((m) => m.flowRunId).map((m) => h.client.call('pipelines.get', { flowRunId: m.flowRunId! })));
    expect(flows.map((f) => `${f.month}:${f.status}:${f.trigger}`)).toEqual(['2023-02:done:backfill', '2023-03:done:backfill']);
    expect(runCount()).toBe(before + 2);
    const again = await h.client.call('pipelines.backfill', { pipeline: spec, from: '2023-02', to: '2023-03' });
    expect(again.months.map((m) => [m.month, m.reused, m.flowRunId])).toEqual(flows.map((f) => [f.month, true, f.flowRunId]));
    await h.client.call('jobs.wait', { jobId: again.jobId });
    expect(runCount()).toBe(before + 2);
  });

  it('a schedule missed while Meter was closed fires once at start and runs the month before the fire', async () => {
    const saved = await h.client.call('pipelines.save', { pipeline: { ...base, name: 'green-scheduled', schedule: '0 6 2 * *' } });
    // A save is not a fire: "last fired" stays empty until the schedule really fires.
    expect(saved.lastFireMs).toBeNull();
    // Saved in January 2023, last fired on Feb 2; Meter starts on Apr 10: Mar 2 and Apr 2 were missed, one catch-up run (March).
    h.ctx.db.prepare("UPDATE pipelines SET schedule_from_ms = ?, last_fire_ms = ? WHERE name = 'green-scheduled'").run(new Date(2023, 0, 10).getTime(), new Date(2023, 1, 2, 6).getTime());
    const timers: number[] = [];
    const lines: string[] = [];
    const clock = { now: () => new Date(2023, 3, 10, 9).getTime(), setTimeout: (_fn: () => void, ms: number) => timers.push(ms), clearTimeout: () => {} };
    const scheduler = startPipelineScheduler(h.ctx, clock, (l) => lines.push(l));
    scheduler.stop();
    const flows = await h.client.call('pipelines.runs', { pipeline: 'green-scheduled' });
    expect(flows.map((f) => `${f.month}:${f.trigger}`)).toEqual(['2023-03:schedule']);
    expect(lines).toEqual([`pipeline green-scheduled: scheduled flow run ${flows[0].flowRunId} for 2023-03`]);
    expect(timers).toEqual([60_000]);
    const [p] = (await h.client.call('pipelines.list', {})).filter((x) => x.name === 'green-scheduled');
    expect(p.lastFireMs).toBe(new Date(2023, 3, 2, 6).getTime());
    const job = h.ctx.jobs.list().find((j) => j.kind === 'pipeline' && j.state === 'running');
    if (job) await h.client.call('jobs.wait', { jobId: job.jobId });
    expect((await h.client.call('pipelines.get', { flowRunId: flows[0].flowRunId })).status).toBe('done');
    // started again at the same moment: nothing more is due
    startPipelineScheduler(h.ctx, clock, (l) => lines.push(l)).stop();
    expect(await h.client.call('pipelines.runs', { pipeline: 'green-scheduled' })).toHaveLength(1);
  });

  it('lists flow runs newest first and the saved pipelines with their schedule', async () => {
    const runs = await h.client.call('pipelines.runs', { pipeline: 'green-monthly' });
    expect(runs.map((r) => r.flowRunId)).toContain(first.flowRunId);
    // Its runs saved nothing: only pipelines.save does.
    expect((await h.client.call('pipelines.list', {})).map((x) => x.name)).not.toContain('green-monthly');
    await h.client.call('pipelines.save', { pipeline: { ...base, schedule: '0 6 2 * *' } });
    const list = await h.client.call('pipelines.list', {});
    const p = list.find((x) => x.name === 'green-monthly')!;
    expect(p.schedule).toBe('0 6 2 * *');
    expect(new Date(p.nextFireMs!).getDate()).toBe(2);
    expect(p.lastFireMs).toBeNull();
    // Another spec under the same name: refused naming the difference, unless replace.
    // The differences also travel as a list (the Pipelines screen shows one a line), not a string to split.
    await expect(h.client.call('pipelines.save', { pipeline: { ...base, model: 'ridge', schedule: '0 6 2 * *', params: { alpha: 0.5 } } }))
      .rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
        message: expect.stringContaining('already saved with a different spec: model: "linear" → "ridge"; params.alpha: '),
        details: { pipeline: 'green-monthly', differences: ['model: "linear" → "ridge"', expect.stringMatching(/^params\.alpha: .* → 0\.5$/)] },
      });
    expect((await h.client.call('pipelines.list', {})).find((x) => x.name === 'green-monthly')).toEqual(p);
    const replaced = await h.client.call('pipelines.save', { pipeline: { ...base, model: 'ridge', schedule: '0 6 2 * *' }, replace: true });
    expect(replaced.spec.model).toBe('ridge');
    expect(replaced.lastFireMs).toBe(p.lastFireMs);
  });
});

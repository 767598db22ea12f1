// A run whose push finished is not final: a search extended after it was pushed (more trials in its metric
// histories, a new best.json, meter.max_trials raised, ended again), or a run tagged, noted or renamed in Meter,
// goes again — only what the server lacks — to MLflow's real tracking server (2.17.2, started here). Read back
// through MLflow's REST API: the same histories point for point, the same files byte for byte, the same end.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSampleHarness, tuningUntil, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, startMlflowServer } from '../../../test/mlflow-client';
import type { DatasetId, RunId } from '../../shared/domain';
import { metricHistory } from '../store/runs-repo';
import { pushCounted, type PushRequest } from './push';

const missing = mlflowClientMissing();
if (missing) console.log(`mlflow changed-run push tests skipped: ${missing}`);

describe.skipIf(missing !== null)('a run changed in Meter after its push goes again', () => {
  let h: Harness;
  let train: DatasetId;
  let val: DatasetId;
  let dir: string;
  let mlflow: { uri: string; stop(): void };
  const get = async (path: string, q: Record<string, string>) => (await fetch(`${mlflow.uri}/api/2.0/mlflow/${path}?${new URLSearchParams(q)}`)).json() as Promise<any>;
  const push = (req: Partial<PushRequest>) => pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [], models: [], ...req });
  const remoteRun = async (id: string) => (await get('runs/get', { run_id: id })).run;
  const tagsOf = (run: any): Record<string, string> => Object.fromEntries(((run.data.tags ?? []) as any[]).map((t) => [t.key, t.value]));
  /** A metric's history as [step, timestamp, value], sorted: Meter's and the server's, to compare whole. */
  const sortPoints = (p: number[][]) => p.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const localHistory = (runId: string, key: string) => sortPoints(metricHistory(h.ctx.db, runId as RunId, key).map((p) => [p.step, p.timestampMs, p.value]));
  const remoteHistory = async (remoteId: string, key: string) =>
    sortPoints(((await get('metrics/get-history', { run_id: remoteId, metric_key: key })).metrics as any[]).map((m) => [Number(m.step ?? 0), Number(m.timestamp), m.value]));
  const remoteFile = async (artifactUri: string, path: string) =>
    (await fetch(`${mlflow.uri}/api/2.0/mlflow-artifacts/artifacts/${artifactUri.replace(/^mlflow-artifacts:\//, '')}/${path}`)).text();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-changed-'));
    mlflow = await startMlflowServer(dir);
    ({ h, train, val } = await openSampleHarness());
  }, 120_000);
  afterAll(async () => {
    mlflow?.stop();
    await h?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a search extended after its push: the search run there gets the new points, best.json, tags and end; the new trials go; a third push sends nothing', async () => {
    const { tuningId } = await h.client.call('tuning.start', { experiment: 'extended', train, val, space: { model: 'ridge', featureSet: 'basic', alpha: { loguniform: [-5, 3] } }, algo: 'random', maxTrials: 2, parallel: 1, seed: 3 });
    await tuningUntil(h.client, tuningId, (x) => x.status !== 'RUNNING');
    const first = await push({ experiments: ['extended'] });
    expect(first.counts).toMatchObject({ runs: 3, errors: 0 });
    const remoteSearch = first.report.runs.find((r) => r.runId === tuningId)!.remoteRunId;

    await h.client.call('tuning.extend', { tuningId, trials: 3 });
    const extended = await tuningUntil(h.client, tuningId, (x) => x.status !== 'RUNNING');
    expect(extended.trials).toHaveLength(5);
    const dry = await push({ experiments: ['extended'], dryRun: true });
    const again = await push({ experiments: ['extended'] });
    // the search run and the three new trials; the two trials pushed before are there as they were
    expect(again.counts).toMatchObject({ experiments: 0, runs: 4, skipped: 2, errors: 0 });
    expect(again.counts).toEqual(dry.counts);
    expect(again.report.runs.find((r) => r.runId === tuningId)).toMatchObject({ remoteRunId: remoteSearch, pushed: true });

    const local = await h.client.call('runs.get', { runId: tuningId });
    const there = await remoteRun(remoteSearch);
    expect(tagsOf(there)['meter.max_trials']).toBe('5');
    expect(there.info.status).toBe('FINISHED');
    expect(Number(there.info.end_time)).toBe(local.endMs);
    expect(Object.keys(local.metrics).length).toBeGreaterThan(0);
    for (const key of Object.keys(local.metrics)) expect(await remoteHistory(remoteSearch, key), key).toEqual(localHistory(tuningId, key));
    // best.json was rewritten in place (it may keep its size): the server has the new one
    expect(await remoteFile(there.info.artifact_uri, 'search/best.json')).toBe(readFileSync(join(h.ctx.artifactsDir(tuningId), 'search', 'best.json'), 'utf8'));
    // the new trials nest under the search there
    for (const t of extended.trials) {
      const r = again.report.runs.find((x) => x.runId === t.runId) ?? first.report.runs.find((x) => x.runId === t.runId)!;
      expect(tagsOf(await remoteRun(r.remoteRunId))['mlflow.parentRunId']).toBe(remoteSearch);
    }

    const third = await push({ experiments: ['extended'] });
    expect(third.counts).toMatchObject({ runs: 0, metrics: 0, artifacts: 0, skipped: 6, errors: 0 });
  }, 240_000);

  it('a run tagged, noted and renamed in Meter after its push: the server gets the tag, the note and the name, nothing twice', async () => {
    const { tuningId } = await h.client.call('tuning.start', { experiment: 'edited', train, val, space: { model: 'ridge', featureSet: 'basic', alpha: { loguniform: [-5, 3] } }, algo: 'random', maxTrials: 1, parallel: 1, seed: 4 });
    const s = await tuningUntil(h.client, tuningId, (x) => x.status !== 'RUNNING');
    const trial = s.trials[0].runId;
    const first = await push({ runIds: [trial] });
    const remoteId = first.report.runs.find((r) => r.runId === trial)!.remoteRunId;
    const before = await remoteRun(remoteId);

    await h.client.call('runs.setTag', { runId: trial, key: 'reviewed', value: 'yes' });
    await h.client.call('runs.setNotes', { runId: trial, notes: 'the one we ship' });
    await h.client.call('runs.rename', { runId: trial, name: 'ridge-shipped' });
    const again = await push({ runIds: [trial] });
    expect(again.counts).toMatchObject({ runs: 1, metrics: 0, artifacts: 0, errors: 0 });
    const after = await remoteRun(remoteId);
    expect(tagsOf(after)).toMatchObject({ reviewed: 'yes', 'mlflow.note.content': 'the one we ship', 'mlflow.runName': 'ridge-shipped' });
    expect(after.info.run_name).toBe('ridge-shipped');
    for (const m of before.data.metrics as any[]) expect(await remoteHistory(remoteId, m.key), m.key).toEqual(localHistory(trial, m.key));
    expect((await push({ runIds: [trial] })).counts).toMatchObject({ runs: 0, skipped: 2 });
  }, 240_000);

  it('while an extended search runs, its trials pushed before are there already — not held, and no problem in the app', async () => {
    const { tuningId } = await h.client.call('tuning.start', { experiment: 'extending', train, val, space: { model: 'ridge', featureSet: 'basic', alpha: { loguniform: [-5, 3] } }, algo: 'random', maxTrials: 2, parallel: 1, seed: 5 });
    const before = await tuningUntil(h.client, tuningId, (x) => x.status !== 'RUNNING');
    const first = await push({ experiments: ['extending'] });
    const old = new Map(before.trials.map((t) => [t.runId as string, first.report.runs.find((r) => r.runId === t.runId)!.remoteRunId]));
    // many more trials, so the pushes below run while the search does
    await h.client.call('tuning.extend', { tuningId, trials: 200 });
    const during = await push({ experiments: ['extending'] });
    for (const [runId, remoteRunId] of old) {
      expect(during.report.runs.find((r) => r.runId === runId)).toEqual({ runId, remoteRunId, experiment: 'extending', pushed: false });
    }
    // the app's push job lists what did not go: a trial of the extension waits for its search, the old ones don't
    const { jobId } = await h.client.call('mlflow.startPush', { to: mlflow.uri, experiments: ['extending'] });
    await h.client.call('jobs.wait', { jobId });
    const result = await h.client.call('mlflow.result', { jobId });
    expect(result!.problems.some((p) => [...old.keys()].some((id) => p.includes(id)))).toBe(false);
    expect(result!.problems.every((p) => p.includes(`its search ${before.name} (${tuningId}) is still running; push it when the search has ended`))).toBe(true);
    expect((await h.client.call('runs.get', { runId: tuningId })).status).toBe('RUNNING'); // the pushes ran while it did
    await h.client.call('tuning.cancel', { tuningId });
    await tuningUntil(h.client, tuningId, (x) => x.status !== 'RUNNING');
  }, 240_000);
});

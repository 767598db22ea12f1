// The MLflow jobs store over a fake transport: after a reload it shows the push still running in core (and
// not the training job, which is the app store's), follows its progress, asks for the result when it ends,
// and says so when a job it showed ended while the page was away.
import { settle } from './test-support';
import { beforeEach, describe, expect, it } from 'vitest';
import { asJobId, asRunId } from '../../../shared/domain';
import type { JobInfo } from '../../../shared/jobs';
import type { MlflowTransferResult } from '../../../shared/mlflow-transfer';
import { createClient } from '../api/client';
import { createFakeTransport, type FakeHandlers } from '../api/fake-transport';
import { useMlflowJobs } from './mlflow-jobs';

const initial = useMlflowJobs.getState();
const PUSH = asJobId('push-1');
const info = (patch: Partial<JobInfo>): JobInfo => ({ jobId: PUSH, kind: 'mlflow-push', runId: null, parentJobId: null, state: 'running', phase: 'push runs', done: 4, total: 28, startedMs: 1, ...patch });
const RESULT: MlflowTransferResult = { direction: 'push', dryRun: false, cancelled: true, problems: [], counts: { experiments: 1, runs: 0, metrics: 2000, artifacts: 0, models: 0, versions: 0, skipped: 0, errors: 0 } };

function client(handlers: FakeHandlers) {
  const transport = createFakeTransport({ 'jobs.cancel': () => ({ cancelled: true }), 'mlflow.result': () => RESULT, ...handlers });
  return { transport, client: createClient(transport) };
}

beforeEach(() => useMlflowJobs.setState(initial, true));

describe('MLflow jobs store', () => {
  it('shows how a job ended when its end arrived before the reply that started it (an unreachable server)', async () => {
    const { transport, client: c } = client({ 'jobs.list': () => [] });
    await useMlflowJobs.getState().attach(c);
    const IMPORT = asJobId('import-1');
    transport.emit('job.finished', { jobId: IMPORT, kind: 'mlflow-import', runId: null, state: 'failed', error: { code: 'INVALID_ARGUMENT', message: 'Cannot reach MLflow at http://127.0.0.1:5999.' }, metrics: null });
    useMlflowJobs.getState().started(IMPORT, 'import', 'Importing from http://127.0.0.1:5999');
    await settle();
    expect(useMlflowJobs.getState().jobs[0]).toMatchObject({ jobId: IMPORT, state: 'failed', cancelling: false });
    expect(useMlflowJobs.getState().jobs[0].error?.message).toMatch(/Cannot reach MLflow/);
  });

  it('after a reload shows the push running in core with its progress, cancels it, and shows its result when it ends', async () => {
    const { transport, client: c } = client({ 'jobs.list': () => [info({}), info({ jobId: asJobId('train-1'), kind: 'train', runId: asRunId('r') }), info({ jobId: asJobId('done'), state: 'succeeded' })] });
    await useMlflowJobs.getState().attach(c);
    expect(useMlflowJobs.getState().jobs.map((j) => [j.jobId, j.direction, j.state, j.progress?.done])).toEqual([[PUSH, 'push', 'running', 4]]);

    transport.emit('job.progress', { jobId: PUSH, kind: 'mlflow-push', runId: null, phase: 'push runs', done: 9, total: 28 });
    transport.emit('job.progress', { jobId: asJobId('train-1'), kind: 'train', runId: asRunId('r'), phase: 'fit', done: 1, total: 2 });
    expect(useMlflowJobs.getState().jobs[0].progress).toMatchObject({ done: 9, total: 28 });
    expect(useMlflowJobs.getState().jobs).toHaveLength(1);

    await useMlflowJobs.getState().cancel(c, PUSH);
    expect(transport.argsOf('jobs.cancel')).toEqual([{ jobId: PUSH }]);
    expect(useMlflowJobs.getState().jobs[0].cancelling).toBe(true);

    transport.emit('job.finished', { jobId: PUSH, kind: 'mlflow-push', runId: null, state: 'cancelled', error: { code: 'CANCELLED', message: 'The job was cancelled.' }, metrics: null });
    await settle();
    const job = useMlflowJobs.getState().jobs[0];
    expect(job).toMatchObject({ state: 'cancelled', cancelling: false, error: null, result: RESULT });
    expect(transport.argsOf('mlflow.result')).toEqual([{ jobId: PUSH }]);
  });

  it('a job it showed that core no longer runs ended unseen: shown as stopped with why, not spinning', async () => {
    let running = true;
    const { client: c } = client({ 'jobs.list': () => (running ? [info({})] : []) });
    await useMlflowJobs.getState().attach(c);
    running = false;
    await useMlflowJobs.getState().attach(c);
    expect(useMlflowJobs.getState().jobs[0]).toMatchObject({ state: 'failed' });
    expect(useMlflowJobs.getState().jobs[0].error?.message).toMatch(/ended while the page was not connected/);
  });

  it('finishes a push whose job.finished overtook the jobs.list answered while it still ran (HTTP vs WebSocket)', async () => {
    const RACED = asJobId('push-raced');
    let answer: (jobs: JobInfo[]) => void = () => undefined;
    const { transport, client: c } = client({ 'jobs.list': () => new Promise<JobInfo[]>((resolve) => { answer = resolve; }) });
    const attaching = useMlflowJobs.getState().attach(c);
    await settle();
    transport.emit('job.finished', { jobId: RACED, kind: 'mlflow-push', runId: null, state: 'succeeded', error: null, metrics: null });
    answer([info({ jobId: RACED })]);
    await attaching;
    await settle();
    expect(useMlflowJobs.getState().jobs).toHaveLength(1);
    expect(useMlflowJobs.getState().jobs[0]).toMatchObject({ jobId: RACED, state: 'succeeded', result: RESULT });
  });

  it('a job that ended while no socket was open shows its real outcome, which core kept unread', async () => {
    const UNSEEN = asJobId('push-unseen');
    let state: JobInfo['state'] = 'running';
    const { transport, client: c } = client({
      'jobs.list': () => [info({ jobId: UNSEEN, state })],
      'jobs.wait': () => ({ jobId: UNSEEN, kind: 'mlflow-push', runId: null, state: 'succeeded', error: null, metrics: null }),
    });
    await useMlflowJobs.getState().attach(c);
    state = 'succeeded';
    await useMlflowJobs.getState().attach(c);
    await settle();
    expect(transport.argsOf('jobs.wait')).toEqual([{ jobId: UNSEEN }]);
    expect(useMlflowJobs.getState().jobs[0]).toMatchObject({ jobId: UNSEEN, state: 'succeeded', error: null, result: RESULT });
  });

  it('a reconnect whose jobs.list fails (the server gone again) raises nothing; the next one reads the jobs', async () => {
    let reachable = true;
    const { transport, client: c } = client({ 'jobs.list': () => { if (!reachable) throw new Error('Cannot reach the Meter server: Failed to fetch'); return [info({ jobId: asJobId('push-after') })]; } });
    reachable = false;
    await useMlflowJobs.getState().attach(c).catch(() => undefined);
    transport.connection(true); // an unhandled rejection here fails the run (a page's error, in the browser)
    await settle();
    reachable = true;
    transport.connection(true);
    await settle();
    expect(useMlflowJobs.getState().jobs.map((j) => j.jobId)).toEqual(['push-after']);
  });

  it('a job started here replaces the dialog and is listed first', () => {
    useMlflowJobs.getState().openPush({ models: ['taxi'] });
    expect(useMlflowJobs.getState().dialog).toEqual({ direction: 'push', choice: { models: ['taxi'] } });
    useMlflowJobs.getState().started(asJobId('imp'), 'import', 'Importing from mlflow.db');
    expect(useMlflowJobs.getState().dialog).toBeNull();
    expect(useMlflowJobs.getState().jobs.map((j) => j.label)).toEqual(['Importing from mlflow.db']);
  });
});

// The app store over a fake transport: what it asks core for, and what it holds after answers, failures
// (the error code kept) and job events.
import { fakeWindow, settle, APP_INFO, dataset, experiment, runRow } from './test-support';
import { beforeEach, describe, expect, it } from 'vitest';
import { asJobId, asRunId } from '../../../shared/domain';
import type { JobInfo, JobOutcome } from '../../../shared/jobs';
import { MeterError } from '../../../shared/errors';
import { createClient } from '../api/client';
import { createFakeTransport, type FakeHandlers, type FakeTransport } from '../api/fake-transport';
import { useApp } from './app-store';

const initial = useApp.getState();
const JOB = asJobId('job-1');
const RUN = asRunId('run-1');
const TRAIN = { experiment: 'nyc-taxi', model: 'linear', featureSet: 'basic', train: dataset('jan', '2023-01').datasetId, val: dataset('feb', '2023-02').datasetId } as const;

const core: FakeHandlers = {
  'app.info': () => APP_INFO,
  'data.list': () => [dataset('jan', '2023-01'), dataset('feb', '2023-02')],
  'experiments.list': () => [experiment('e1', 'nyc-taxi')],
  'runs.search': (q) => ({ runs: [runRow('r1')], total: 1, offset: q.offset ?? 0, limit: q.limit ?? 50 }),
  'jobs.startTraining': () => ({ jobId: JOB, runId: RUN }),
  'jobs.cancel': () => ({ cancelled: true }),
  'jobs.list': () => [],
  'scoring.start': () => ({ jobId: asJobId('job-s'), outputs: ['/out/feb.predictions.parquet'] }),
};

const outcome = (patch: Partial<JobOutcome> = {}): JobOutcome =>
  ({ jobId: JOB, kind: 'train', runId: RUN, state: 'succeeded', error: null, metrics: { rmse_val: 6 }, ...patch });

async function connected(handlers: FakeHandlers = {}): Promise<FakeTransport> {
  const transport = createFakeTransport({ ...core, ...handlers });
  await useApp.getState().init(createClient(transport));
  return transport;
}

beforeEach(() => {
  useApp.setState(initial, true);
  fakeWindow.location.hash = '';
});

describe('app store', () => {
  it('starts by asking core who it is, then loads datasets, experiments and the first runs', async () => {
    const t = await connected();
    expect(t.methods()).toEqual(['app.info', 'data.list', 'experiments.list', 'runs.search', 'jobs.list']);
    expect(t.argsOf('runs.search')).toEqual([{ limit: 50 }]);
    const s = useApp.getState();
    expect(s.info).toEqual(APP_INFO);
    expect(s.datasets.map((d) => d.fileName)).toEqual(['jan.parquet', 'feb.parquet']);
    expect(s.experiments.map((e) => e.name)).toEqual(['nyc-taxi']);
    expect(s.runs.map((r) => r.runId)).toEqual(['r1']);
  });

  it('after a reload, shows the training job still running in core (progress, Cancel) and lists running searches', async () => {
    const info = (patch: Partial<JobInfo>): JobInfo => ({ jobId: JOB, kind: 'train', runId: RUN, parentJobId: null, state: 'running', phase: 'fit', done: 3, total: 10, startedMs: 1, ...patch });
    const t = await connected({ 'jobs.list': () => [
      info({ jobId: asJobId('trial'), parentJobId: asJobId('tune-1'), runId: asRunId('trial-run') }),
      info({ jobId: asJobId('tune-1'), kind: 'tune', runId: asRunId('search-1') }),
      info({}),
      info({ jobId: asJobId('old'), state: 'succeeded' }),
    ] });
    const s = useApp.getState();
    expect(s.job).toMatchObject({ jobId: JOB, runId: RUN, progress: { phase: 'fit', done: 3, total: 10 }, cancelling: false });
    expect(s.tunings).toEqual(['search-1']);
    await s.cancelJob();
    expect(t.argsOf('jobs.cancel')).toEqual([{ jobId: JOB }]);
    t.emit('job.finished', outcome({ jobId: asJobId('tune-1'), kind: 'tune', runId: asRunId('search-1') }));
    await settle();
    expect(useApp.getState().tunings).toEqual([]);
  });

  it('does not attach a job whose job.finished came before a jobs.list answered while it still ran', async () => {
    // Browser mode: calls over HTTP, events over a WebSocket, so the event can overtake the older answer.
    const running: JobInfo = { jobId: JOB, kind: 'drift', runId: null, parentJobId: null, state: 'running', phase: 'month', done: 99, total: 100, startedMs: 1 };
    let answer: (jobs: JobInfo[]) => void = () => undefined;
    const t = await connected();
    t.handle('jobs.list', () => new Promise<JobInfo[]>((resolve) => { answer = resolve; }));
    const attaching = useApp.getState().attachJobs();
    await settle();
    t.emit('job.finished', outcome({ kind: 'drift', runId: null }));
    answer([running]);
    await attaching;
    expect(useApp.getState().job).toBeNull();
    // and what it made still opens (the Monitor screen opens a drift job's timeline from lastOutcome)
    expect(useApp.getState().lastOutcome).toMatchObject({ jobId: JOB, kind: 'drift', state: 'succeeded' });
    // a job this window has not seen end is still found again
    t.handle('jobs.list', () => [{ ...running, jobId: asJobId('job-2') }]);
    await useApp.getState().attachJobs();
    expect(useApp.getState().job?.jobId).toBe('job-2');
  });

  it('shows how its job ended when that job.finished went to nobody (no socket open): core hands over the unread outcome', async () => {
    // (job ids are new per test: the store remembers the job.finished events it saw, as a window does)
    const unseen = asJobId('job-unseen');
    const t = await connected({ 'jobs.startTraining': () => ({ jobId: unseen, runId: RUN }) });
    await useApp.getState().train(TRAIN, 'linear on jan');
    expect(useApp.getState().job?.jobId).toBe(unseen);
    const done: JobInfo = { jobId: unseen, kind: 'train', runId: RUN, parentJobId: null, state: 'succeeded', phase: 'done', done: 10, total: 10, startedMs: 1 };
    t.handle('jobs.list', () => [done]);
    t.handle('jobs.wait', () => outcome({ jobId: unseen }));
    await useApp.getState().attachJobs();
    expect(t.argsOf('jobs.wait')).toEqual([{ jobId: unseen }]);
    expect(useApp.getState()).toMatchObject({ job: null, lastOutcome: { jobId: unseen, state: 'succeeded' }, route: { screen: 'runs', runId: RUN } });
  });

  it("does not take as its own a job another window or the CLI started after this page loaded", async () => {
    const later: JobInfo = { jobId: asJobId('cli-drift'), kind: 'drift', runId: null, parentJobId: null, state: 'running', phase: 'month', done: 1, total: 2, startedMs: Date.now() + 60_000 };
    const t = await connected({ 'jobs.list': () => [later] });
    expect(useApp.getState().job).toBeNull();
    t.emit('job.finished', outcome({ jobId: later.jobId, kind: 'drift', runId: null }));
    await useApp.getState().attachJobs();
    expect(useApp.getState()).toMatchObject({ job: null, lastOutcome: null });
  });

  it('clears a job core no longer knows (its outcome read elsewhere) without inventing one', async () => {
    const t = await connected({ 'jobs.startTraining': () => ({ jobId: asJobId('job-forgotten'), runId: RUN }) });
    await useApp.getState().train(TRAIN, 'linear on jan');
    expect(useApp.getState().job?.jobId).toBe('job-forgotten');
    t.handle('jobs.list', () => []);
    await useApp.getState().attachJobs();
    expect(t.methods()).not.toContain('jobs.wait');
    expect(useApp.getState()).toMatchObject({ job: null, lastOutcome: null });
  });

  it('rejects with the MeterError core sent, code and details kept', async () => {
    const t = await connected({ 'runs.get': () => { throw new MeterError('NOT_FOUND', 'No run with id nope.', { runId: 'nope' }); } });
    const err = await useApp.getState().client!.call('runs.get', { runId: asRunId('nope') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: 'No run with id nope.', details: { runId: 'nope' } });
    expect(t.argsOf('runs.get')).toEqual([{ runId: 'nope' }]);
  });

  it('turns a transport that throws into an INTERNAL MeterError with its text', async () => {
    const t = createFakeTransport(core);
    t.call = () => Promise.reject(new TypeError('Failed to fetch'));
    const err = await createClient(t).call('app.info', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect(err).toMatchObject({ code: 'INTERNAL', message: 'Failed to fetch' });
  });

  it('trains: starts the job, follows its progress, and opens the run when it finishes', async () => {
    const t = await connected();
    await useApp.getState().train(TRAIN, 'Training linear (basic)');
    expect(t.argsOf('jobs.startTraining')).toEqual([TRAIN]);
    expect(useApp.getState().job).toEqual({ jobId: JOB, runId: RUN, label: 'Training linear (basic)', progress: null, cancelling: false });

    t.emit('job.progress', { jobId: asJobId('someone-else'), kind: 'train', runId: null, phase: 'fit', done: 1, total: 9 });
    expect(useApp.getState().job?.progress).toBeNull();
    t.emit('job.progress', { jobId: JOB, kind: 'train', runId: RUN, phase: 'fit', done: 3, total: 10 });
    expect(useApp.getState().job?.progress).toMatchObject({ phase: 'fit', done: 3, total: 10 });

    const before = t.argsOf('runs.search').length;
    t.emit('job.finished', outcome());
    await settle();
    const s = useApp.getState();
    expect(s.job).toBeNull();
    expect(s.lastOutcome).toEqual(outcome());
    expect(s.route).toMatchObject({ screen: 'runs', runId: RUN });
    expect(fakeWindow.location.hash).toBe('#/runs/run-1');
    expect(t.argsOf('runs.search').length).toBe(before + 1); // the lists were refreshed
  });

  it("refreshes on another window's finished job but keeps its own job running", async () => {
    const t = await connected();
    await useApp.getState().train(TRAIN, 'mine');
    t.emit('job.finished', outcome({ jobId: asJobId('other') }));
    await settle();
    expect(useApp.getState().job?.jobId).toBe(JOB);
    expect(useApp.getState().lastOutcome).toBeNull();
  });

  it('keeps a failed training request as an error with its code, and Retry sends it again', async () => {
    let busy = true;
    const t = await connected({
      'jobs.startTraining': () => {
        if (busy) throw new MeterError('DB_BUSY', 'The store is busy; try again.', undefined, true);
        return { jobId: JOB, runId: RUN };
      },
    });
    await useApp.getState().train(TRAIN, 'Training');
    const s = useApp.getState();
    expect(s.job).toBeNull();
    expect(s.error).toBeInstanceOf(MeterError);
    expect(s.error).toMatchObject({ code: 'DB_BUSY', message: 'The store is busy; try again.', retryable: true });
    busy = false;
    await s.retry?.();
    expect(t.argsOf('jobs.startTraining')).toEqual([TRAIN, TRAIN]);
    expect(useApp.getState()).toMatchObject({ error: null, retry: null, job: { jobId: JOB } });
  });

  it('scores with a label naming the files and the model; a refused request keeps its code', async () => {
    const t = await connected();
    await useApp.getState().score({ modelUri: 'models:/taxi@champion', inputs: ['/data/feb.parquet'] });
    expect(t.argsOf('scoring.start')).toEqual([{ modelUri: 'models:/taxi@champion', inputs: ['/data/feb.parquet'] }]);
    expect(useApp.getState().job?.label).toBe('Scoring 1 file with models:/taxi@champion');

    useApp.setState({ job: null });
    t.handle('scoring.start', () => { throw new MeterError('NOT_FOUND', 'No model taxi has alias @gone.', { alias: 'gone' }); });
    await useApp.getState().score({ modelUri: 'models:/taxi@gone', inputs: ['/a.parquet', '/b.parquet'] });
    expect(useApp.getState().error).toMatchObject({ code: 'NOT_FOUND', details: { alias: 'gone' } });
  });

  it('cancels the running job by its id', async () => {
    const t = await connected();
    await useApp.getState().train(TRAIN, 'Training');
    await useApp.getState().cancelJob();
    expect(t.argsOf('jobs.cancel')).toEqual([{ jobId: JOB }]);
    expect(useApp.getState().job?.cancelling).toBe(true);
  });

  it('imports each dropped file on its own: a bad one becomes an error card with its code, the others import', async () => {
    const t = await connected({
      'data.import': ({ path }) => {
        if (path.endsWith('notes.parquet')) throw new MeterError('FILE_UNREADABLE', 'notes.parquet is not a parquet file.', { path });
        return { ...dataset('jan', '2023-01'), alreadyImported: false };
      },
    });
    const files = [new File(['x'], 'notes.parquet'), new File(['y'], 'jan.parquet')];
    const outcomes = await useApp.getState().importFiles(files);
    expect(t.argsOf('data.import')).toEqual([{ path: '/fake/notes.parquet' }, { path: '/fake/jan.parquet' }]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
    const s = useApp.getState();
    expect(s.importing).toEqual([]);
    expect(s.imports[1]).toEqual({
      fileName: 'notes.parquet', ok: false,
      error: { code: 'FILE_UNREADABLE', message: 'notes.parquet is not a parquet file.', details: { path: '/fake/notes.parquet' } },
    });
    expect(t.methods().at(-1)).toBe('runs.search'); // and the lists were refreshed after
  });

  it('keeps a just-imported dataset when an older, slower refresh answers last', async () => {
    let imported = false;
    let releaseSlow: () => void = () => undefined;
    const t = await connected({ 'data.import': () => { imported = true; return { ...dataset('feb', '2023-02'), alreadyImported: false }; } });
    // The first data.list (begun before the import) answers only after the import's own refresh did.
    t.handle('data.list', () => {
      const now = imported ? [dataset('jan', '2023-01'), dataset('feb', '2023-02')] : [dataset('jan', '2023-01')];
      return imported ? now : new Promise((resolve) => { releaseSlow = () => resolve(now); });
    });
    const slow = useApp.getState().refresh();
    await useApp.getState().importFiles([new File(['y'], 'feb.parquet')]);
    releaseSlow();
    await slow;
    expect(useApp.getState().datasets.map((d) => d.fileName)).toEqual(['jan.parquet', 'feb.parquet']);
  });

  it('keeps the code of an upload that failed before core saw the file', async () => {
    const t = createFakeTransport(core, async () => { throw new MeterError('INVALID_ARGUMENT', 'big.parquet is over the 4 GiB limit.'); });
    await useApp.getState().init(createClient(t));
    const [o] = await useApp.getState().importFiles([new File(['z'], 'big.parquet')]);
    expect(o).toEqual({ fileName: 'big.parquet', ok: false, error: { code: 'INVALID_ARGUMENT', message: 'big.parquet is over the 4 GiB limit.' } });
    expect(t.argsOf('data.import')).toEqual([]);
  });

  it('reports anything thrown as a MeterError (unknown ones as INTERNAL) until dismissed', () => {
    useApp.getState().report(new Error('boom'));
    expect(useApp.getState().error).toMatchObject({ code: 'INTERNAL', message: 'boom' });
    useApp.getState().report({ code: 'UNAUTHORIZED', message: 'Session expired.' });
    expect(useApp.getState().error).toBeInstanceOf(MeterError);
    expect(useApp.getState().error?.code).toBe('UNAUTHORIZED');
    useApp.getState().dismissError();
    expect(useApp.getState().error).toBeNull();
  });

  it('follows the URL hash when it changes from outside', async () => {
    await connected();
    fakeWindow.goTo('#/models/taxi/2');
    expect(useApp.getState().route).toMatchObject({ screen: 'models', model: 'taxi', version: 2 });
  });
});

// The runs table's store over a fake transport: the searches it sends, the pages it keeps, and the errors it
// shows (a filter mistake with its position; any other failure with its code).
import { runRow, settle } from './test-support';
import { beforeEach, describe, expect, it } from 'vitest';
import { asExperimentId } from '../../../shared/domain';
import { MeterError } from '../../../shared/errors';
import type { ApiArg } from '../../../shared/contract';
import { createClient } from '../api/client';
import { createFakeTransport, type FakeTransport } from '../api/fake-transport';
import { useApp } from './app-store';
import { DEFAULT_COLUMNS, PAGE, useRunsView } from './runs-view';

const initial = useRunsView.getState();
const KEYS = { metrics: ['rmse_val'], params: ['alpha'], tags: [] };

/** A store of `total` runs named run-0…; runs.search answers the page asked for. */
function connect(total: number): FakeTransport {
  const t = createFakeTransport({
    'runs.keys': () => KEYS,
    'runs.search': ({ offset = 0, limit = 50 }) => ({
      runs: Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => runRow(`run-${offset + i}`)),
      total, offset, limit,
    }),
  });
  useApp.setState({ client: createClient(t) });
  return t;
}

beforeEach(() => { useRunsView.setState(initial, true); });

describe('runs view', () => {
  it('searches the first page with the filter, order, experiments and lifecycle, and loads the keys', async () => {
    const t = connect(3);
    useRunsView.setState({ filter: "params.model = 'ridge'", orderBy: 'metrics.rmse_val ASC', experimentIds: [asExperimentId('e1')] });
    await useRunsView.getState().apply();
    const search: ApiArg<'runs.search'> = {
      filter: "params.model = 'ridge'", orderBy: 'metrics.rmse_val ASC', experimentIds: [asExperimentId('e1')], lifecycle: 'active', topLevel: true, limit: PAGE, offset: 0,
    };
    expect(t.argsOf('runs.search')).toEqual([search]);
    expect(t.argsOf('runs.keys')).toEqual([{}]);
    await settle();
    const s = useRunsView.getState();
    expect(s.total).toBe(3);
    expect(s.rows.map((r) => r?.runId)).toEqual(['run-0', 'run-1', 'run-2']);
    expect(s.keys).toEqual(KEYS);
    expect(s.error).toBeNull();
  });

  it('loads a later page only when a row in it is needed, and only once', async () => {
    const t = connect(PAGE + 50);
    await useRunsView.getState().apply();
    expect(useRunsView.getState().rows[PAGE]).toBeUndefined();
    useRunsView.getState().ensure(PAGE + 10);
    useRunsView.getState().ensure(PAGE + 11);
    await settle();
    expect(t.argsOf('runs.search').map((a) => a.offset)).toEqual([0, PAGE]);
    expect(useRunsView.getState().rows[PAGE + 49]?.runId).toBe(`run-${PAGE + 49}`);
  });

  it('drops the answer to a search a newer one replaced', async () => {
    const t = connect(2);
    const OLD = "tags.v = 'old'";
    let release: () => void = () => {};
    t.handle('runs.search', ({ filter }) => filter === OLD
      ? new Promise((resolve) => { release = () => resolve({ runs: [runRow('stale')], total: 1, offset: 0, limit: PAGE }); })
      : { runs: [runRow('fresh')], total: 1, offset: 0, limit: PAGE });
    useRunsView.setState({ filter: OLD });
    const first = useRunsView.getState().apply();
    useRunsView.setState({ filter: "tags.v = 'new'" });
    await useRunsView.getState().apply();
    release();
    await first;
    expect(useRunsView.getState().rows.map((r) => r?.runId)).toEqual(['fresh']);
  });

  it('checks the filter as it is typed, in the page, without asking core', () => {
    const t = connect(0);
    useRunsView.getState().setFilter('metrics.rmse_val <');
    expect(useRunsView.getState().error).toEqual({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/position 19: expected a value/), position: 18 });
    useRunsView.getState().setFilter('metrics.rmse_val < 7');
    expect(useRunsView.getState().error).toBeNull();
    expect(t.calls).toEqual([]);
  });

  it("shows core's refusal of a filter without its prefix, at its position, code kept", async () => {
    const t = connect(0);
    t.handle('runs.search', () => {
      throw new MeterError('INVALID_ARGUMENT', 'In the filter "metrics.rmse < 9": no run has a metric "rmse"; did you mean metrics.rmse_val?', { position: 1 });
    });
    useRunsView.setState({ filter: 'metrics.rmse < 9' });
    await useRunsView.getState().apply();
    expect(useRunsView.getState()).toMatchObject({
      error: { code: 'INVALID_ARGUMENT', message: 'no run has a metric "rmse"; did you mean metrics.rmse_val?', position: 0 }, rows: [], total: 0,
    });
  });

  it("clears the last search's rows when the page's parser refuses a new filter (as core's refusals do)", async () => {
    const t = connect(2);
    await useRunsView.getState().apply();
    await settle();
    expect(useRunsView.getState().total).toBe(2);
    useRunsView.getState().setFilter('metrics.rmse_val < 5 and params.model = ');
    expect(useRunsView.getState().total).toBe(2); // typing: the applied search's rows stay
    await useRunsView.getState().apply();
    expect(useRunsView.getState()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', position: 40 }, rows: [], total: 0 });
    expect(t.argsOf('runs.search')).toHaveLength(1); // the refused filter never reached core
    // fixed as it is typed: still no rows of a search, and the view knows the last one failed until one succeeds
    useRunsView.getState().setFilter('metrics.rmse_val < 5');
    expect(useRunsView.getState()).toMatchObject({ error: null, failed: true, total: 0 });
    await useRunsView.getState().apply();
    await settle();
    expect(useRunsView.getState()).toMatchObject({ error: null, failed: false, total: 2 });
  });

  it('keeps the code of a search that failed for another reason', async () => {
    const t = connect(0);
    t.handle('runs.search', () => { throw new MeterError('DB_BUSY', 'The store is busy.', undefined, true); });
    await useRunsView.getState().apply();
    expect(useRunsView.getState().error).toEqual({ code: 'DB_BUSY', message: 'The store is busy.', position: null });
  });

  it('sorts by a header: metrics ascending first, then the other way, and searches again', async () => {
    const t = connect(1);
    useRunsView.getState().sortBy('metrics.rmse_val');
    useRunsView.getState().sortBy('metrics.rmse_val');
    useRunsView.getState().sortBy('params.alpha');
    await settle();
    expect(t.argsOf('runs.search').map((a) => a.orderBy)).toEqual(['metrics.rmse_val ASC', 'metrics.rmse_val DESC', 'params.alpha DESC']);
  });

  it('asks for the trash, and for chosen experiments, when they change', async () => {
    const t = connect(1);
    useRunsView.getState().setLifecycle('deleted');
    useRunsView.getState().setExperiments([asExperimentId('e2')]);
    await settle();
    expect(t.argsOf('runs.search').map((a) => [a.lifecycle, a.experimentIds])).toEqual([['deleted', undefined], ['deleted', ['e2']]]);
  });

  it('round-trips the view through the URL query', () => {
    useRunsView.getState().fromQuery({ filter: 'x = 1', order: 'metrics.rmse_val ASC', exp: 'e1,e2', trash: '1', cols: 'params.alpha' });
    expect(useRunsView.getState()).toMatchObject({ filter: 'x = 1', lifecycle: 'deleted', columns: ['params.alpha'], experimentIds: ['e1', 'e2'] });
    expect(useRunsView.getState().toQuery()).toEqual({ filter: 'x = 1', order: 'metrics.rmse_val ASC', exp: 'e1,e2', trash: '1', cols: 'params.alpha' });
    useRunsView.getState().fromQuery({});
    expect(useRunsView.getState().columns).toEqual(DEFAULT_COLUMNS);
    expect(useRunsView.getState().toQuery()).toEqual({});
  });

  it('selects one, toggles, and extends a range from the anchor', async () => {
    connect(5);
    await useRunsView.getState().apply();
    const v = () => useRunsView.getState();
    v().select(1, 'only');
    v().select(3, 'toggle');
    expect([...v().selected]).toEqual(['run-1', 'run-3']);
    v().select(3, 'toggle');
    v().select(1, 'only');
    v().select(4, 'range');
    expect([...v().selected].sort()).toEqual(['run-1', 'run-2', 'run-3', 'run-4']);
    v().clearSelection();
    expect(v().selected.size).toBe(0);
  });

  it("expands a search: its trials (same filter and order) below it, selectable in a range, kept across a new search, gone on collapse", async () => {
    const t = connect(4);
    t.handle('runs.search', ({ offset = 0, limit = 50, parentRunId, topLevel }) => {
      if (parentRunId) return { runs: [runRow(`${parentRunId}-t0`), runRow(`${parentRunId}-t1`)], total: 2, offset, limit };
      return { runs: Array.from({ length: Math.min(limit, 4 - offset) }, (_, i) => runRow(`run-${offset + i}`)), total: 4, offset, limit, childCounts: topLevel ? { 'run-1': 2 } : undefined };
    });
    const v = () => useRunsView.getState();
    await v().apply();
    await settle();
    expect(v().childCounts).toEqual({ 'run-1': 2 });
    await v().expand('run-1');
    expect(t.argsOf('runs.search').at(-1)).toMatchObject({ parentRunId: 'run-1', filter: '', lifecycle: 'active' });
    expect(v().displayTotal()).toBe(6);
    expect(Array.from({ length: 6 }, (_, i) => [v().rowAt(i).row?.runId, v().rowAt(i).depth])).toEqual([
      ['run-0', 0], ['run-1', 0], ['run-1-t0', 1], ['run-1-t1', 1], ['run-2', 0], ['run-3', 0],
    ]);
    expect(v().rowAt(3).parentId).toBe('run-1');
    v().select(1, 'only');
    v().select(4, 'range');
    expect([...v().selected].sort()).toEqual(['run-1', 'run-1-t0', 'run-1-t1', 'run-2']);
    // a new filter keeps the search open and asks for its trials again, with the filter
    v().setFilter("params.alpha = '1'");
    await v().apply();
    await settle();
    expect(t.argsOf('runs.search').at(-2)).toMatchObject({ parentRunId: 'run-1', filter: "params.alpha = '1'" });
    expect(v().displayTotal()).toBe(6);
    v().collapse('run-1');
    expect(v().displayTotal()).toBe(4);
    expect(v().rowAt(2).row?.runId).toBe('run-2');
  });

  it('opens a search by itself when a filter matched some of its trials', async () => {
    const t = connect(3);
    t.handle('runs.search', ({ offset = 0, limit = 50, parentRunId, filter }) => (parentRunId
      ? { runs: [runRow('run-2-t5')], total: 1, offset, limit }
      : { runs: [runRow('run-0'), runRow('run-2')], total: 2, offset, limit, childCounts: (filter ? { 'run-2': 1 } : {}) as Record<string, number> }));
    const v = () => useRunsView.getState();
    await v().apply();
    await settle();
    expect(v().displayTotal()).toBe(2); // no filter: closed
    v().setFilter("params.alpha = '1'");
    await v().apply();
    await settle();
    expect(t.argsOf('runs.search').at(-1)).toMatchObject({ parentRunId: 'run-2', filter: "params.alpha = '1'" });
    expect([0, 1, 2].map((i) => v().rowAt(i).row?.runId)).toEqual(['run-0', 'run-2', 'run-2-t5']);
  });

  it('lists the trash flat (a trashed trial has no active search to sit under)', async () => {
    const t = connect(2);
    useRunsView.getState().setLifecycle('deleted');
    await settle();
    expect(t.argsOf('runs.search').at(-1)?.topLevel).toBeUndefined();
  });
});

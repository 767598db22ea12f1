// MLflow's nested runs in the search: top-level runs with their children counted, a parent's children, and a
// filter that matches a child bringing its parent along (so the child shows under it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../../test/helpers';
import type { RunId } from '../../shared/domain';
import { createExperiment } from './experiments-repo';
import { createRun, endRun, logMetrics } from './runs-repo';
import { setRunsDeleted } from './run-lifecycle';

describe('run search: nested runs', () => {
  let h: Harness;
  let parent: RunId;
  let other: RunId;
  const children: RunId[] = [];

  beforeAll(() => {
    h = openHarness();
    const db = h.ctx.db;
    const exp = createExperiment(db, 'nest');
    const run = (name: string, tags: Record<string, string>, rmse: number): RunId => {
      const id = createRun(db, { experimentId: exp.experimentId, name, params: {}, tags, source: { type: 'API', name: 'test' }, inputs: [] });
      logMetrics(db, id, [{ key: 'rmse_val', value: rmse, step: 0 }]);
      endRun(db, id, 'FINISHED');
      return id;
    };
    parent = run('search', { 'meter.search': 'parent' }, 5.5);
    for (let i = 0; i < 4; i++) children.push(run(`trial-${i}`, { 'mlflow.parentRunId': parent }, 5 + i));
    other = run('plain', {}, 7.5);
    run('orphan-parentless', {}, 9);
  });
  afterAll(() => h.dispose());

  const search = (extra: object) => h.client.call('runs.search', { limit: 100, ...extra });

  it('lists top-level runs only, each search with how many trials it has', async () => {
    const all = await search({});
    expect(all.total).toBe(7);
    expect(all.childCounts).toBeUndefined();
    const top = await search({ topLevel: true });
    expect(top.total).toBe(3);
    expect(top.runs.map((r) => r.name).sort()).toEqual(['orphan-parentless', 'plain', 'search']);
    expect(top.childCounts).toEqual({ [parent]: 4 });
    // the same through the index path ordered by a metric, and paged
    const byMetric = await search({ topLevel: true, orderBy: 'metrics.rmse_val ASC', limit: 2 });
    expect(byMetric.total).toBe(3);
    expect(byMetric.runs.map((r) => r.name)).toEqual(['search', 'plain']);
  });

  it("lists a parent's children in the asked order, filtered", async () => {
    const kids = await search({ parentRunId: parent, orderBy: 'metrics.rmse_val DESC' });
    expect(kids.runs.map((r) => r.runId)).toEqual([...children].reverse());
    const some = await search({ parentRunId: parent, filter: 'metrics.rmse_val < 7' });
    expect(some.runs.map((r) => r.name).sort()).toEqual(['trial-0', 'trial-1']);
    expect((await search({ parentRunId: other })).total).toBe(0);
  });

  it('a filter that matches a child keeps its parent at the top level, counting only the matching children', async () => {
    // rmse_val 8: only trial-3 (the parent has 5.5), so the parent shows for its child's sake
    const r = await search({ topLevel: true, filter: 'metrics.rmse_val >= 7.9 and metrics.rmse_val < 8.5' });
    expect(r.runs.map((x) => x.name)).toEqual(['search']);
    expect(r.childCounts).toEqual({ [parent]: 1 });
    // a filter that matches the parent itself and no child: the parent, with no expander
    const own = await search({ topLevel: true, filter: 'metrics.rmse_val = 5.5' });
    expect(own.runs.map((x) => x.name)).toEqual(['search']);
    expect(own.childCounts).toEqual({});
    // a filter that matches top-level runs only
    expect((await search({ topLevel: true, filter: 'metrics.rmse_val > 7' })).runs.map((x) => x.name).sort()).toEqual(['orphan-parentless', 'plain', 'search']);
  });

  it('trashed trials neither count nor show under the active parent', async () => {
    setRunsDeleted(h.ctx.db, [children[0]], true);
    try {
      expect((await search({ topLevel: true })).childCounts).toEqual({ [parent]: 3 });
      expect((await search({ parentRunId: parent })).total).toBe(3);
      expect((await search({ parentRunId: parent, lifecycle: 'deleted' })).runs.map((r) => r.runId)).toEqual([children[0]]);
    } finally {
      setRunsDeleted(h.ctx.db, [children[0]], false);
    }
  });
});

// runs/search builds its page with one query per table (search-runs.ts): every run it returns must be
// exactly the run runs/get reads on its own — metrics with their step and time in logging order, NaN kept,
// params, tags, dataset inputs, model outputs, deleted runs — whichever runs share the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../../test/helpers';
import { createMlflowExperiment } from './experiments';
import { createMlflowRun, getMlflowRun, logBatch, logInputs, logOutputs, setMlflowRunDeleted } from './runs';
import { searchMlflowRuns } from './search-runs';

describe('MLflow runs/search pages', () => {
  let h: Harness;
  let exp: string;
  const ids: string[] = [];

  beforeAll(() => {
    h = openHarness();
    exp = createMlflowExperiment(h.ctx.db, 'pages', {});
    const other = createMlflowExperiment(h.ctx.db, 'elsewhere', {});
    for (let i = 0; i < 6; i++) {
      const id = createMlflowRun(h.ctx.db, { experimentId: i === 5 ? other : exp, runName: `r${i}`, startTime: 1000 + i, tags: { team: i % 2 ? 'a' : 'b' }, userId: `u${i}` });
      // metric keys in a different order per run, some logged twice (the latest is the highest step), one NaN
      const keys = i % 2 ? ['rmse', 'mae', 'r2'] : ['r2', 'rmse'];
      logBatch(h.ctx.db, id, {
        metrics: keys.flatMap((key, k) => [{ key, value: i + k, step: 0, timestampMs: 10 + k }, { key, value: key === 'r2' && i === 2 ? NaN : i * 10 + k, step: 3, timestampMs: 20 + k }]),
        params: { model: i % 3 ? 'ridge' : 'lasso', alpha: String(i / 10) },
        tags: { 'mlflow.note.content': `run ${i}` },
      });
      if (i % 2 === 0) {
        logInputs(h.ctx.db, id, [{ tags: { 'mlflow.data.context': 'training' }, dataset: { name: `jan${i}`, digest: `d${i}`, sourceType: 'local', source: '{}', schema: i === 0 ? null : '{"a":1}', profile: null } },
          { tags: {}, dataset: { name: 'feb', digest: 'd', sourceType: 'local', source: '{}', schema: null, profile: '{"rows":2}' } }]);
      }
      if (i === 1 || i === 4) logOutputs(h.ctx.db, id, [{ modelId: `m-${'a'.repeat(31)}${i}`, step: i }]);
      ids.push(id);
    }
    setMlflowRunDeleted(h.ctx.db, ids[3], true);
  });
  afterAll(async () => { await h.dispose(); });

  const search = (q: Partial<Parameters<typeof searchMlflowRuns>[1]>) =>
    searchMlflowRuns(h.ctx.db, { experimentIds: [exp], view: 'ACTIVE_ONLY', offset: 0, ...q });

  it('returns each run exactly as runs/get reads it, in the asked order', () => {
    const page = search({ orderBy: ['metrics.rmse DESC'] });
    expect(page.runs.map((r) => r.runName)).toEqual(['r4', 'r2', 'r1', 'r0']);
    for (const run of page.runs) expect(run).toEqual(getMlflowRun(h.ctx.db, run.runId));
    const r2 = page.runs.find((r) => r.runName === 'r2')!;
    expect(r2.metrics.map((m) => [m.key, m.step, m.timestamp])).toEqual([['r2', 3, 20], ['rmse', 3, 21]]);
    expect(Number.isNaN(r2.metrics[0].value)).toBe(true);
    expect(page.runs.find((r) => r.runName === 'r4')!.outputs).toEqual([{ modelId: `m-${'a'.repeat(31)}4`, step: 4 }]);
    expect(page.runs.find((r) => r.runName === 'r0')!.inputs.map((i) => i.dataset.name)).toEqual(['jan0', 'feb']);
  });

  it('pages, filters and shows deleted runs the same way', () => {
    const first = search({ filter: "params.model = 'ridge'", orderBy: ['attributes.run_name ASC'], maxResults: 1 });
    expect(first.runs.map((r) => r.runName)).toEqual(['r1']);
    const next = search({ filter: "params.model = 'ridge'", orderBy: ['attributes.run_name ASC'], maxResults: 1, offset: first.nextOffset! });
    expect(next.runs.map((r) => r.runName)).toEqual(['r2']);
    const all = search({ view: 'ALL', orderBy: ['attributes.run_name ASC'] });
    expect(all.runs.map((r) => [r.runName, r.deleted])).toEqual([['r0', false], ['r1', false], ['r2', false], ['r3', true], ['r4', false]]);
    for (const run of all.runs) expect(run).toEqual(getMlflowRun(h.ctx.db, run.runId));
  });
});

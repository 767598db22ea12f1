import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, SAMPLE, type Harness } from '../../../test/helpers';
import { seedRuns } from '../../../test/fixtures/seed-runs';
import { MeterError } from '../../shared/errors';
import type { RunId, RunRow } from '../../shared/domain';
import { compileFilter } from './search-sql';
import { countRuns, searchRunPage, searchRuns, walkFirstRuns } from './run-search';
import { dropKeptStatements } from './db';
import { parseFilter } from '../../shared/search/parser';

describe('run search', () => {
  let h: Harness;
  let ids: RunId[];
  const search = async (filter: string, orderBy?: string, extra: object = {}) =>
    (await h.client.call('runs.search', { filter, orderBy, limit: 1000, ...extra }));
  const names = (rows: RunRow[]) => rows.map((r) => r.name.split('-').slice(0, 2).join('-'));
  const fails = async (filter: string, re: RegExp, orderBy?: string) => {
    const err = await search(filter, orderBy).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('INVALID_ARGUMENT');
    expect((err as MeterError).message).toMatch(re);
  };

  beforeAll(async () => {
    h = openHarness();
    const ds = await h.client.call('data.import', { path: SAMPLE.train });
    ids = seedRuns(h.ctx.db, { runs: 30, params: 5, metrics: 4, experiments: ['alpha', 'beta'], datasetId: ds.datasetId });
  });
  afterAll(() => h.dispose());

  it('filters by metric, param, tag, attribute and dataset, as the MLflow syntax says', async () => {
    // rmse_val = 5 + (i % 50) / 10 for run i: below 6.5 are runs 0..14
    expect((await search('metrics.rmse_val < 6.5')).total).toBe(15);
    expect((await search("params.model = 'ridge'")).runs.every((r) => r.params.model === 'ridge')).toBe(true);
    expect((await search("params.model = 'ridge'")).total).toBe(10);
    expect((await search("tags.note LIKE '%pu_do%'")).total).toBe(6);
    expect((await search("metrics.rmse_val < 6.5 and params.model = 'ridge' and tags.note LIKE '%pu_do%'")).runs.map((r) => r.name.split('-')[1])).toEqual(['10']);
    expect((await search("attributes.status = 'FAILED'")).runs.map((r) => r.name.split('-')[1]).sort()).toEqual(['20', '3']);
    expect((await search("datasets.kind = 'green'")).total).toBe(30);
    expect((await search("datasets.kind = 'yellow'")).total).toBe(0);
    expect((await search("attributes.experiment = 'beta'")).total).toBe(15);
    expect((await search('attributes.duration >= 0')).total).toBe(30);
  });

  it('adds OR, parentheses, IN, NOT IN, IS NULL and numeric params', async () => {
    expect((await search("params.model = 'ridge' or params.model = 'lasso'")).total).toBe(20);
    expect((await search("(params.model = 'ridge' or params.model = 'lasso') and metrics.rmse_val < 5.5")).total).toBe(3);
    expect((await search("params.model IN ('ridge', 'lasso')")).total).toBe(20);
    expect((await search("params.model NOT IN ('ridge', 'lasso')")).total).toBe(10);
    expect((await search('params.alpha < 0.5')).total).toBe(16); // 0.01 and 0.1: i % 4 in {0, 1}
    expect((await search('params.alpha IN (10, 1)')).total).toBe(14);
    await h.client.call('runs.setTag', { runId: ids[0], key: 'reviewed', value: 'yes' });
    expect((await search('tags.reviewed IS NULL')).total).toBe(29);
    expect((await search('tags.reviewed IS NOT NULL')).runs[0].runId).toBe(ids[0]);
    expect((await search("not params.model = 'ridge'")).total).toBe(20);
  });

  it('keeps LIKE case-sensitive as MLflow does, ILIKE not', async () => {
    expect((await search("tags.note LIKE '%PU_DO%'")).total).toBe(0);
    expect((await search("tags.note ILIKE '%PU_DO%'")).total).toBe(6);
    expect((await search("tags.note LIKE 'baseline 1_'")).total).toBe(8); // 11..19 minus 15
  });

  it('orders by any key, missing values last, params numerically', async () => {
    const asc = (await search('', 'metrics.rmse_val ASC')).runs.map((r) => r.metrics.rmse_val);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    const desc = (await search('', 'params.alpha DESC, attributes.run_name')).runs.map((r) => Number(r.params.alpha));
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(desc[0]).toBe(10);
    const byTag = (await search('', 'tags.reviewed DESC')).runs;
    expect(byTag[0].runId).toBe(ids[0]);
    expect(byTag[1].tags.reviewed).toBeUndefined();
    const page = await h.client.call('runs.search', { orderBy: 'metrics.rmse_val', limit: 7, offset: 7 });
    expect(page.runs.map((r) => r.metrics.rmse_val)).toEqual(asc.slice(7, 14));
    expect(page.total).toBe(30);
  });

  it('pages without a filter exactly as the one-pass search does (index order, ties, missing and NaN values, offsets)', async () => {
    // Some runs lack m2, some hold NaN, many tie on rmse_val; one run is trashed. `attributes.start_time >= 0`
    // matches every run but takes the filtered (one-pass) path, so the two must agree row for row.
    const { logMetrics } = await import('./runs-repo');
    logMetrics(h.ctx.db, ids[1], [{ key: 'm2', value: NaN, step: 1 }]);
    logMetrics(h.ctx.db, ids[2], [{ key: 'only_some', value: 3, step: 0 }]);
    logMetrics(h.ctx.db, ids[4], [{ key: 'only_some', value: 3, step: 0 }]);
    logMetrics(h.ctx.db, ids[9], [{ key: 'only_some', value: NaN, step: 0 }]);
    await h.client.call('runs.setDeleted', { runIds: [ids[8]], deleted: true });
    const exps = await h.client.call('experiments.list', {});
    const orders = ['metrics.rmse_val ASC', 'metrics.rmse_val DESC', 'metrics.m2 DESC', 'metrics.only_some ASC, params.alpha DESC', 'metrics.only_some DESC',
      'metrics.rmse_val, metrics.m3 DESC', 'params.alpha DESC', 'attributes.run_name', ''];
    for (const orderBy of orders) {
      for (const [offset, limit] of [[0, 5], [0, 100], [1, 2], [2, 3], [3, 40], [7, 7], [26, 5], [29, 5], [40, 5]]) {
        for (const extra of [{}, { lifecycle: 'all' as const }, { lifecycle: 'deleted' as const }, { experimentIds: [exps[0].experimentId] }]) {
          const fast = await h.client.call('runs.search', { orderBy, offset, limit, ...extra });
          const onePass = await h.client.call('runs.search', { filter: 'attributes.start_time >= 0', orderBy, offset, limit, ...extra });
          expect({ orderBy, offset, limit, extra, ids: fast.runs.map((r) => r.runId), total: fast.total })
            .toEqual({ orderBy, offset, limit, extra, ids: onePass.runs.map((r) => r.runId), total: onePass.total });
        }
      }
    }
    await h.client.call('runs.setDeleted', { runIds: [ids[8]], deleted: false });
  });

  it('a filter read as sets of run keys matches its one-statement SQL form row for row (NOT, OR, missing keys, NaN, attributes, datasets; both ways of paging)', async () => {
    // State from the tests above: NaN and missing metrics (m2, only_some), a tag on one run only.
    const { compileOrder } = await import('./search-sql');
    const { parseOrderBy } = await import('../../shared/search/parser');
    await h.client.call('runs.setDeleted', { runIds: [ids[11]], deleted: true });
    const db = h.ctx.db;
    const reference = (filter: string, orderBy: string): string[] => {
      const where = compileFilter(db, parseFilter(filter));
      const order = compileOrder(db, parseOrderBy(orderBy));
      return db.prepare(`SELECT r.run_id FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id ${order.joins}
        WHERE r.deleted_ms IS NULL AND r.experiment_id IN (SELECT experiment_id FROM experiments WHERE deleted_ms IS NULL) AND ${where.sql}
        ORDER BY ${order.sql}`).pluck().all(...order.joinParams, ...where.params) as string[];
    };
    const filters = ['metrics.m2 < 50', 'not metrics.m2 < 50', 'metrics.m2 IS NULL', 'metrics.only_some IS NOT NULL', 'not (metrics.only_some = 3 or tags.reviewed = \'yes\')',
      "params.model != 'ridge' and not tags.note LIKE '%pu_do%'", "params.alpha < 0.5 or attributes.status = 'FAILED'", "datasets.kind = 'green' and metrics.rmse_val >= 6",
      "attributes.run_name LIKE 'run-1%' or params.model NOT IN ('lasso')", 'not (not metrics.m3 > 10)', "tags.reviewed IS NULL and metrics.rmse_val < 5.3",
      'attributes.end_time IS NULL', "not attributes.run_name ILIKE 'RUN-2%'"];
    const orders = ['', 'metrics.rmse_val ASC', 'metrics.m2 DESC', 'params.alpha DESC, attributes.run_name'];
    const beta = (await h.client.call('experiments.list', {})).find((e) => e.name === 'beta')!;
    for (const [filter, archived] of filters.flatMap((f, i) => [[f, false], ...(i % 3 === 0 ? [[f, true]] : [])] as [string, boolean][])) {
      await h.client.call('experiments.setArchived', { experimentId: beta.experimentId, archived });
      for (const orderBy of orders) {
        const all = reference(filter, orderBy);
        for (const [offset, limit] of [[0, 3], [2, 5], [0, 100], [7, 4]]) {
          const got = await h.client.call('runs.search', { filter, orderBy, offset, limit });
          expect({ filter, archived, orderBy, offset, ids: got.runs.map((r) => r.runId), total: got.total })
            .toEqual({ filter, archived, orderBy, offset, ids: all.slice(offset, offset + limit), total: all.length });
        }
        expect(countRuns(db, { filter })).toBe(all.length);
      }
    }
    await h.client.call('experiments.setArchived', { experimentId: beta.experimentId, archived: false });
    await h.client.call('runs.setDeleted', { runIds: [ids[11]], deleted: false });
  });

  it('a first page walked along its order metric (walkFirstRuns, for MLflow) is the page searchRunPage reads, or none (bounded walks too)', async () => {
    // State from the tests above: NaN and missing metrics (m2, only_some), a tag on one run only.
    await h.client.call('runs.setDeleted', { runIds: [ids[11]], deleted: true });
    const db = h.ctx.db;
    const exps = await h.client.call('experiments.list', {});
    const filters = ['metrics.m2 < 50', 'not metrics.m2 < 50', 'metrics.m2 IS NULL', 'metrics.only_some IS NOT NULL', "params.model != 'ridge' and not tags.note LIKE '%pu_do%'",
      "params.alpha < 0.5 or attributes.status = 'FAILED'", "datasets.kind = 'green' and metrics.rmse_val >= 6", "params.model NOT IN ('lasso')", 'params.alpha IN (10, 1)', 'metrics.rmse_val > 100'];
    const orders = ['metrics.rmse_val ASC', 'metrics.rmse_val DESC', 'metrics.m2 DESC', 'metrics.only_some ASC, params.alpha DESC'];
    let walked = 0;
    for (const filter of filters) {
      for (const orderBy of orders) {
        for (const [offset, limit] of [[0, 1], [0, 3], [2, 5], [0, 100]]) {
          for (const extra of [{}, { lifecycle: 'all' as const }, { experimentIds: [exps[0].experimentId] }]) {
            for (const minCap of [1, 1000]) { // 1: the walk is bounded to 10 × (offset + limit + 1) values
              const q = { filter, orderBy, offset, limit, ...extra };
              const walk = walkFirstRuns(db, q, minCap);
              if (walk === null) continue;
              walked++;
              const page = searchRunPage(db, q);
              expect({ q, minCap, ids: walk.map((r) => r.run_id), more: true })
                .toEqual({ q, minCap, ids: page.rows.map((r) => r.run_id), more: offset + page.rows.length < page.total });
            }
          }
        }
      }
    }
    expect(walked).toBeGreaterThan(300);
    await h.client.call('runs.setDeleted', { runIds: [ids[11]], deleted: false });
  });

  it('reads runs, params, tags and metrics only through their indexes, without ANALYZE statistics (EXPLAIN QUERY PLAN of every statement a search and a count run)', () => {
    const db = h.ctx.db;
    // Statistics for the experiments alone (a store analyzed while small): SQLite then took the few experiments
    // as the outer loop and read every run of each.
    db.exec('ANALYZE experiments');
    const prepare = db.prepare.bind(db);
    dropKeptStatements(db); // statements kept from earlier searches would not pass through the recorder
    const ran: { sql: string; args: unknown[] }[] = [];
    // Record each statement with its arguments: at 100,000 runs one full scan of these tables costs more than the whole target.
    db.prepare = ((sql: string) => {
      const st = prepare(sql) as unknown as Record<string, (...a: unknown[]) => unknown>;
      for (const m of ['all', 'get']) {
        const f = st[m].bind(st);
        st[m] = (...args: unknown[]) => { ran.push({ sql, args }); return f(...args); };
      }
      return st;
    }) as unknown as typeof db.prepare;
    try {
      const filter = "metrics.rmse_val < 8 and params.model IN ('ridge', 'lasso') and tags.note LIKE '%pu_do%'";
      searchRuns(db, { filter, orderBy: 'metrics.rmse_val ASC', limit: 2 }); // matches are common: walks the metric's index
      searchRuns(db, { filter, orderBy: 'metrics.rmse_val ASC', limit: 100 }); // sorts the matches
      searchRuns(db, { filter: "not params.model = 'ridge' or metrics.m2 > 50", limit: 3 }); // complements: the scope's index
      searchRuns(db, { orderBy: 'metrics.m2 DESC', limit: 5 });
      expect(walkFirstRuns(db, { filter, orderBy: 'metrics.rmse_val ASC', limit: 1 })).not.toBeNull(); // MLflow's walk: the index in order, each run's own rows
      countRuns(db, { filter });
    } finally {
      db.prepare = prepare;
      dropKeptStatements(db);
      db.exec('DELETE FROM sqlite_stat1');
    }
    expect(ran.length).toBeGreaterThan(10);
    const big = /^SCAN (r|runs|run_params|run_tags|run_metrics|latest_metrics|t|m|o\d+)\b/;
    for (const { sql, args } of ran) {
      const rows = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string; parent: number }[];
      const plan = rows.map((p) => p.detail);
      const outer = rows.find((p) => p.parent === 0)?.detail ?? '';
      if (/\bruns r\b/.test(sql) && /\bexperiments e\b/.test(sql)) expect(/^SCAN (e|experiments)\b/.test(outer), `experiments outermost in ${sql}`).toBe(false);
      // a walk of an index in the page's order is fine: it stops after LIMIT
      const walk = (d: string) => /USING (COVERING )?INDEX/.test(d) && /LIMIT \?/.test(sql);
      expect({ sql, scans: plan.filter((d) => big.test(d) && !walk(d)) }).toEqual({ sql, scans: [] });
      if (/FROM (latest_metrics|run_params|run_tags) WHERE key_id = \?/.test(sql)) expect(plan.join('\n'), sql).toMatch(/USING COVERING INDEX (latest_metrics|run_params|run_tags)_by_key \(key_id=\?/);
    }
  });

  it('searches chosen experiments, and the trash', async () => {
    const exps = await h.client.call('experiments.list', {});
    const alpha = exps.find((e) => e.name === 'alpha')!;
    expect((await search('', undefined, { experimentIds: [alpha.experimentId] })).total).toBe(15);
    expect((await search('', undefined, { experimentIds: exps.map((e) => e.experimentId) })).total).toBe(30);
  });

  it.each([
    ['metrics.rmse_vall < 6', /no run has a metric "rmse_vall"; did you mean metrics.rmse_val\?$/],
    ["params.model = 'ridge' and params.modle = 'x'", /At position 28: no run has a param "modle"; did you mean params.model\?$/],
    ["metrics.rmse_val = 'low'", /metrics.rmse_val is a number; compare it with a number, not 'low'/],
    ["metrics.rmse_val LIKE '5%'", /LIKE and ILIKE compare text/],
    ["attributes.status = 'DONE'", /attributes.status is one of RUNNING, FINISHED, FAILED, KILLED; got 'DONE'/],
    ["attributes.status = 'failed'", /did you mean 'FAILED'/],
    ["attributes.status = 'pruned'", /got 'pruned'; a trial the pruner stopped is a KILLED run tagged meter.trial_state: filter with tags.meter.trial_state = 'PRUNED'\./],
    ['attributes.colour = 1', /unknown attribute "colour"/],
    ['attributes.stat = 1', /unknown attribute "stat"; did you mean attributes\.status\? \(Metrics/],
    ['attributes.zzzzzzzz = 1', /unknown attribute "zzzzzzzz"; attributes are [a-z_, ]+\. \(Metrics/],
    ["attributes.start_time > 'yesterday'", /is a time/],
    ['attributes.run_name = 5', /is text; quote the value/],
    ["datasets.flavour = 'x'", /unknown dataset field "flavour"/],
    ['metrics.rmse_val <', /In the filter "metrics.rmse_val <": Syntax error at position 19: expected a value/],
  ])('refuses %s with a precise message', async (filter, re) => fails(filter, re));

  it('refuses bad order-by keys too', async () => {
    await fails('', /no run has a metric "nope"/, 'metrics.nope');
    await fails('', /can't be ordered by a dataset field/, 'datasets.kind');
  });

  it('never splices values into SQL', () => {
    const evil = "x' OR 1=1; DROP TABLE runs; --";
    const part = compileFilter(h.ctx.db, parseFilter(`params.model = "${evil}" or tags.note LIKE "${evil}"`));
    expect(part.sql).not.toContain('DROP');
    expect(part.sql).not.toContain('1=1');
    expect(part.params).toContain(evil);
  });

  it('survives fuzzed filter text: only clear INVALID_ARGUMENT errors, and the store is unchanged', async () => {
    const pieces = ['metrics.rmse_val', 'params.model', 'tags.note', 'attributes.status', 'datasets.kind', '=', '!=', '<', '>=', 'LIKE', 'ILIKE',
      'IN', 'NOT', 'IS', 'NULL', 'AND', 'OR', '(', ')', ',', "'ridge'", '"x"', '6.5', '-1e3', "'%a%'", '`k`', "'", '"', ';', '--', '\\', '\u0000', 'é'];
    let seed = 12345;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const before = (h.ctx.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      const keys = ['metrics.rmse_val', 'params.model', 'params.alpha', 'tags.note', 'attributes.status', 'datasets.kind', 'metrics.nope'];
      const ops = ['=', '!=', '<', '>=', 'LIKE', 'ILIKE', 'NOT LIKE'];
      const values = ["'ridge'", '6.5', "'%a%'", "'FAILED'", "'green'", '1', "'x''y'"];
      const clause = () => `${keys[rand(keys.length)]} ${ops[rand(ops.length)]} ${values[rand(values.length)]}`;
      const filter = i % 3 === 0
        ? Array.from({ length: rand(40) }, () => String.fromCharCode(32 + rand(95))).join('')
        : i % 3 === 1
          ? Array.from({ length: 1 + rand(8) }, () => pieces[rand(pieces.length)]).join(' ')
          : Array.from({ length: 1 + rand(3) }, clause).join(rand(2) ? ' AND ' : ' OR ');
      try {
        await search(filter);
        accepted++;
      } catch (err) {
        if (!(err instanceof MeterError) || err.code !== 'INVALID_ARGUMENT') throw new Error(`filter ${JSON.stringify(filter)} threw ${String(err)}`);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect((h.ctx.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n).toBe(before);
    expect(h.ctx.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('renames, trashes, restores and purges runs (purge removes the artifact folder)', async () => {
    const [a, b] = [ids[5], ids[6]];
    await h.client.call('runs.rename', { runId: a, name: 'renamed' });
    expect((await search("attributes.run_name = 'renamed'")).total).toBe(1);
    await h.client.call('runs.setDeleted', { runIds: [a, b], deleted: true });
    expect((await search('')).total).toBe(28);
    expect((await search('', undefined, { lifecycle: 'deleted' })).total).toBe(2);
    await h.client.call('runs.setDeleted', { runIds: [b], deleted: false });
    expect((await search('')).total).toBe(29);
    const dir = h.ctx.artifactsDir(a);
    mkdirSync(join(dir, 'model'), { recursive: true });
    writeFileSync(join(dir, 'model', 'model.json'), '{}');
    const out = await h.client.call('runs.purge', { runIds: [a] });
    expect(out.purged).toBe(1);
    expect(existsSync(dir)).toBe(false);
    await expect(h.client.call('runs.get', { runId: a })).rejects.toThrow(/No run with id/);
    expect(h.ctx.db.prepare('SELECT COUNT(*) FROM run_params WHERE run_key NOT IN (SELECT run_key FROM runs)').pluck().get()).toBe(0);
    await expect(h.client.call('runs.purge', { runIds: [b, 'missing' as RunId] })).rejects.toThrow(/No run with id missing/);
    expect((await h.client.call('runs.get', { runId: b })).runId).toBe(b); // all or nothing
  });

  it('renames and archives experiments; archived ones leave searches and lists but keep their runs', async () => {
    const beta = (await h.client.call('experiments.list', {})).find((e) => e.name === 'beta')!;
    await expect(h.client.call('experiments.rename', { experimentId: beta.experimentId, name: 'alpha' })).rejects.toThrow(/already exists/);
    await h.client.call('experiments.rename', { experimentId: beta.experimentId, name: 'gamma' });
    await h.client.call('experiments.setArchived', { experimentId: beta.experimentId, archived: true });
    expect((await h.client.call('experiments.list', {})).map((e) => e.name)).toEqual(['alpha']);
    expect((await search('')).runs.every((r) => r.experimentName === 'alpha')).toBe(true);
    expect((await search('', undefined, { experimentIds: [beta.experimentId] })).total).toBe(14); // run 5 was purged
    await h.client.call('experiments.setArchived', { experimentId: beta.experimentId, archived: false });
    expect((await search('')).total).toBe(29);
  });
});

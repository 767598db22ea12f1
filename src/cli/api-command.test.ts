// `meter api` is the contract on the command line: its list comes from the contract's table, and a call
// goes through the same entry (argument schema and all) as the app's.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { API_METHODS, CONTRACT } from '../shared/contract';
import { MODEL_KINDS } from '../shared/domain';
import { MODEL_PARAMS } from '../shared/model-params';
import { ROOT, SAMPLE, tempDir } from '../../test/helpers';

const home = tempDir('meter-cli-api-');
afterAll(() => rmSync(home, { recursive: true, force: true }));
const meter = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('meter api and the help derived from shared tables', () => {
  it('lists every method of the contract with its help and argument shape', () => {
    const r = meter('api');
    expect(r.code).toBe(0);
    for (const m of API_METHODS) {
      expect(r.out, m).toContain(m);
      expect(r.out, m).toContain(CONTRACT[m].doc);
    }
    expect(r.out).toContain('{runId: id}');
  });

  it('calls a method with a JSON argument through the checked entry', () => {
    const imported = meter('api', 'data.import', JSON.stringify({ path: SAMPLE.train }));
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out)).toMatchObject({ kind: 'green', fileName: 'green_tripdata_2023-01.sample.parquet' });
    const bad = meter('api', 'runs.search', '{"limt": 2}');
    expect(bad.code).not.toBe(0);
    expect(bad.err.trim()).toBe('meter: runs.search has no field "limt"; it takes filter, orderBy, experimentIds, lifecycle, limit, offset, topLevel, parentRunId.');
    expect(meter('api', 'runs.nope').err).toContain('Unknown method "runs.nope"');
  });

  it("train's help names every model and every parameter with its default, from the one table", () => {
    const help = meter('help').out;
    for (const m of MODEL_KINDS) {
      expect(help).toContain(`${m}: `);
      for (const [name, rule] of Object.entries(MODEL_PARAMS[m])) expect(help, `${m}.${name}`).toContain(`${name}=${rule.default} (`);
    }
  });
});

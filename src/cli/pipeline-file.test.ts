// `meter pipeline`'s mistakes in the command line's words, through the built CLI: a pipeline file's misspelt
// field, value or parameter named with what was meant, and bad flags named as flags — never the API's
// "pipelines.run: "pipeline" has no field …". Nothing is run or saved by a refused command.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../test/helpers';
import { closest } from './pipeline-file';

const work = tempDir('meter-cli-pfile-');
const home = join(work, 'home');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const meter = (...a: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...a], { encoding: 'utf8', env: { ...process.env, METER_HOME: '', METER_FAULT: '' }, cwd: work });
  return { code: r.status, err: r.stderr.trim(), out: r.stdout };
};
const base = { name: 'g', data: 'data', kind: 'green', model: 'linear', experiment: 'm' };
/** Writes the file, runs `meter pipeline run` on it, and returns what the user reads. */
const refusal = (spec: unknown, sub = 'run') => {
  writeFileSync(join(work, 'p.json'), typeof spec === 'string' ? spec : JSON.stringify(spec));
  const r = meter('pipeline', sub, 'p.json', ...(sub === 'run' ? ['--month', '2023-02'] : []));
  expect(r.code).toBe(2);
  return r.err;
};

describe("meter pipeline: a file's and a flag's mistakes in the user's words", () => {
  it('names a misspelt field, nested field, value or parameter with what was meant', () => {
    const { model, ...noModel } = base;
    expect(refusal({ ...noModel, modle: model })).toBe('meter: pipeline file p.json: unknown field "modle" (did you mean "model"?).');
    expect(refusal({ ...base, offsets: { trian: -1, val: 0 } })).toBe('meter: pipeline file p.json: unknown field "offsets.trian" (did you mean "offsets.train"?).');
    expect(refusal({ ...base, colour: 'red' })).toBe('meter: pipeline file p.json: unknown field "colour"; the fields are name, data, kind, model, params, paramsFrom, features, experiment, offsets, retries, promote, schedule.');
    expect(refusal({ ...base, kind: 'Green' })).toBe('meter: pipeline file p.json: "kind" is "Green" (did you mean "green"?); it takes green, yellow, fhv.');
    expect(refusal({ ...base, model: 'ridge', params: { alfa: 1 } })).toBe('meter: pipeline file p.json: unknown parameter "params.alfa" for model ridge (did you mean "params.alpha"?).');
    expect(refusal({ ...base, model: 'ridge', params: { alpha: -1 } })).toBe('meter: pipeline file p.json: alpha (L2 penalty) must be a number > 0; got -1.');
    expect(refusal({ ...base, schedule: '0 6 2 *' }, 'save')).toMatch(/^meter: pipeline file p\.json: Schedule "0 6 2 \*": it has 4 fields\./);
    expect(refusal({ ...base, kind: 3 })).toBe('meter: pipeline file p.json: "kind" must be one of green, yellow, fhv; got 3.');
    expect(refusal('{"name": "g",')).toMatch(/^meter: pipeline file p\.json is not valid JSON: /);
    expect(refusal('[]')).toBe('meter: pipeline file p.json must hold one JSON object ({"name": …, "data": …, …}).');
  });

  it("names a bad flag as the flag, not as the API's field", () => {
    writeFileSync(join(work, 'ok.json'), JSON.stringify(base));
    const flag = (...a: string[]) => { const r = meter('pipeline', ...a); expect(r.code).toBe(2); return r.err; };
    expect(flag('run', 'ok.json', '--month', '2023-13')).toBe('meter: --month must be a month as YYYY-MM (2023-03); got "2023-13".');
    expect(flag('backfill', 'ok.json', '--from', '2023-1', '--to', '2023-02')).toBe('meter: --from must be a month as YYYY-MM (2023-03); got "2023-1".');
    expect(flag('backfill', 'ok.json', '--from', '2023-01', '--to', 'March')).toBe('meter: --to must be a month as YYYY-MM (2023-03); got "March".');
    expect(flag('runs', '--limit', '0')).toBe('meter: --limit must be a whole number from 1 to 10000; got 0.');
    expect(flag('runs', '--pipeline', 'x'.repeat(101))).toMatch(/^meter: --pipeline takes a pipeline's name \(at most 100 characters\)/);
    expect(meter('pipeline', 'show', 'x'.repeat(70)).err).toBe(`meter: No flow run with id "${'x'.repeat(40)}…"; "meter pipeline runs" lists them.`);
    for (const err of [flag('runs', '--limit', '0'), refusal({ ...base, modle: 1 })]) expect(err).not.toMatch(/pipelines\.\w+:/);
    // refused before anything ran: no flow run, no saved pipeline
    expect(JSON.parse(meter('pipeline', 'runs', '--json').out)).toEqual([]);
    expect(existsSync(join(work, 'g.log'))).toBe(false);
  });

  it('suggests only a near name', () => {
    expect(closest('modle', ['name', 'model'])).toBe('model');
    expect(closest('MODEL', ['name', 'model'])).toBe('model');
    expect(closest('experimnet', ['experiment', 'offsets'])).toBe('experiment');
    expect(closest('colour', ['name', 'model', 'kind'])).toBeUndefined();
    expect(closest('rf', ['linear', 'ridge', 'rf', 'gbt'])).toBe('rf');
    expect(closest('xyz', ['rf', 'gbt'])).toBeUndefined();
  });
});

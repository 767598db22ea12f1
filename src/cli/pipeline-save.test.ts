// One-off runs change no saved pipeline; saving a name already saved with another spec is refused, naming
// the difference, unless --replace. Through the built CLI on a temp home, on the shipped sample months.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SAMPLE, tempDir } from '../../test/helpers';
import { openCore } from '../core/context';
import type { PipelineRow } from '../core/pipelines/flow-repo';

const work = tempDir('meter-cli-save-');
const home = join(work, 'home');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const meter = (...a: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...a], { encoding: 'utf8', env: { ...process.env, METER_HOME: '', METER_FAULT: '' }, cwd: work });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const base = {
  name: 'green-sample', data: 'data', kind: 'green', model: 'linear', experiment: 'monthly', offsets: { train: -1, val: 0 },
  retries: { count: 0, delaySeconds: 0 }, schedule: '0 6 2 * *',
};
const write = (file: string, spec: Record<string, unknown>) => writeFileSync(join(work, file), JSON.stringify(spec));

/** The saved pipelines' rows, as the store holds them (spec, schedule, last fire, times). */
async function saved(): Promise<PipelineRow[]> {
  const ctx = openCore({ home });
  try {
    return ctx.db.prepare('SELECT * FROM pipelines ORDER BY name').all() as PipelineRow[];
  } finally {
    await ctx.close();
  }
}

describe('meter pipeline save / run: a one-off run saves nothing; a different spec under a saved name needs --replace', () => {
  beforeAll(() => {
    mkdirSync(join(work, 'data'));
    symlinkSync(SAMPLE.train, join(work, 'data', 'green_tripdata_2023-01.parquet'));
    symlinkSync(SAMPLE.val, join(work, 'data', 'green_tripdata_2023-02.parquet'));
    write('green.json', base);
    // Same name, another model and schedule: what a second file (or a copied one) looks like.
    write('other.json', { ...base, model: 'ridge', params: { alpha: 0.5 }, schedule: '0 7 3 * *' });
  });

  it('a run of a file with a "schedule" runs once, says it does not schedule it, and saves nothing', async () => {
    const r = meter('pipeline', 'run', 'green.json', '--month', '2023-02', '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ month: '2023-02', status: 'done' });
    expect(r.err).toContain('note: green.json has a "schedule" (0 6 2 * *); this run does not schedule it. "meter pipeline save green.json" saves it');
    expect(await saved()).toEqual([]);
    const b = meter('pipeline', 'backfill', 'green.json', '--from', '2023-02', '--to', '2023-02');
    expect(b.code, b.err).toBe(0);
    expect(b.err).toContain('this backfill does not schedule it');
    expect(await saved()).toEqual([]);
  });

  it('save stores it with its schedule; saving the same file again changes nothing', async () => {
    const r = meter('pipeline', 'save', 'green.json');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^saved pipeline green-sample; schedule 0 6 2 \* \*, fires while Meter runs \(the app, meter ui\), next \d{4}-/);
    const [row] = await saved();
    // A save is not a fire: the Schedules table's "Last fired" stays empty (—) until the schedule fires.
    expect(row).toMatchObject({ name: 'green-sample', schedule: '0 6 2 * *', last_fire_ms: null });
    expect(row.schedule_from_ms).toBe(row.updated_ms);
    const [listed] = JSON.parse(meter('api', 'pipelines.list', '{}').out) as { lastFireMs: number | null; nextFireMs: number }[];
    expect(listed.lastFireMs).toBeNull();
    expect(listed.nextFireMs).toBeGreaterThan(row.updated_ms);
    expect(JSON.parse(row.spec_json)).toMatchObject({ model: 'linear', data: join(work, 'data') });
    const again = meter('pipeline', 'save', 'green.json');
    expect(again.out).toMatch(/^already saved \(unchanged\) pipeline green-sample/);
    expect(await saved()).toEqual([row]);
  });

  it('a run of another file with the saved name leaves the saved pipeline, its schedule and last fire as they were', async () => {
    const before = await saved();
    const r = meter('pipeline', 'run', 'other.json', '--month', '2023-02');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/green-sample 2023-02 done/);
    expect(await saved()).toEqual(before);
  });

  it('saving another spec under the saved name is refused naming each difference; --replace replaces it', async () => {
    const before = await saved();
    const r = meter('pipeline', 'save', 'other.json');
    expect(r.code).toBe(4);
    expect(r.err.trim()).toBe('meter: other.json: a pipeline named "green-sample" is already saved in this Meter home with a different spec '
      + '(model: "linear" → "ridge"; schedule: "0 6 2 * *" → "0 7 3 * *"; params: none → {"alpha":0.5}). Give --replace to replace it, or another "name" in other.json.');
    expect(await saved()).toEqual(before);
    // schedule (the OS's lines) refuses the clash too, and says how to settle it
    const s = meter('pipeline', 'schedule', 'other.json');
    expect(s.code).toBe(4);
    expect(s.err).toContain('or make the saved one this file with "meter pipeline save other.json --replace"');
    expect(meter('pipeline', 'run', 'other.json', '--month', '2023-02', '--replace').err).toContain('--replace goes with "meter pipeline save FILE.json" only');

    const ok = meter('pipeline', 'save', 'other.json', '--replace');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/^replaced pipeline green-sample; schedule 0 7 3 \* \*/);
    const [row] = await saved();
    expect(JSON.parse(row.spec_json)).toMatchObject({ model: 'ridge', params: { alpha: 0.5 }, schedule: '0 7 3 * *' });
    expect(row.created_ms).toBe(before[0].created_ms);
    // A changed schedule starts from now: nothing before it counts as missed. Still no fire was made.
    expect(row.schedule_from_ms).toBeGreaterThan(before[0].schedule_from_ms!);
    expect(row.last_fire_ms).toBeNull();
    // Same spec as saved: the OS lines print, with a note that Meter fires it too while it runs.
    const same = meter('pipeline', 'schedule', 'other.json');
    expect(same.code, same.err).toBe(0);
    expect(same.err).toContain('note: Meter also fires the saved pipeline green-sample (0 7 3 * *) while it runs');
  });
});

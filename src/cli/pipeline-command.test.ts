// `meter pipeline` as users run it, on the real shared months: a pipeline file with a relative data folder,
// --json output, unknown keys refused by name, the OS schedule lines, and a backfill killed with SIGKILL
// mid-way and run again (it finishes what was left, reuses what finished: no duplicate runs, none lost).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, ROOT, shared, tempDir } from '../../test/helpers';
import { openCore } from '../core/context';

const home = tempDir('meter-cli-pipe-');
const work = tempDir('meter-cli-pipe-files-');
afterAll(() => { rmSync(home, { recursive: true, force: true }); rmSync(work, { recursive: true, force: true }); });
const env = { ...process.env, METER_HOME: '', METER_FAULT: '' };
const args = (...a: string[]) => [join(ROOT, 'bin/meter.js'), '--home', home, ...a];
const meter = (...a: string[]) => {
  const r = spawnSync(process.execPath, args(...a), { encoding: 'utf8', env, cwd: work });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const writePipeline = (file: string, spec: Record<string, unknown>) => writeFileSync(join(work, file), JSON.stringify(spec, null, 2));

describe.skipIf(!HAS_SHARED)(`meter pipeline on green 2023-01..03${HAS_SHARED ? '' : ' (skipped: the shared months are not in ../shared/data)'}`, () => {
  mkdirSync(join(work, 'data'), { recursive: true });
  for (const m of ['01', '02', '03']) symlinkSync(shared(`green_tripdata_2023-${m}.parquet`), join(work, 'data', `green_tripdata_2023-${m}.parquet`));
  const spec = {
    name: 'green-monthly', data: 'data', kind: 'green', model: 'linear', params: {}, features: 'basic', experiment: 'monthly',
    offsets: { train: -2, val: -1, test: 0 }, retries: { count: 2, delaySeconds: 5 }, promote: { registeredModel: 'taxi-duration', alias: 'champion' },
    schedule: '0 6 2 * *',
  };

  it('run --json prints one object; relative data paths resolve against the file; runs and show list it', () => {
    writePipeline('green.json', spec);
    const r = meter('pipeline', 'run', 'green.json', '--month', '2023-03', '--json');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const flow = JSON.parse(lines[0]) as { flowRunId: string; status: string; steps: { name: string; status: string; attempts: number; cached: boolean }[]; runId: string; promoted: boolean };
    expect(Object.keys(flow)).toEqual(['flowRunId', 'month', 'status', 'steps', 'runId', 'promoted']);
    expect(flow.status).toBe('done');
    expect(flow.steps).toEqual(['load', 'features', 'train', 'evaluate', 'register', 'promote'].map((name) => ({ name, status: 'done', attempts: 1, cached: false })));
    expect(flow.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(flow.promoted).toBe(true);
    expect(r.err).toContain('green-monthly 2023-03 train done');
    expect(meter('pipeline', 'runs').out).toContain(`${flow.flowRunId}  green-monthly    2023-03  done      cli      ${flow.runId}  promoted`);
    const show = meter('pipeline', 'show', flow.flowRunId);
    expect(show.out).toMatch(/promote\s+done\s+attempts 1/);
    expect(show.out).toMatch(/\[promote\] .* info moved @champion to version 1: no @champion yet/);
  });

  it('refuses a pipeline file with an unknown key, naming it, and bad params', () => {
    writePipeline('typo.json', { ...spec, modle: 'ridge' });
    const r = meter('pipeline', 'run', 'typo.json', '--month', '2023-03');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('meter: pipeline file typo.json: unknown field "modle" (did you mean "model"?).');
    writePipeline('alpha.json', { ...spec, model: 'ridge', params: { alpha: 0 } });
    expect(meter('pipeline', 'run', 'alpha.json', '--month', '2023-03').err.trim()).toBe('meter: pipeline file alpha.json: alpha (L2 penalty) must be a number > 0; got 0.');
  });

  it('prints the crontab line and systemd units for the file\'s schedule', () => {
    const r = meter('pipeline', 'schedule', 'green.json');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`0 6 2 * * ${process.execPath} ${join(ROOT, 'out/node/cli.js')} --home ${home} pipeline run ${join(work, 'green.json')} --month previous >> ${join(work, 'green-monthly.log')} 2>&1`);
    expect(r.out).toContain('OnCalendar=*-*-02 06:00:00');
  });

  it('a backfill killed with SIGKILL mid-way, run again, finishes what was left and reuses what finished', async () => {
    writePipeline('backfill.json', { ...spec, name: 'green-bf', features: 'pu_do', offsets: { train: -1, val: 0 }, promote: undefined, schedule: undefined });
    const child = spawn(process.execPath, args('pipeline', 'backfill', 'backfill.json', '--from', '2023-01', '--to', '2023-03'), { env, cwd: work });
    const exited = new Promise((r) => child.once('exit', r));
    let err = '';
    const killed = await new Promise<boolean>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        // 2023-02 finished; 2023-03 is training: kill -9 now
        if (/green-bf 2023-03 train running/.test(err) && child.kill('SIGKILL')) resolve(true);
      });
      child.on('exit', () => resolve(false));
    });
    expect(killed, err).toBe(true);
    await exited;
    expect(err).toContain('green-bf 2023-01 skipped: missing green_tripdata_2022-12.parquet (train)');
    expect(err).toContain('green-bf 2023-02 promote skipped');

    const r = meter('pipeline', 'backfill', 'backfill.json', '--from', '2023-01', '--to', '2023-03', '--json');
    expect(r.code, r.err).toBe(0);
    const list = JSON.parse(r.out) as { month: string; status: string; flowRunId: string | null; runId: string | null; reused?: boolean; reason?: string }[];
    expect(list.map((f) => [f.month, f.status, f.reused ?? null])).toEqual([['2023-01', 'skipped', null], ['2023-02', 'done', true], ['2023-03', 'done', false]]);
    expect(list[0].reason).toBe('missing green_tripdata_2022-12.parquet (train)');

    const ctx = openCore({ home });
    try {
      const tag = (alias: string, key: string) => `JOIN run_tags ${alias} ON ${alias}.run_key = r.run_key AND ${alias}.key_id = (SELECT key_id FROM key_names WHERE key = '${key}')`;
      const runs = ctx.db.prepare(`SELECT r.status, m.value AS month FROM runs r ${tag('t', 'meter.pipeline')} AND t.value = 'green-bf'
        ${tag('m', 'meter.pipeline.month')} ORDER BY r.start_ms`).all() as { status: string; month: string }[];
      // One finished run per month; the run the kill interrupted (if it had started) is FAILED, not FINISHED.
      expect(runs.filter((x) => x.status === 'FINISHED').map((x) => x.month).sort()).toEqual(['2023-02', '2023-03']);
      expect(runs.filter((x) => x.status !== 'FINISHED').every((x) => x.status === 'FAILED' && x.month === '2023-03')).toBe(true);
      const flows = ctx.db.prepare("SELECT month, status FROM pipeline_runs WHERE pipeline = 'green-bf' ORDER BY month").all();
      expect(flows).toEqual([{ month: '2023-02', status: 'done' }, { month: '2023-03', status: 'done' }]);
    } finally {
      await ctx.close();
    }
  });
});

// `meter pipeline schedule`'s crontab line, run as cron would: by sh, from another folder, with a bare
// PATH and a HOME whose default Meter home must stay untouched. It has to fire a flow run in the home the
// user scheduled in, through this Meter's built CLI (not `npx meter`), on the shipped sample months.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SAMPLE, tempDir } from '../../test/helpers';
import { openCore } from '../core/context';
import { addMonths } from '../shared/pipeline';

const root = tempDir('meter-cli-sched-');
// A folder name sh and systemd must both get right: a space and a quote.
const work = join(root, "it's my work");
const home = join(root, 'scheduled home');
const userHome = join(root, 'user');
const elsewhere = join(root, 'elsewhere');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const meter = (...a: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...a],
  { encoding: 'utf8', env: { ...process.env, METER_HOME: '', METER_FAULT: '' }, cwd: work });

/** Runs a crontab line's command as cron does: sh -c, after cron's own unescaping of \%. */
const asCron = (line: string) => spawnSync('/bin/sh', ['-c', line.split(' ').slice(5).join(' ').replace(/\\%/g, '%')],
  { encoding: 'utf8', cwd: elsewhere, env: { PATH: '/usr/bin:/bin', HOME: userHome, SHELL: '/bin/sh' } });

interface FlowRow { month: string; status: string; trigger: string; run_id: string | null; error: string | null }

/** Reads the scheduled home's store (flow runs, registered versions). */
async function inHome<T>(read: (db: ReturnType<typeof openCore>['db']) => T): Promise<T> {
  const ctx = openCore({ home });
  try {
    return read(ctx.db);
  } finally {
    await ctx.close();
  }
}
const flowRuns = () => inHome((db) => db.prepare('SELECT month, status, trigger, run_id, error FROM pipeline_runs ORDER BY created_ms').all() as FlowRow[]);

describe('meter pipeline schedule: the printed crontab line fires in the scheduled home', () => {
  let line = '';
  beforeAll(() => {
    for (const d of [join(work, 'data'), userHome, elsewhere]) mkdirSync(d, { recursive: true });
    symlinkSync(SAMPLE.train, join(work, 'data', 'green_tripdata_2023-01.parquet'));
    symlinkSync(SAMPLE.val, join(work, 'data', 'green_tripdata_2023-02.parquet'));
    writeFileSync(join(work, 'green.json'), JSON.stringify({
      name: 'green-sched', data: 'data', kind: 'green', model: 'linear', experiment: 'monthly', offsets: { train: -1, val: 0 },
      retries: { count: 0, delaySeconds: 0 }, promote: { registeredModel: 'taxi-duration' }, schedule: '0 6 2 * *',
    }));
    const r = meter('pipeline', 'schedule', 'green.json');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    line = lines[lines.indexOf('# crontab -e:') + 1];
  });

  it('names node, the built CLI, the home and the file absolutely: no cd, no npx', () => {
    expect(line.startsWith(`0 6 2 * * ${process.execPath} ${join(ROOT, 'out/node/cli.js')} --home '${home}' pipeline run `)).toBe(true);
    expect(line).not.toMatch(/npx|\bcd\b/);
  });

  it('run by sh from another folder, fires a flow run in that home for the month before now', async () => {
    const r = asCron(line);
    expect(r.status).toBe(1); // the sample has no file for last month: the flow fails at load, naming it
    const d = new Date();
    const previous = addMonths(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`, -1);
    const [flow] = await flowRuns();
    expect(flow).toMatchObject({ month: previous, status: 'failed', trigger: 'cli' });
    expect(flow.error).toContain(`green_tripdata_${addMonths(previous, -1)}.parquet (the train month ${addMonths(previous, -1)}) is not in ${join(work, 'data')}`);
    // Its output went to the log beside the file; nothing went to the default home.
    expect(readFileSync(join(work, 'green-sched.log'), 'utf8')).toContain('green-sched');
    expect(existsSync(join(userHome, '.config', 'Meter'))).toBe(false);
  });

  it('the same line for a month the sample holds trains, registers and promotes there', async () => {
    const r = asCron(line.replace('--month previous', '--month 2023-02'));
    expect(r.status, readFileSync(join(work, 'green-sched.log'), 'utf8')).toBe(0);
    const flow = (await flowRuns()).find((f) => f.month === '2023-02')!;
    expect(flow).toMatchObject({ status: 'done', trigger: 'cli' });
    expect(await inHome((db) => db.prepare("SELECT run_id FROM model_versions WHERE name = 'taxi-duration'").pluck().all())).toEqual([flow.run_id]);
    expect(existsSync(join(userHome, '.config', 'Meter'))).toBe(false);
  });
});

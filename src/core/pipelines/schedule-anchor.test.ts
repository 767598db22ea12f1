// Migration 0018 on a home saved before it: a save's time written as "last fire" is dropped (no fire happened),
// a real fire is kept, and the schedule still counts from where it counted before (no fire gained or lost).
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../store/db';
import { MIGRATIONS } from '../store/migrations';
import { tempDir } from '../../../test/helpers';
import type { PipelineRow } from './flow-repo';
import { scheduleAnchor } from './scheduler';

const dir = tempDir('meter-anchor-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('0018: a saved schedule\'s anchor apart from its last fire', () => {
  it('drops fires a save invented, keeps real ones, and keeps the catch-up anchor', () => {
    const path = join(dir, 'meter.db');
    const old = openDatabase(path, MIGRATIONS.filter((m) => m.version <= 17)).db;
    const spec = (name: string) => JSON.stringify({ name, schedule: '0 6 2 * *' });
    const insert = old.prepare('INSERT INTO pipelines (name, spec_json, schedule, last_fire_ms, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)');
    insert.run('saved-only', spec('saved-only'), '0 6 2 * *', 5_000, 5_000, 5_000); // the old save wrote its time as the last fire
    insert.run('fired', spec('fired'), '0 6 2 * *', 9_000, 5_000, 5_000); // then the schedule fired at 9,000
    insert.run('unscheduled', JSON.stringify({ name: 'unscheduled' }), null, null, 5_000, 5_000);
    old.prepare(`INSERT INTO pipeline_runs (flow_run_id, pipeline, spec_json, spec_sha256, month, status, trigger, created_ms)
      VALUES ('f1', 'fired', '{}', 'x', '2023-02', 'done', 'schedule', 9_050)`).run();
    // a flow run the user started by hand is not a fire
    old.prepare(`INSERT INTO pipeline_runs (flow_run_id, pipeline, spec_json, spec_sha256, month, status, trigger, created_ms)
      VALUES ('f2', 'saved-only', '{}', 'x', '2023-02', 'done', 'cli', 6_000)`).run();
    old.close();

    const { db } = openDatabase(path);
    const rows = db.prepare('SELECT * FROM pipelines ORDER BY name').all() as PipelineRow[];
    db.close();
    expect(rows.map((r) => [r.name, r.last_fire_ms, r.schedule_from_ms])).toEqual([
      ['fired', 9_000, 9_000], ['saved-only', null, 5_000], ['unscheduled', null, null],
    ]);
    const anchor = (r: PipelineRow) => scheduleAnchor({ name: r.name, schedule: r.schedule, lastFireMs: r.last_fire_ms, scheduleFromMs: r.schedule_from_ms, createdMs: r.created_ms });
    expect(rows.filter((r) => r.schedule).map(anchor)).toEqual([9_000, 5_000]);
  });
});

import { describe, expect, it } from 'vitest';
import { lastFireBetween, nextFire, parseCron } from './cron';
import { onCalendar, osSchedule } from './os-schedule';
import { monthForFire, PipelineScheduler, type Clock, type ScheduledPipeline } from './scheduler';

/** Local time, as cron reads it. */
const at = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
const fmt = (ms: number | null) => {
  if (ms === null) return null;
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())} ${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()]}`;
};
const fires = (expr: string, from: number, n: number): (string | null)[] => {
  const c = parseCron(expr);
  const out: (string | null)[] = [];
  let t: number | null = from;
  for (let i = 0; i < n && t !== null; i++) { t = nextFire(c, t); out.push(fmt(t)); }
  return out;
};

describe('cron: next fire times', () => {
  it('monthly on the 2nd at 06:00', () => {
    expect(fires('0 6 2 * *', at(2023, 1, 15, 12), 3)).toEqual(['2023-02-02 06:00 Thu', '2023-03-02 06:00 Thu', '2023-04-02 06:00 Sun']);
    // strictly after: a fire time itself gives the next one
    expect(fires('0 6 2 * *', at(2023, 2, 2, 6), 1)).toEqual(['2023-03-02 06:00 Thu']);
    expect(fires('0 6 2 * *', at(2023, 2, 2, 5, 59), 1)).toEqual(['2023-02-02 06:00 Thu']);
  });
  it('steps, ranges and lists', () => {
    expect(fires('*/15 * * * *', at(2023, 5, 1, 10, 7), 4)).toEqual(['2023-05-01 10:15 Mon', '2023-05-01 10:30 Mon', '2023-05-01 10:45 Mon', '2023-05-01 11:00 Mon']);
    expect(fires('0 9-17/4 * * *', at(2023, 5, 1, 10), 3)).toEqual(['2023-05-01 13:00 Mon', '2023-05-01 17:00 Mon', '2023-05-02 09:00 Tue']);
    expect(fires('30 8 1,15 * *', at(2023, 5, 2), 3)).toEqual(['2023-05-15 08:30 Mon', '2023-06-01 08:30 Thu', '2023-06-15 08:30 Thu']);
    expect(fires('0 0 * * 1-5', at(2023, 5, 5, 12), 2)).toEqual(['2023-05-08 00:00 Mon', '2023-05-09 00:00 Tue']);
    expect(fires('0 12 * jan,jul sun', at(2023, 6, 1), 2)).toEqual(['2023-07-02 12:00 Sun', '2023-07-09 12:00 Sun']);
    expect(fires('5/20 0 1 1 *', at(2023, 1, 1), 3)).toEqual(['2023-01-01 00:05 Sun', '2023-01-01 00:25 Sun', '2023-01-01 00:45 Sun']);
  });
  it('day 7 is Sunday; both day fields restricted match either (as Vixie cron)', () => {
    expect(fires('0 0 * * 7', at(2023, 5, 1), 1)).toEqual(['2023-05-07 00:00 Sun']);
    expect(fires('0 0 13 * 5', at(2023, 1, 1), 3)).toEqual(['2023-01-06 00:00 Fri', '2023-01-13 00:00 Fri', '2023-01-20 00:00 Fri']);
  });
  it('skips months without the day, finds leap days, and says never for Feb 30', () => {
    expect(fires('0 0 31 * *', at(2023, 1, 31, 1), 2)).toEqual(['2023-03-31 00:00 Fri', '2023-05-31 00:00 Wed']);
    expect(fires('0 0 29 2 *', at(2023, 1, 1), 2)).toEqual(['2024-02-29 00:00 Thu', '2028-02-29 00:00 Tue']);
    expect(nextFire(parseCron('0 0 30 2 *'), at(2023, 1, 1))).toBeNull();
  });
  it('refuses bad expressions naming what is wrong', () => {
    expect(() => parseCron('0 6 2 *')).toThrow(/"0 6 2 \*": it has 4 fields/);
    expect(() => parseCron('60 6 2 * *')).toThrow(/minute must be 0–59; got 60/);
    expect(() => parseCron('0 6 5-1 * *')).toThrow(/range 5-1 .* runs backwards/);
    expect(() => parseCron('0 six * * *')).toThrow(/hour field has "six"/);
    expect(() => parseCron('*/0 * * * *')).toThrow(/step must be at least 1/);
    expect(() => parseCron('')).toThrow(/it has 0 fields/);
  });
  it('the last fire in a window', () => {
    const c = parseCron('0 6 2 * *');
    expect(fmt(lastFireBetween(c, at(2023, 1, 1), at(2023, 4, 10)))).toBe('2023-04-02 06:00 Sun');
    expect(lastFireBetween(c, at(2023, 4, 2, 6), at(2023, 4, 10))).toBeNull();
  });
  it('prints the crontab line and a systemd timer for the same schedule', () => {
    expect(onCalendar(parseCron('0 6 2 * *'))).toEqual(['*-*-02 06:00:00']);
    expect(onCalendar(parseCron('*/30 1 * * mon-fri'))).toEqual(['Mon,Tue,Wed,Thu,Fri *-*-* 01:00,30:00']);
    const cli = { node: '/opt/node 20/bin/node', entry: '/opt/meter/out/node/cli.js' };
    const o = osSchedule('/srv/p/green.json', '0 6 2 * *', 'green-monthly', '/srv/meter home', cli);
    // Absolute Node, CLI entry, home and file; no cd, no npx; sh quoting only where needed.
    expect(o.crontab).toBe("0 6 2 * * '/opt/node 20/bin/node' /opt/meter/out/node/cli.js --home '/srv/meter home' pipeline run /srv/p/green.json --month previous >> /srv/p/green-monthly.log 2>&1");
    expect(o.systemdTimer).toContain('OnCalendar=*-*-02 06:00:00');
    expect(o.systemdService).toContain('ExecStart="/opt/node 20/bin/node" "/opt/meter/out/node/cli.js" "--home" "/srv/meter home" "pipeline" "run" "/srv/p/green.json" "--month" "previous"');
    expect(o.systemdService).not.toContain('WorkingDirectory');
    // A quote, a % (cron's newline, systemd's specifier) and a $ (systemd's variable) in a path.
    const odd = osSchedule("/srv/it's 100%/g.json", '0 6 2 * *', 'g', '/h/$HOME', cli);
    expect(odd.crontab).toContain("pipeline run '/srv/it'\\''s 100\\%/g.json' --month previous >> '/srv/it'\\''s 100\\%/g.log' 2>&1");
    expect(odd.crontab).toContain("--home '/h/$HOME'");
    expect(odd.systemdService).toContain('"--home" "/h/$$HOME" "pipeline" "run" "/srv/it\'s 100%%/g.json"');
    // Inside Electron the binary runs the script as Node only with ELECTRON_RUN_AS_NODE.
    const electron = osSchedule('/srv/p/green.json', '0 6 2 * *', 'green-monthly', '/h', { ...cli, env: { ELECTRON_RUN_AS_NODE: '1' } });
    expect(electron.crontab).toMatch(/^0 6 2 \* \* ELECTRON_RUN_AS_NODE=1 '\/opt\/node 20/);
    expect(electron.systemdService).toContain('Environment="ELECTRON_RUN_AS_NODE=1"\nExecStart=');
  });
});

/** A clock moved by hand: timers run when it passes their time. */
class FakeClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  constructor(private t: number) {}
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => { const id = ++this.ids; this.timers.push({ at: this.t + ms, fn, id }); return id; };
  clearTimeout = (h: unknown) => { this.timers = this.timers.filter((x) => x.id !== h); };
  advanceTo(t: number): void {
    for (;;) {
      const due = this.timers.filter((x) => x.at <= t).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = t;
  }
}

describe('pipeline scheduler (fake clock)', () => {
  const setup = (start: number, lastFireMs: number | null, scheduleFromMs: number | null = null) => {
    const clock = new FakeClock(start);
    const p: ScheduledPipeline = { name: 'green-monthly', schedule: '0 6 2 * *', lastFireMs, scheduleFromMs, createdMs: at(2022, 12, 1) };
    const fired: string[] = [];
    const s = new PipelineScheduler({
      clock, pipelines: () => [p],
      fire: (name, fireMs, month) => { p.lastFireMs = fireMs; fired.push(`${name} ${fmt(fireMs)} → ${month}`); },
    });
    return { clock, s, fired, p };
  };

  it('catches up missed fires once at start, then fires at each next time', () => {
    // Meter was closed from Jan 1 to Apr 10: three fires were missed (Feb 2, Mar 2, Apr 2); one catch-up run.
    const { clock, s, fired } = setup(at(2023, 4, 10, 9), at(2023, 1, 1));
    s.start();
    expect(fired).toEqual(['green-monthly 2023-04-02 06:00 Sun → 2023-03']);
    clock.advanceTo(at(2023, 5, 2, 5, 59));
    expect(fired).toHaveLength(1);
    clock.advanceTo(at(2023, 5, 2, 6, 0));
    expect(fired).toEqual(['green-monthly 2023-04-02 06:00 Sun → 2023-03', 'green-monthly 2023-05-02 06:00 Tue → 2023-04']);
    clock.advanceTo(at(2023, 7, 1));
    expect(fired.slice(2)).toEqual(['green-monthly 2023-06-02 06:00 Fri → 2023-05']);
    s.stop();
    clock.advanceTo(at(2023, 9, 1));
    expect(fired).toHaveLength(3);
  });

  it('fires nothing at start when nothing was missed, and a restart does not fire twice', () => {
    const { clock, s, fired, p } = setup(at(2023, 4, 10), at(2023, 4, 2, 6));
    s.start();
    expect(fired).toEqual([]);
    clock.advanceTo(at(2023, 5, 3));
    s.stop();
    const again = new PipelineScheduler({ clock, pipelines: () => [p], fire: (n, f, m) => fired.push(`${n} ${fmt(f)} → ${m}`) });
    again.start();
    again.stop();
    expect(fired).toEqual(['green-monthly 2023-05-02 06:00 Tue → 2023-04']);
  });

  it('a pipeline saved and never fired counts from its save: the missed fires are caught up once', () => {
    const { s, fired, p } = setup(at(2023, 4, 10, 9), null, at(2023, 1, 1));
    s.start();
    s.stop();
    expect(fired).toEqual(['green-monthly 2023-04-02 06:00 Sun → 2023-03']);
    expect(p.lastFireMs).toBe(at(2023, 4, 2, 6));
  });

  it('a schedule saved (or changed) after its last fire counts from the save, not from that fire', () => {
    // Last fired Feb 2; the schedule was saved again on Apr 5: the Mar 2 and Apr 2 fires came before it.
    const { clock, s, fired } = setup(at(2023, 4, 10, 9), at(2023, 2, 2, 6), at(2023, 4, 5));
    s.start();
    expect(fired).toEqual([]);
    clock.advanceTo(at(2023, 5, 2, 6));
    s.stop();
    expect(fired).toEqual(['green-monthly 2023-05-02 06:00 Tue → 2023-04']);
  });

  it('a fire runs the month before it', () => {
    expect(monthForFire(at(2023, 3, 2, 6))).toBe('2023-02');
    expect(monthForFire(at(2023, 1, 2, 6))).toBe('2022-12');
  });
});

// For users who want the OS, not a running Meter, to fire a pipeline: the crontab line and a systemd
// service + timer pair that run `meter pipeline run FILE --month previous` on the same schedule.
// The command names everything absolutely — this Node, this Meter's built CLI, the Meter home, the file —
// because cron and systemd run it from another folder with a bare environment: `npx meter` there finds no
// Meter (or downloads the unrelated npm package "meter"), and without --home it would fire against the
// default home instead of the one the user scheduled in.
import { dirname, join, resolve } from 'node:path';
import { parseCron, type Cron } from './cron';
import { packageRoot } from '../paths';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const list = (set: Set<number>, full: number, pad: number): string =>
  set.size === full ? '*' : [...set].sort((a, b) => a - b).map((v) => String(v).padStart(pad, '0')).join(',');

/** systemd's OnCalendar for a cron (lists spelled out; both day fields restricted becomes two lines, as cron ORs them). */
export function onCalendar(c: Cron): string[] {
  const time = `${list(c.hours, 24, 2)}:${list(c.minutes, 60, 2)}:00`;
  const date = (days: string) => `*-${list(c.months, 12, 2)}-${days}`;
  const weekdays = [...c.weekdays].sort((a, b) => a - b).map((d) => DAYS[d]).join(',');
  if (c.dayRestricted && c.weekdayRestricted) return [`${date(list(c.days, 31, 2))} ${time}`, `${weekdays} ${date('*')} ${time}`];
  if (c.weekdayRestricted) return [`${weekdays} ${date('*')} ${time}`];
  return [`${date(list(c.days, 31, 2))} ${time}`];
}

export interface OsSchedule { crontab: string; systemdService: string; systemdTimer: string }

/** The program that runs Meter's CLI: this process's Node and the built entry (out/node/cli.js, what bin/meter.js loads). */
export interface CliProgram { node: string; entry: string; env?: Record<string, string> }

export function thisCli(): CliProgram {
  // Inside Electron, execPath is the app's binary; it runs a script as Node only with ELECTRON_RUN_AS_NODE.
  return { node: process.execPath, entry: join(packageRoot(), 'out', 'node', 'cli.js'), ...(process.versions.electron ? { env: { ELECTRON_RUN_AS_NODE: '1' } } : {}) };
}

/** A word for sh: as it is when it holds nothing the shell treats specially, else single-quoted. */
export const shWord = (s: string): string => (/^[\w./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/**
 * A word for systemd's ExecStart/Environment: double-quoted with C-style escapes; "%" and "$" doubled, as
 * systemd would otherwise expand them as specifiers and variables.
 */
export const systemdWord = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;

export function osSchedule(file: string, schedule: string, name: string, home: string, cli: CliProgram = thisCli()): OsSchedule {
  const c = parseCron(schedule);
  const path = resolve(file);
  const args = [cli.node, cli.entry, '--home', resolve(home), 'pipeline', 'run', path, '--month', 'previous'];
  const env = Object.entries(cli.env ?? {});
  const log = join(dirname(path), `${name}.log`);
  // cron turns an unescaped % in the command into a newline (and unescapes \% before the shell sees it).
  const cronCmd = [...env.map(([k, v]) => `${k}=${shWord(v)}`), ...args.map(shWord), '>>', shWord(log), '2>&1'].join(' ').replace(/%/g, '\\%');
  return {
    crontab: `${c.source.trim()} ${cronCmd}`,
    systemdService: ['[Unit]', `Description=Meter pipeline ${name}`, '', '[Service]', 'Type=oneshot',
      ...env.map(([k, v]) => `Environment=${systemdWord(`${k}=${v}`)}`), `ExecStart=${args.map(systemdWord).join(' ')}`].join('\n'),
    systemdTimer: ['[Unit]', `Description=Run Meter pipeline ${name} (${c.source.trim()})`, '', '[Timer]', ...onCalendar(c).map((o) => `OnCalendar=${o}`), 'Persistent=true', '',
      '[Install]', 'WantedBy=timers.target'].join('\n'),
  };
}

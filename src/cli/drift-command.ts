// `meter drift` (one report over the current files) and `meter monitor` (a timeline: one report per month),
// the same job the Monitor screen starts, with progress on stderr; Ctrl-C cancels and records nothing.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MeterClient } from '../shared/contract';
import { MeterError, messageOf } from '../shared/errors';
import { DRIFT_METHODS, type DriftMethod, type DriftReport, type MonitoringFailure } from '../shared/domain/monitoring';
import { numberFlag, one, parseArgs, type ParsedArgs } from './args';
import { fmt, followJob, table } from './print';
import type { Io } from './io';

const DRIFT_USAGE = 'Usage: meter drift --model URI --current FILE [FILE…] [--reference FILE] [--method COLUMN=METHOD …] [--threshold COLUMN=T …] [--drift-share S] [--html OUT.html] [--json]';
const MONITOR_USAGE = 'Usage: meter monitor --model URI --current FILE|FOLDER [FILE…] [--reference FILE] [--method COLUMN=METHOD …] [--json]';

function pairs(p: ParsedArgs, flag: string): [string, string][] {
  return (p.flags.get(flag) ?? []).map((kv) => {
    const m = /^([A-Za-z_]+)=(.+)$/.exec(kv);
    if (!m) throw new MeterError('INVALID_ARGUMENT', `--${flag} takes COLUMN=VALUE (e.g. trip_distance=ks); got "${kv}".`);
    return [m[1], m[2]];
  });
}

async function run(client: MeterClient, args: string[], io: Io, timeline: boolean): Promise<{ reports: DriftReport[]; failed: MonitoringFailure[]; p: ParsedArgs }> {
  const p = parseArgs(args, { switches: ['json'], values: ['model', 'current', 'reference', 'method', 'threshold', 'drift-share', 'html'] });
  const modelUri = one(p, 'model');
  const current = [...(p.flags.get('current') ?? []), ...p.positionals].map((f) => resolve(io.cwd, f));
  if (!modelUri || current.length === 0) throw new MeterError('INVALID_ARGUMENT', timeline ? MONITOR_USAGE : DRIFT_USAGE);
  const methods: Record<string, DriftMethod> = {};
  for (const [col, m] of pairs(p, 'method')) {
    if (!(DRIFT_METHODS as readonly string[]).includes(m)) throw new MeterError('INVALID_ARGUMENT', `--method ${col}=${m}: the methods are ${DRIFT_METHODS.join(', ')}.`);
    methods[col] = m as DriftMethod;
  }
  const thresholds: Record<string, number> = {};
  for (const [col, t] of pairs(p, 'threshold')) {
    if (!Number.isFinite(Number(t))) throw new MeterError('INVALID_ARGUMENT', `--threshold ${col}=${t}: the threshold must be a number.`);
    thresholds[col] = Number(t);
  }
  const reference = one(p, 'reference');
  const started = await client.call('monitoring.start', {
    modelUri, current, reference: reference ? resolve(io.cwd, reference) : undefined, methods, thresholds, driftShare: numberFlag(p, 'drift-share'), timeline,
  });
  const outcome = await followJob(client, started.jobId, io.err);
  if (outcome.state !== 'succeeded') {
    throw new MeterError(outcome.error?.code ?? 'INTERNAL', outcome.state === 'cancelled' ? 'Monitoring was cancelled; no report was recorded.' : outcome.error?.message ?? 'Monitoring failed.');
  }
  const rows = await client.call('monitoring.list', { jobId: started.jobId });
  const reports = await Promise.all(rows.map((r) => client.call('monitoring.get', { reportId: r.reportId })));
  // a timeline's months that could not be monitored: the others went on without them
  const failed = timeline ? await client.call('monitoring.failures', { jobId: started.jobId }) : [];
  return { reports, failed, p };
}

function jsonOf(r: DriftReport): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const c of r.columns) columns[c.column] = { method: c.method, statistic: c.statistic, threshold: c.threshold, drifted: c.drifted, kind: c.kind };
  return {
    reportId: r.reportId, datasetDrift: { share: r.datasetDrift.share, drifted: r.datasetDrift.drifted }, columns,
    ...(r.quality ? { quality: { rmse: r.quality.rmse, mae: r.quality.mae } } : {}),
  };
}

export async function driftCommand(client: MeterClient, args: string[], io: Io): Promise<number> {
  const { reports, p } = await run(client, args, io, false);
  const r = reports[0];
  const html = one(p, 'html');
  if (html) {
    const out = resolve(io.cwd, html);
    try { writeFileSync(out, (await client.call('monitoring.html', { reportId: r.reportId })).html); } catch (err) {
      throw new MeterError('FILE_UNREADABLE', `Cannot write ${out}: ${messageOf(err)}`);
    }
    io.err.write(`report written to ${out}\n`);
  }
  if (p.switches.has('json')) { io.out(JSON.stringify(jsonOf(r))); return 0; }
  io.out(`report ${r.reportId}: dataset drift ${r.datasetDrift.drifted ? 'DETECTED' : 'not detected'} (share ${fmt(r.datasetDrift.share, 2)}, threshold ${r.datasetDrift.threshold})`);
  io.out(table(['column', 'kind', 'method', 'statistic', 'threshold', 'drift'], r.columns.map((c) => [c.column, c.kind, c.method, c.statistic.toPrecision(6), String(c.threshold), c.drifted ? 'DRIFT' : 'ok'])));
  if (r.quality) io.out(`rmse ${fmt(r.quality.rmse)} (validation ${fmt(r.quality.validationRmse ?? undefined)}), mae ${fmt(r.quality.mae)}`);
  for (const a of r.alerts) io.out(`ALERT: ${a.message}`);
  return 0;
}

export async function monitorCommand(client: MeterClient, args: string[], io: Io): Promise<number> {
  const { reports, failed, p } = await run(client, args, io, true);
  const rows = reports.map((r) => {
    const columns: Record<string, { statistic: number; drifted: boolean }> = {};
    for (const c of r.columns) columns[c.column] = { statistic: c.statistic, drifted: c.drifted };
    return { reportId: r.reportId, month: r.month, file: r.current[0].path, datasetDrift: { share: r.datasetDrift.share, drifted: r.datasetDrift.drifted }, columns, rmse: r.quality?.rmse ?? null, alerts: r.alerts.map((a) => a.message) };
  });
  if (p.switches.has('json')) {
    const failedRows = failed.map((f) => ({ month: f.month, file: f.path, failed: { code: f.code, reason: f.reason } }));
    io.out(JSON.stringify([...rows, ...failedRows].sort((a, b) => (a.month ?? '9999').localeCompare(b.month ?? '9999'))));
    return 0;
  }
  const names = ['PULocationID', 'DOLocationID', 'trip_distance', 'duration', 'prediction'];
  io.out(table(['month', 'drift share', ...names, 'rmse', 'alerts'], rows.map((r) => [
    r.month ?? '', `${fmt(r.datasetDrift.share, 2)}${r.datasetDrift.drifted ? ' DRIFT' : ''}`,
    ...names.map((n) => (r.columns[n] ? `${r.columns[n].statistic.toPrecision(4)}${r.columns[n].drifted ? '*' : ''}` : '')),
    r.rmse === null ? '' : fmt(r.rmse), String(r.alerts.length || ''),
  ])));
  for (const f of failed) io.out(`FAILED ${f.month ?? f.fileName}: ${f.reason}`);
  return 0;
}

// Monitoring as a job: a model URI, its reference (the version's own training data unless a file is given)
// and current files, checked before the job starts; each report is recorded, with the alerts it raises, in the
// transaction that ends the job, and so are a timeline's months that failed (with why). A failed or cancelled
// job records nothing.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { MeterError, type MeterErrorData } from '../../shared/errors';
import type { ApiArg } from '../../shared/contract';
import type { Dataset, JobId, ScoringModelRef } from '../../shared/domain';
import type { DriftMethod, DriftReport, DriftReportBody, DriftReportSummary, MonitoredColumn, MonitoringFailure } from '../../shared/domain/monitoring';
import { MONITORED_COLUMNS } from '../../shared/domain/monitoring';
import type { CoreContext } from '../context';
import { resolveModelUri } from '../registry/resolve';
import { getVersion } from '../registry/registry-repo';
import { getRun } from '../store/runs-repo';
import { datasetWithBytes } from '../store/datasets-repo';
import { checkDatasetFile } from '../data/dataset-file';
import { evaluateRules, getRules } from './alerts';
import { KIND_OF, METHODS_FOR } from './drift-report';
import { peekTripFile } from './monitor-frame';

export type MonitoringRequest = ApiArg<'monitoring.start'>;

/** Files and folders → parquet files; a folder means every *.parquet in it, in name order. */
function expandInputs(inputs: string[]): string[] {
  const out: string[] = [];
  for (const p of inputs) {
    const abs = resolve(p);
    if (!existsSync(abs)) throw new MeterError('NOT_FOUND', `${p} does not exist.`);
    if (statSync(abs).isDirectory()) {
      const files = readdirSync(abs).filter((f) => f.toLowerCase().endsWith('.parquet')).sort().map((f) => join(abs, f));
      if (files.length === 0) throw new MeterError('NOT_FOUND', `The folder ${p} holds no .parquet file.`);
      out.push(...files);
    } else {
      out.push(abs);
    }
  }
  return out;
}

function checkMethods(methods: Record<string, string>, thresholds: Record<string, number>): void {
  for (const [col, m] of Object.entries(methods)) {
    if (!(MONITORED_COLUMNS as readonly string[]).includes(col)) throw new MeterError('INVALID_ARGUMENT', `No monitored column "${col}"; the columns are ${MONITORED_COLUMNS.join(', ')}.`);
    const kind = KIND_OF[col as MonitoredColumn];
    if (!METHODS_FOR[kind].includes(m as DriftMethod)) throw new MeterError('INVALID_ARGUMENT', `${col} is ${kind}; its methods are ${METHODS_FOR[kind].join(', ')} (not ${m}).`);
  }
  for (const [col, t] of Object.entries(thresholds)) {
    if (!(MONITORED_COLUMNS as readonly string[]).includes(col)) throw new MeterError('INVALID_ARGUMENT', `No monitored column "${col}"; the columns are ${MONITORED_COLUMNS.join(', ')}.`);
    if (!(t > 0)) throw new MeterError('INVALID_ARGUMENT', `The threshold for ${col} must be above 0, not ${t}.`);
  }
}

/** `train`: the training dataset's record (its path follows its bytes), null if none is recorded any more */
interface Target { model: ScoringModelRef; modelPath: string; trainPath: string | null; train: Dataset | null; trainName: string; validation: { rmse: number | null; mae: number | null } }

function target(ctx: CoreContext, uri: string): Target {
  const r = resolveModelUri(ctx, uri);
  const model: ScoringModelRef = { uri: r.uri, name: r.name, version: r.version, runId: r.runId };
  if (r.kind === 'version' && r.name !== null && r.version !== null) {
    const v = getVersion(ctx.db, r.name, r.version);
    const snap = v.datasets.find((d) => d.role === 'train');
    // The version's snapshot names the path at registration; the record with those bytes says where they are now.
    const train = snap ? datasetWithBytes(ctx.db, snap.sha256, snap.path) : null;
    return { model, modelPath: r.modelPath, trainPath: train?.path ?? snap?.path ?? null, train, trainName: `${r.name} v${r.version}`, validation: { rmse: v.metrics.rmse_val ?? null, mae: v.metrics.mae_val ?? null } };
  }
  const run = getRun(ctx.db, r.runId as never);
  const train = run.inputs.find((i) => i.role === 'train');
  return { model, modelPath: r.modelPath, trainPath: train?.dataset.path ?? null, train: train?.dataset ?? null, trainName: `run ${run.name}`, validation: { rmse: run.metrics.rmse_val ?? null, mae: run.metrics.mae_val ?? null } };
}

export function startMonitoring(ctx: CoreContext, req: MonitoringRequest): { jobId: JobId; files: string[] } {
  const t = target(ctx, req.modelUri);
  if (req.current.length === 0) throw new MeterError('INVALID_ARGUMENT', 'Choose at least one current parquet file (or a folder of months) to monitor.');
  const methods = (req.methods ?? {}) as Record<string, DriftMethod>;
  const thresholds = req.thresholds ?? {};
  checkMethods(methods, thresholds);
  let reference: { path: string; source: 'training' | 'file' };
  if (req.reference) {
    const abs = resolve(req.reference);
    if (!existsSync(abs) || !statSync(abs).isFile()) throw new MeterError('NOT_FOUND', `The reference ${req.reference} does not exist (or is not a file).`);
    reference = { path: abs, source: 'file' };
  } else {
    if (!t.trainPath) throw new MeterError('NOT_FOUND', `${t.trainName} has no recorded training data; choose a reference file (--reference FILE).`);
    if (!existsSync(t.trainPath)) {
      throw new MeterError('NOT_FOUND', `The training data of ${t.trainName} (${basename(t.trainPath)}, at ${t.trainPath}) is gone; choose a reference file (--reference FILE).`, { file: basename(t.trainPath) });
    }
    if (t.train) checkDatasetFile(t.train, `The training data of ${t.trainName} (${t.train.fileName})`);
    reference = { path: t.trainPath, source: 'training' };
  }
  const files = expandInputs(req.current);
  const ref = peekTripFile(reference.path);
  // One report is refused whole for a bad file; a timeline refuses only when no month could be monitored, and
  // otherwise lets the job set the bad months aside with their reasons (the worker meets them again).
  const refused: MeterError[] = [];
  for (const f of files) {
    try {
      checkCurrentFile(f, ref.kind, reference.path);
    } catch (err) {
      if (!req.timeline || !(err instanceof MeterError)) throw err;
      refused.push(err);
    }
  }
  if (refused.length === files.length) {
    const more = files.length > 1 ? ` (and ${files.length - 1} more month${files.length > 2 ? 's' : ''} refused)` : '';
    throw new MeterError(refused[0].code, files.length > 1 ? `No month could be monitored: ${refused[0].message}${more}` : refused[0].message, refused[0].details);
  }
  const shareThreshold = req.driftShare ?? 0.5;
  if (!(shareThreshold > 0 && shareThreshold <= 1)) throw new MeterError('INVALID_ARGUMENT', `The dataset drift share threshold is in (0, 1], not ${shareThreshold}.`);
  const groups = req.timeline ? files.map((f) => [f]) : [files];
  const jobId: JobId = ctx.jobs.start('drift', {
    modelPath: t.modelPath, reference, groups, methods, thresholds: thresholds as Partial<Record<MonitoredColumn, number>>, shareThreshold, validation: t.validation,
    keepGoing: req.timeline === true,
  }, {
    runId: null,
    onSuccess: (result) => {
      const rules = t.model.name !== null && t.model.version !== null ? getRules(ctx.db, t.model.name, t.model.version) : [];
      for (const body of result.reports) record(ctx, jobId, t.model, body, evaluateRules(rules, body));
      for (const f of result.failed) recordFailure(ctx, jobId, f.path, f.error);
      return { reports: result.reports.length, failed: result.failed.length };
    },
  });
  return { jobId, files };
}

/** A current file the reference's kind of trip file, with the columns the model needs. */
function checkCurrentFile(path: string, referenceKind: string, referencePath: string): void {
  const cur = peekTripFile(path);
  if (cur.kind !== referenceKind) {
    throw new MeterError('SCHEMA_MISMATCH',
      `${basename(path)} is a ${cur.kind} trip file but the reference ${basename(referencePath)} is ${referenceKind}; monitor ${referenceKind} files or choose a ${cur.kind} reference file.`,
      { file: basename(path), kind: cur.kind, referenceKind });
  }
}

/** The month a file's name says (green_tripdata_2023-05.parquet → 2023-05): a failed file's rows were not read. */
export function monthOfFileName(fileName: string): string | null {
  const m = /(?:^|[^0-9])((?:19|20)\d\d)-(0[1-9]|1[0-2])(?![0-9])/.exec(fileName);
  return m ? `${m[1]}-${m[2]}` : null;
}

function recordFailure(ctx: CoreContext, jobId: JobId, path: string, error: MeterErrorData): void {
  const fileName = basename(path);
  ctx.db.prepare('INSERT INTO monitoring_failures (job_id, path, file_name, month, code, reason, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(jobId, path, fileName, monthOfFileName(fileName), error.code, error.message, Date.now());
}

/** A timeline's months that could not be monitored, in month order. */
export function listFailures(ctx: CoreContext, jobId: string): MonitoringFailure[] {
  const rows = ctx.db.prepare(`SELECT job_id, path, file_name, month, code, reason, created_ms FROM monitoring_failures WHERE job_id = ?
    ORDER BY month IS NULL, month, rowid`).all(jobId) as { job_id: string; path: string; file_name: string; month: string | null; code: string; reason: string; created_ms: number }[];
  return rows.map((r) => ({ jobId: r.job_id, path: r.path, fileName: r.file_name, month: r.month, code: r.code, reason: r.reason, createdMs: r.created_ms }));
}

function record(ctx: CoreContext, jobId: JobId, model: ScoringModelRef, body: DriftReportBody, alerts: DriftReport['alerts']): void {
  const report: DriftReport = { ...body, reportId: randomBytes(8).toString('hex'), jobId, model, alerts, createdMs: Date.now() };
  ctx.db.prepare(`INSERT INTO monitoring_reports (report_id, job_id, model_uri, model_name, model_version, run_id, month, reference_sha256, current_sha256,
    drift_share, dataset_drifted, rmse, alert_count, report_json, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    report.reportId, jobId, model.uri, model.name, model.version, model.runId, body.month, body.reference.sha256, body.current.map((c) => c.sha256).join(','),
    body.datasetDrift.share, body.datasetDrift.drifted ? 1 : 0, body.quality?.rmse ?? null, alerts.length, JSON.stringify(report), report.createdMs);
}

export function summaryOf(r: DriftReport): DriftReportSummary {
  const columns: DriftReportSummary['columns'] = {};
  for (const c of r.columns) columns[c.column] = { method: c.method, statistic: c.statistic, threshold: c.threshold, drifted: c.drifted };
  return {
    reportId: r.reportId, jobId: r.jobId, model: r.model, month: r.month, files: r.current.map((c) => c.path), rows: r.current.reduce((s, c) => s + c.kept, 0),
    datasetDrift: { share: r.datasetDrift.share, threshold: r.datasetDrift.threshold, drifted: r.datasetDrift.drifted },
    columns, rmse: r.quality?.rmse ?? null, alerts: r.alerts, createdMs: r.createdMs,
  };
}

export function getReport(ctx: CoreContext, reportId: string): DriftReport {
  const row = ctx.db.prepare('SELECT report_json FROM monitoring_reports WHERE report_id = ?').get(reportId) as { report_json: string } | undefined;
  if (!row) throw new MeterError('NOT_FOUND', `No monitoring report ${reportId}.`);
  return JSON.parse(row.report_json) as DriftReport;
}

/** Newest first; a job's reports (a timeline) in month order. */
export function listReports(ctx: CoreContext, q: { name?: string; version?: number; jobId?: string; limit?: number; flagged?: boolean }): DriftReportSummary[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.name !== undefined) { where.push('model_name = ?'); params.push(q.name); }
  if (q.version !== undefined) { where.push('model_version = ?'); params.push(q.version); }
  if (q.jobId !== undefined) { where.push('job_id = ?'); params.push(q.jobId); }
  if (q.flagged) where.push('alert_count > 0');
  const order = q.jobId !== undefined ? 'month ASC, rowid ASC' : 'created_ms DESC, rowid DESC';
  const rows = ctx.db.prepare(`SELECT report_json FROM monitoring_reports ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`)
    .all(...params, q.limit ?? 500) as { report_json: string }[];
  return rows.map((r) => summaryOf(JSON.parse(r.report_json) as DriftReport));
}

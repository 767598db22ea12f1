// A version's monitoring rules, and which of them a report breaks (naming the columns behind each).
import { MeterError } from '../../shared/errors';
import type { DriftReportBody, MonitoringAlert, MonitoringRule } from '../../shared/domain/monitoring';
import type { Db } from '../store/db';

export function getRules(db: Db, name: string, version: number): MonitoringRule[] {
  const row = db.prepare('SELECT rules_json FROM monitoring_rules WHERE model_name = ? AND model_version = ?').get(name, version) as { rules_json: string } | undefined;
  return row ? (JSON.parse(row.rules_json) as MonitoringRule[]) : [];
}

export function checkRule(r: MonitoringRule): MonitoringRule {
  if (r.metric === 'column_drift') {
    if (!r.column) throw new MeterError('INVALID_ARGUMENT', 'A column_drift rule names its column (e.g. prediction).');
    return { metric: r.metric, column: r.column };
  }
  if (r.threshold === undefined || !Number.isFinite(r.threshold)) throw new MeterError('INVALID_ARGUMENT', `A ${r.metric} rule needs a threshold (e.g. 0.5 for drift_share, 0.1 for 10%).`);
  if (r.metric === 'drift_share' && (r.threshold <= 0 || r.threshold > 1)) throw new MeterError('INVALID_ARGUMENT', `drift_share is a share of columns: the threshold is in (0, 1], not ${r.threshold}.`);
  return { metric: r.metric, threshold: r.threshold };
}

export function setRules(db: Db, name: string, version: number, rules: MonitoringRule[]): MonitoringRule[] {
  const checked = rules.map(checkRule);
  db.prepare(`INSERT INTO monitoring_rules (model_name, model_version, rules_json, updated_ms) VALUES (?, ?, ?, ?)
    ON CONFLICT (model_name, model_version) DO UPDATE SET rules_json = excluded.rules_json, updated_ms = excluded.updated_ms`)
    .run(name, version, JSON.stringify(checked), Date.now());
  return checked;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function describeRule(r: MonitoringRule): string {
  switch (r.metric) {
    case 'drift_share': return `dataset drift share ≥ ${r.threshold}`;
    case 'rmse_change': return `RMSE up > ${pct(r.threshold ?? 0)}`;
    case 'mae_change': return `MAE up > ${pct(r.threshold ?? 0)}`;
    case 'column_drift': return `${r.column} drifts`;
  }
}

export function evaluateRules(rules: MonitoringRule[], report: DriftReportBody): MonitoringAlert[] {
  const alerts: MonitoringAlert[] = [];
  for (const rule of rules) {
    const t = rule.threshold ?? 0;
    if (rule.metric === 'drift_share' && report.datasetDrift.share >= t) {
      alerts.push({ rule, columns: report.datasetDrift.driftedColumns, value: report.datasetDrift.share,
        message: `Dataset drift share ${report.datasetDrift.share.toFixed(2)} ≥ ${t} (${report.datasetDrift.driftedColumns.join(', ') || 'no column'} drifted)` });
    }
    if ((rule.metric === 'rmse_change' || rule.metric === 'mae_change') && report.quality) {
      const change = rule.metric === 'rmse_change' ? report.quality.rmseChange : report.quality.maeChange;
      const drifted = report.columns.filter((c) => c.drifted).map((c) => c.column);
      if (change !== null && change > t) {
        const what = rule.metric === 'rmse_change' ? 'RMSE' : 'MAE';
        alerts.push({ rule, columns: drifted, value: change, message: `${what} ${change >= 0 ? 'up' : 'down'} ${pct(Math.abs(change))} against validation (rule: up > ${pct(t)})${drifted.length ? `; drifted: ${drifted.join(', ')}` : ''}` });
      }
    }
    if (rule.metric === 'column_drift') {
      const c = report.columns.find((x) => x.column === rule.column);
      if (c?.drifted) alerts.push({ rule, columns: [c.column], value: c.statistic, message: `${c.column} drifted (${c.method} ${c.statistic.toPrecision(4)}, threshold ${c.threshold})` });
    }
  }
  return alerts;
}

// The Monitor screen's lists: a timeline (a row per month, its failed months with the reason) and the recent
// reports, each named by what was monitored ("taxi-duration v1 @champion, 2023-03") and each alert badge
// saying what it counts. Sized for a 1024 px window: short headers (the full column name on hover), tight
// cells, alerts and reasons wrap.
import { useCallback, type CSSProperties, type KeyboardEvent } from 'react';
import type { DriftReportSummary, MonitoringAlert } from '../../../shared/domain';
import { fmtMetric, fmtTime } from '../format';
import { EChart } from './EChart';
import { timelineOption, type TimelineEntry } from '../screens/monitor-charts';
import { alertSummary, reportTitle } from '../screens/monitor-labels';

const COLUMNS: { column: string; header: string }[] = [
  { column: 'PULocationID', header: 'PU zone' }, { column: 'DOLocationID', header: 'DO zone' }, { column: 'trip_distance', header: 'distance' },
  { column: 'duration', header: 'duration' }, { column: 'prediction', header: 'prediction' },
];
const TIGHT: CSSProperties = { padding: '6px 7px' };
const WRAP: CSSProperties = { ...TIGHT, whiteSpace: 'normal', overflowWrap: 'anywhere' };

/** "⚠ 2 drifted columns · RMSE +18%", every alert's full text on hover. */
export function AlertBadge({ alerts }: { alerts: MonitoringAlert[] }) {
  if (alerts.length === 0) return null;
  return <span className="badge bad" data-testid="alert-badge" title={alerts.map((a) => a.message).join('\n')}>⚠ {alertSummary(alerts)}</span>;
}

function openOnEnter(open: () => void) {
  return { tabIndex: 0, style: { cursor: 'pointer' }, onClick: open, onKeyDown: (e: KeyboardEvent) => { if (e.key === 'Enter') open(); } };
}

export function Timeline({ entries, open }: { entries: TimelineEntry[]; open: (reportId: string) => void }) {
  const onClick = useCallback((i: number) => { const r = entries[i]?.report; if (r) open(r.reportId); }, [entries, open]);
  const failed = entries.filter((e) => e.failure).length;
  const n = entries.length;
  return (
    <section className="card" aria-label="monitoring timeline" data-testid="timeline" style={{ marginTop: 12 }}>
      <h3>Timeline <span className="muted">({n} month{n === 1 ? '' : 's'}{failed ? `, ${failed} failed` : ''}; click a month to open its report)</span></h3>
      <EChart option={timelineOption(entries)} label="drift timeline" onClick={onClick} />
      <table className="grid" aria-label="timeline months">
        <thead><tr>
          <th style={TIGHT}>Month</th><th className="num" style={WRAP}>Drift share</th>
          {COLUMNS.map((c) => <th key={c.column} className="num" style={TIGHT} title={`${c.column}: drift statistic`}>{c.header}</th>)}
          <th className="num" style={TIGHT}>RMSE</th><th style={TIGHT}>Alerts</th>
        </tr></thead>
        <tbody>{entries.map((e, i) => {
          const f = e.failure;
          if (f) {
            return (
              <tr key={`failed-${i}`} data-month={e.month ?? ''} data-failed="true" style={{ cursor: 'default' }}>
                <td style={TIGHT}>{e.month ?? '—'}</td>
                <td colSpan={COLUMNS.length + 3} style={WRAP} data-testid="failed-month"><b className="bad">Failed:</b> {f.reason}</td>
              </tr>
            );
          }
          const r = e.report!;
          return (
            <tr key={r.reportId} data-month={r.month ?? ''} {...openOnEnter(() => open(r.reportId))}>
              <td style={TIGHT}>{r.month ?? '—'}</td>
              <td className={`num${r.datasetDrift.drifted ? ' bad' : ''}`} style={TIGHT}>{r.datasetDrift.share.toFixed(2)}</td>
              {COLUMNS.map(({ column: c }) => <td key={c} className={`num mono${r.columns[c]?.drifted ? ' bad' : ''}`} style={TIGHT}>{r.columns[c] ? Number(r.columns[c].statistic.toPrecision(3)) : '—'}</td>)}
              <td className="num mono" style={TIGHT}>{r.rmse === null ? '—' : fmtMetric(r.rmse)}</td>
              <td style={{ ...WRAP, minWidth: 120 }}><AlertBadge alerts={r.alerts} /></td>
            </tr>
          );
        })}</tbody>
      </table>
    </section>
  );
}

/** The latest reports, newest first; `aliases`: each model's alias → version, to name versions as users do. */
export function RecentReports({ rows, aliases, open }: { rows: DriftReportSummary[]; aliases: Record<string, Record<string, number>>; open: (reportId: string) => void }) {
  return (
    <section className="card" aria-label="recent reports" style={{ marginTop: 12 }}>
      <h3>Recent reports</h3>
      {rows.length === 0 ? <p className="muted">No drift report yet.</p> : (
        <table className="grid"><thead><tr><th style={TIGHT}>Created</th><th style={TIGHT}>Report</th><th className="num" style={WRAP}>Drift share</th><th className="num" style={TIGHT}>RMSE</th><th style={TIGHT}>Alerts</th></tr></thead>
          <tbody>{rows.map((r) => (
            <tr key={r.reportId} data-report={r.reportId} {...openOnEnter(() => open(r.reportId))}>
              <td style={TIGHT}>{fmtTime(r.createdMs)}</td>
              <td style={WRAP} title={r.model.uri} data-testid="report-name">{reportTitle(r.model, r.month, r.model.name ? aliases[r.model.name] : undefined)}</td>
              <td className={`num${r.datasetDrift.drifted ? ' bad' : ''}`} style={TIGHT}>{r.datasetDrift.share.toFixed(2)}</td>
              <td className="num mono" style={TIGHT}>{r.rmse === null ? '—' : fmtMetric(r.rmse)}</td>
              <td style={{ ...WRAP, minWidth: 120 }}><AlertBadge alerts={r.alerts} /></td>
            </tr>
          ))}</tbody></table>
      )}
    </section>
  );
}

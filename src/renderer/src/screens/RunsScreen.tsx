// Runs: every run, newest first, sortable by any column; arrow keys move between rows, Enter opens one.
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { RunRow } from '../../../shared/domain';
import { fmtDuration, fmtMetric, fmtTime } from '../format';
import { useApp } from '../store/app-store';
import { RunDetail } from './RunDetail';
import { JobProgress } from '../components/JobProgress';

interface Column { key: string; label: string; num?: boolean; value(r: RunRow): string | number | null; show(r: RunRow): string }
const duration = (r: RunRow): number | null => (r.endMs === null ? null : r.endMs - r.startMs);
const COLUMNS: Column[] = [
  { key: 'name', label: 'Run', value: (r) => r.name, show: (r) => r.name },
  { key: 'experiment', label: 'Experiment', value: (r) => r.experimentName, show: (r) => r.experimentName },
  { key: 'status', label: 'Status', value: (r) => r.status, show: (r) => r.status },
  { key: 'model', label: 'Model', value: (r) => r.params.model ?? null, show: (r) => `${r.params.model ?? '—'}${r.params.alpha ? ` α=${r.params.alpha}` : ''}` },
  { key: 'features', label: 'Features', value: (r) => r.params.feature_set ?? null, show: (r) => r.params.feature_set ?? '—' },
  { key: 'rmse_val', label: 'rmse_val', num: true, value: (r) => r.metrics.rmse_val ?? null, show: (r) => fmtMetric(r.metrics.rmse_val) },
  { key: 'rmse_train', label: 'rmse_train', num: true, value: (r) => r.metrics.rmse_train ?? null, show: (r) => fmtMetric(r.metrics.rmse_train) },
  { key: 'duration', label: 'Duration', num: true, value: duration, show: (r) => fmtDuration(duration(r)) },
  { key: 'start', label: 'Started', num: true, value: (r) => r.startMs, show: (r) => fmtTime(r.startMs) },
];

function compare(a: string | number | null, b: string | number | null): number {
  if (a === null) return b === null ? 0 : 1; // missing values last, whichever the direction
  if (b === null) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

export function RunsScreen() {
  const runs = useApp((s) => s.runs);
  const route = useApp((s) => s.route);
  const navigate = useApp((s) => s.navigate);
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 }>({ key: 'start', dir: -1 });
  const body = useRef<HTMLTableSectionElement>(null);
  const sorted = useMemo(() => {
    const col = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[0];
    return [...runs].sort((a, b) => {
      const va = col.value(a), vb = col.value(b);
      if (va === null || vb === null) return compare(va, vb);
      return sort.dir * compare(va, vb);
    });
  }, [runs, sort]);

  if (route.runId) return <RunDetail runId={route.runId} />;
  const open = (r: RunRow) => navigate({ screen: 'runs', runId: r.runId });
  const onKey = (e: KeyboardEvent<HTMLTableRowElement>, i: number) => {
    const rows = body.current?.querySelectorAll<HTMLTableRowElement>('tr');
    if (e.key === 'Enter') open(sorted[i]);
    else if (e.key === 'ArrowDown') { rows?.[Math.min(i + 1, sorted.length - 1)]?.focus(); e.preventDefault(); }
    else if (e.key === 'ArrowUp') { rows?.[Math.max(i - 1, 0)]?.focus(); e.preventDefault(); }
  };
  return (
    <>
      <h2>Runs <span className="muted">({runs.length})</span></h2>
      <JobProgress />
      {runs.length === 0 ? <p className="muted">No runs yet. Train one from the Train screen or the sample on the Data screen.</p> : (
        <table className="grid" aria-label="runs">
          <thead>
            <tr>{COLUMNS.map((c) => (
              <th key={c.key} aria-sort={sort.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'} className={c.num ? 'num' : ''}>
                <button onClick={() => setSort((s) => ({ key: c.key, dir: s.key === c.key ? (-s.dir as 1 | -1) : (c.num ? 1 : 1) }))}>
                  {c.label}{sort.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
                </button>
              </th>
            ))}</tr>
          </thead>
          <tbody ref={body}>
            {sorted.map((r, i) => (
              <tr key={r.runId} tabIndex={0} data-run-id={r.runId} onClick={() => open(r)} onKeyDown={(e) => onKey(e, i)}>
                {COLUMNS.map((c) => (
                  <td key={c.key} className={c.num ? 'num' : ''}>
                    {c.key === 'status' ? <span className={`status ${r.status}`}>{r.status}</span> : c.show(r)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

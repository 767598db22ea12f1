// Words for monitoring reports where a user reads them (newcomer trial): a report is named by what was
// monitored — "taxi-duration v1 @champion, 2023-03" — not by the URI it was started with, and an alert badge
// says what it counts ("2 drifted columns · RMSE +18%"), not a bare number.
import type { MonitoringAlert, ScoringModelRef } from '../../../shared/domain';

/** "taxi-duration v1 @champion": the alias the URI named, else the aliases the version holds now (`aliases`:
 * the model's alias → version, from the registry); a run's model is "run 1a2b3c4d". */
export function modelLabel(model: ScoringModelRef, aliases: Record<string, number> = {}): string {
  if (model.name === null || model.version === null) return `run ${model.runId.slice(0, 8)}`;
  const named = /@([^/@]+)$/.exec(model.uri)?.[1];
  const held = Object.entries(aliases).filter(([, v]) => v === model.version).map(([a]) => a).sort();
  const tags = (named ? [named] : held).map((a) => ` @${a}`).join('');
  return `${model.name} v${model.version}${tags}`;
}

/** The model and the month: "taxi-duration v1 @champion, 2023-03". */
export function reportTitle(model: ScoringModelRef, month: string | null, aliases?: Record<string, number>): string {
  return month ? `${modelLabel(model, aliases)}, ${month}` : modelLabel(model, aliases);
}

/** +18%, −4.2%, ±0%: whole percents, one decimal under 10%. */
function signedPct(x: number): string {
  const p = x * 100;
  const text = Math.abs(p) < 10 ? Math.abs(p).toFixed(1).replace(/\.0$/, '') : Math.round(Math.abs(p)).toString();
  return text === '0' ? '±0%' : `${p < 0 ? '−' : '+'}${text}%`;
}

/** The relative change an error alert measured; read from its message in reports made before `value` was kept. */
function changeOf(a: MonitoringAlert): number | null {
  if (a.value !== undefined) return a.value;
  const m = /\b(up|down) ([\d.]+)%/.exec(a.message);
  return m ? (m[1] === 'down' ? -1 : 1) * Number(m[2]) / 100 : null;
}

function short(a: MonitoringAlert): string {
  switch (a.rule.metric) {
    case 'drift_share': return `${a.columns.length} drifted column${a.columns.length === 1 ? '' : 's'}`;
    case 'rmse_change':
    case 'mae_change': {
      const change = changeOf(a);
      const what = a.rule.metric === 'rmse_change' ? 'RMSE' : 'MAE';
      return change === null ? `${what} up` : `${what} ${signedPct(change)}`;
    }
    case 'column_drift': return `${a.rule.column ?? a.columns[0]} drifted`;
  }
}

/** What a report's alerts say in a few words, each once: "2 drifted columns · RMSE +18%"; '' without alerts. */
export function alertSummary(alerts: MonitoringAlert[]): string {
  return [...new Set(alerts.map(short))].join(' · ');
}

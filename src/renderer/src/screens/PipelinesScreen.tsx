// Pipelines: run the monthly retrain flow from a form, the saved pipelines with their schedules, every flow
// run, and one flow run's steps as a timeline (a Gantt of echarts bars coloured by state) with attempts,
// outputs and log lines; rerun from the failed step, cancel. Updates live from pipeline.updated events.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import { FEATURE_SETS, MODEL_KINDS, type FeatureSet, type ModelKind } from '../../../shared/domain';
import type { FlowRun, FlowRunSummary, PipelineInfo, PipelineSpec, StepStatus } from '../../../shared/pipeline';
import { fmtClock, fmtDuration, fmtTime } from '../format';
import { useApp } from '../store/app-store';
import { EChart } from '../components/EChart';
import { ErrorNotice } from '../components/ErrorNotice';
import { useAction } from '../components/useAction';
import { MeterError } from '../api/errors';
import { useLoaded } from '../components/useLoaded';
import { useEscapeToCancel } from '../components/useEscape';
import { useReveal } from '../components/useReveal';
import { userMessage } from '../components/error-text';
import { PipelineClash, saveClashOf, type SaveClash } from '../components/PipelineClash';

const COLORS: Record<StepStatus, string> = {
  pending: '#9aa0a6', running: '#3b82f6', done: '#16a34a', failed: '#dc2626', skipped: '#a3a3a3', cached: '#0d9488',
};
/** The run statuses' colours (styles.css) for the flow and step states. */
const STATUS_CLASS: Record<string, string> = { done: 'FINISHED', cached: 'FINISHED', failed: 'FAILED', cancelled: 'KILLED', running: 'RUNNING' };

export function PipelinesScreen() {
  const route = useApp((s) => s.route);
  // bumped by each Save: the schedules below are read again (a save sends no event; they showed the old ones)
  const [saves, setSaves] = useState(0);
  return (
    <>
      <h2>Pipelines</h2>
      {route.query.flow ? <FlowView flowRunId={route.query.flow} /> : <><PipelineForm onSaved={() => setSaves((n) => n + 1)} /><FlowList saves={saves} /></>}
    </>
  );
}

function PipelineForm({ onSaved }: { onSaved: () => void }) {
  const client = useApp((s) => s.client);
  const navigate = useApp((s) => s.navigate);
  const [f, setF] = useState({
    name: 'green-monthly', data: '', kind: 'green', model: 'linear', params: '{}', paramsFrom: '', features: 'basic', experiment: 'monthly',
    registeredModel: 'taxi-duration', offTrain: '-2', offVal: '-1', offTest: '0', month: '', from: '', to: '', schedule: '', retries: '2', delay: '5',
  });
  // Save refused: the name is saved with another spec. An edit makes its list of differences stale, so it goes.
  const [clash, setClash] = useState<SaveClash | null>(null);
  const saveButton = useRef<HTMLButtonElement>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => { setClash(null); setF({ ...f, [k]: e.target.value }); };
  const action = useAction();
  const { retry, error } = action;
  const [note, setNote] = useState<string | null>(null);
  // Each action starts with a clean slate: a "Saved …" from before must not stand beside a later failure.
  const run = (fn: () => Promise<unknown>) => { setNote(null); setClash(null); action.clear(); return action.run(fn); };
  const outcome = useReveal<HTMLDivElement>(error ?? note);
  const spec = (): PipelineSpec => {
    let params: unknown;
    try { params = JSON.parse(f.params || '{}'); } catch (e) { throw new MeterError('INVALID_ARGUMENT', `Params must be a JSON object such as {"alpha": 0.5}: ${e instanceof Error ? e.message : String(e)}`); }
    return {
      name: f.name, data: f.data, kind: f.kind as PipelineSpec['kind'], model: f.model as ModelKind, features: f.features as FeatureSet, experiment: f.experiment,
      ...(f.paramsFrom.trim() ? { paramsFrom: f.paramsFrom.trim() } : { params: params as Record<string, number> }),
      offsets: { train: Number(f.offTrain), val: Number(f.offVal), ...(f.offTest.trim() !== '' ? { test: Number(f.offTest) } : {}) },
      retries: { count: Number(f.retries), delaySeconds: Number(f.delay) },
      ...(f.registeredModel ? { promote: { registeredModel: f.registeredModel, alias: 'champion' } } : {}),
      ...(f.schedule.trim() ? { schedule: f.schedule.trim() } : {}),
    };
  };
  const start = () => void run(async () => {
    if (!client) return;
    const { flowRunId } = await client.call('pipelines.run', { pipeline: spec(), month: f.month, trigger: 'ui' });
    navigate({ screen: 'pipelines', query: { flow: flowRunId } });
  });
  const save = (replace: boolean) => void run(async () => {
    if (!client) return;
    let saved;
    try {
      saved = await client.call('pipelines.save', { pipeline: spec(), replace });
    } catch (err) {
      // The same name saved with another spec: ask (Replace / Keep) with the differences, not a bare error.
      const refused = replace ? null : saveClashOf(err);
      if (!refused) throw err;
      setClash(refused);
      return;
    }
    onSaved();
    setNote(`Saved ${saved.name}${replace ? ' (it replaced the saved pipeline of that name)' : ''}${saved.nextFireMs ? `; next scheduled run ${fmtTime(saved.nextFireMs)}` : ''}`);
  });
  const backfill = () => void run(async () => {
    if (!client) return;
    const { months } = await client.call('pipelines.backfill', { pipeline: spec(), from: f.from, to: f.to });
    setNote(`Backfill: ${months.map((m) => `${m.month} ${m.flowRunId === null ? `skipped (${m.reason})` : m.reused ? 'done before' : 'queued'}`).join('; ')}`);
  });
  return (
    <form className="train card" aria-label="pipeline" onSubmit={(e) => { e.preventDefault(); start(); }}>
      <label htmlFor="p-name">Name</label><input id="p-name" value={f.name} onChange={set('name')} />
      <label htmlFor="p-data">Data folder</label><input id="p-data" value={f.data} onChange={set('data')} placeholder="/data/tlc (green_tripdata_YYYY-MM.parquet…)" />
      <label htmlFor="p-kind">Kind</label><select id="p-kind" value={f.kind} onChange={set('kind')}><option>green</option><option>yellow</option><option>fhv</option></select>
      <label htmlFor="p-model">Model</label><select id="p-model" value={f.model} onChange={set('model')}>{MODEL_KINDS.map((m) => <option key={m}>{m}</option>)}</select>
      <label htmlFor="p-params">Params (JSON)</label><input id="p-params" className="mono" value={f.params} onChange={set('params')} placeholder='{"alpha": 0.5}' />
      <label htmlFor="p-from-search">Or best params of search run</label><input id="p-from-search" value={f.paramsFrom} onChange={set('paramsFrom')} placeholder="a search run id (its best_trial_run_id)" />
      <label htmlFor="p-features">Features</label><select id="p-features" value={f.features} onChange={set('features')}>{FEATURE_SETS.map((x) => <option key={x}>{x}</option>)}</select>
      <label htmlFor="p-exp">Experiment</label><input id="p-exp" value={f.experiment} onChange={set('experiment')} />
      <label htmlFor="p-reg">Register as</label><input id="p-reg" value={f.registeredModel} onChange={set('registeredModel')} placeholder="(empty: no registry, no promotion)" />
      <span>Months (offsets from M)</span>
      <div className="row">
        <label>train <input aria-label="train offset" type="number" max="0" value={f.offTrain} onChange={set('offTrain')} style={{ width: 60 }} /></label>
        <label>validation <input aria-label="validation offset" type="number" max="0" value={f.offVal} onChange={set('offVal')} style={{ width: 60 }} /></label>
        <label>test <input aria-label="test offset" type="number" max="0" value={f.offTest} onChange={set('offTest')} placeholder="—" title="empty: no test month" style={{ width: 60 }} /></label>
      </div>
      <label htmlFor="p-retries">Retries</label><input id="p-retries" type="number" min="0" max="10" value={f.retries} onChange={set('retries')} />
      <label htmlFor="p-delay">Retry delay (s)</label><input id="p-delay" type="number" min="0" value={f.delay} onChange={set('delay')} />
      <label htmlFor="p-schedule">Schedule (cron)</label><input id="p-schedule" value={f.schedule} onChange={set('schedule')} placeholder="0 6 2 * * (monthly on the 2nd at 06:00)" />
      <label htmlFor="p-month">Month</label><input id="p-month" value={f.month} onChange={set('month')} placeholder="2023-03: train on M-2, validate on M-1, test on M" />
      <span />
      <div className="row">
        <button className="btn primary" type="submit" aria-describedby="p-run-hint">Run pipeline</button>
        <button ref={saveButton} className="btn" type="button" onClick={() => save(false)}>Save</button>
      </div>
      <span />
      {/* Run used to save the form as the pipeline; now only Save does (a one-off run must not replace a saved one). */}
      <p className="hint muted" id="p-run-hint">Run pipeline runs it once for the month. Save keeps the pipeline and its schedule.</p>
      <span>Backfill</span>
      <div className="row">
        <input aria-label="backfill from" value={f.from} onChange={set('from')} placeholder="2023-01" style={{ width: 90 }} />
        <span>to</span>
        <input aria-label="backfill to" value={f.to} onChange={set('to')} placeholder="2023-12" style={{ width: 90 }} />
        <button className="btn" type="button" onClick={backfill}>Backfill</button>
      </div>
      <span />
      <div ref={outcome} className="outcome" aria-label="pipeline outcome">
        {note && <p className="muted" data-testid="pipeline-note">{note}</p>}
        {clash && <PipelineClash clash={clash} onReplace={() => save(true)} onKeep={() => setClash(null)} returnFocus={() => saveButton.current} />}
        <ErrorNotice error={error} onRetry={retry} />
      </div>
    </form>
  );
}

function FlowList({ saves }: { saves: number }) {
  const client = useApp((s) => s.client);
  const navigate = useApp((s) => s.navigate);
  const [flows, setFlows] = useState<FlowRunSummary[] | null>(null);
  const [pipelines, setPipelines] = useState<PipelineInfo[]>([]);
  const { run, retry, error } = useAction();
  const load = useCallback(() => run(async () => {
    if (!client) return;
    setFlows(await client.call('pipelines.runs', { limit: 500 }));
    setPipelines(await client.call('pipelines.list', {}));
  }), [client, run]);
  useEffect(() => { void load(); }, [load, saves]);
  useEffect(() => {
    if (!client) return;
    const offs = [client.on('pipeline.updated', () => void load()), client.on('job.finished', () => void load())];
    return () => offs.forEach((off) => off());
  }, [client, load]);
  if (error) return <ErrorNotice variant="block" error={error} onRetry={retry} />;
  return (
    <>
      {pipelines.some((p) => p.schedule) && (
        <section className="card" style={{ marginTop: 14 }}><h3>Schedules</h3>
          <table className="grid" aria-label="schedules"><thead><tr><th>Pipeline</th><th>Cron</th><th>Next run</th><th>Last fired</th></tr></thead>
            <tbody>{pipelines.filter((p) => p.schedule).map((p) => (
              <tr key={p.name}><td>{p.name}</td><td className="mono">{p.schedule}</td><td>{p.nextFireMs ? fmtTime(p.nextFireMs) : 'never'}</td><td>{p.lastFireMs ? fmtTime(p.lastFireMs) : '—'}</td></tr>
            ))}</tbody></table>
        </section>
      )}
      <section className="card" style={{ marginTop: 14, overflowX: 'auto' }}><h3>Flow runs</h3>
        {flows === null ? <p className="muted">Loading…</p> : flows.length === 0 ? <p className="muted">No flow runs yet: run a pipeline above, or <code>npx meter pipeline run FILE.json --month 2023-03</code>.</p> : (
          <table className="grid" aria-label="flow runs"><thead><tr><th>Pipeline</th><th>Month</th><th>Status</th><th>Trigger</th><th>Promoted</th><th>Started</th><th>Took</th></tr></thead>
            <tbody>{flows.map((x) => (
              <tr key={x.flowRunId} onClick={() => navigate({ screen: 'pipelines', query: { flow: x.flowRunId } })} data-flow={x.flowRunId}>
                <td>{x.pipeline}</td><td>{x.month}</td><td><span className={`status ${STATUS_CLASS[x.status] ?? ''}`}>{x.status}</span></td><td>{x.trigger}</td>
                <td>{x.promoted ? 'yes' : ''}</td><td>{x.startedMs ? fmtTime(x.startedMs) : '—'}</td><td>{x.startedMs && x.endedMs ? fmtDuration(x.endedMs - x.startedMs) : ''}</td>
              </tr>
            ))}</tbody></table>
        )}
      </section>
    </>
  );
}

/** The steps as a Gantt: an invisible bar to each step's start, then a bar as long as it ran, coloured by state. */
export function ganttOption(flow: FlowRun, nowMs: number): EChartsCoreOption {
  const t0 = Math.min(...flow.steps.map((s) => s.startedMs ?? Infinity), flow.startedMs ?? Infinity);
  const origin = Number.isFinite(t0) ? t0 : nowMs;
  const steps = [...flow.steps].reverse();
  const sec = (ms: number) => Math.max(0, ms - origin) / 1000;
  return {
    // Redrawn on every step change: animating from the previous bars would show times that never were.
    animation: false,
    grid: { left: 80, right: 20, top: 10, bottom: 30 },
    tooltip: { trigger: 'item', formatter: (p: { dataIndex: number; seriesIndex: number }) => {
      const s = steps[p.dataIndex];
      return `${s.name}: ${s.status}${s.attempts > 1 ? ` (${s.attempts} attempts)` : ''}${s.startedMs ? `<br/>${((((s.endedMs ?? nowMs) - s.startedMs)) / 1000).toFixed(2)} s` : ''}`;
    } },
    xAxis: { type: 'value', name: 's', min: 0 },
    yAxis: { type: 'category', data: steps.map((s) => s.name) },
    series: [
      { type: 'bar', stack: 't', silent: true, itemStyle: { color: 'transparent' }, data: steps.map((s) => (s.startedMs ? sec(s.startedMs) : 0)) },
      { type: 'bar', stack: 't', barMinWidth: 4, data: steps.map((s) => ({
        value: s.startedMs ? Math.max(sec(s.endedMs ?? nowMs) - sec(s.startedMs), 0.02) : 0,
        itemStyle: { color: COLORS[s.status] },
      })) },
    ],
  };
}

function FlowView({ flowRunId }: { flowRunId: string }) {
  const navigate = useApp((s) => s.navigate);
  const { client, value: flow, load, retry, error } = useLoaded((c) => c.call('pipelines.get', { flowRunId }), [flowRunId],
    (c, reload) => [c.on('pipeline.updated', (e) => { if (e.flowRunId === flowRunId) reload(); }), c.on('job.finished', reload)]);
  const act = useAction();
  const option = useMemo(() => (flow ? ganttOption(flow, Date.now()) : null), [flow]);
  const running = flow?.status === 'running' || flow?.status === 'pending';
  const { run: runAction } = act;
  const cancel = useCallback(() => void runAction(async () => {
    if (!client) return;
    await client.call('pipelines.cancel', { flowRunId });
    await load();
  }), [runAction, client, flowRunId, load]);
  // Esc cancels a running flow run as it cancels a Score or Monitor job (same hook, same key).
  useEscapeToCancel(running && client !== null, cancel);
  if (error) return <ErrorNotice variant="page" error={error} onRetry={retry} />;
  if (!flow || !option) return <p className="muted">Loading…</p>;
  const failed = flow.steps.find((s) => s.status === 'failed');
  return (
    <>
      <p><button className="btn" onClick={() => navigate({ screen: 'pipelines', query: {} })}>← Pipelines</button></p>
      <h3 data-testid="flow-title">{flow.pipeline} · {flow.month} <span className={`status ${STATUS_CLASS[flow.status] ?? ''}`} data-testid="flow-status">{flow.status}</span></h3>
      <div className="row" style={{ marginBottom: 12 }}>
        {running && client && <button className="btn danger" onClick={cancel} aria-keyshortcuts="Escape" title="Esc">Cancel flow run</button>}
        {!running && failed && client && (
          <button className="btn primary" onClick={() => void act.run(async () => { await client.call('pipelines.rerun', { flowRunId, fromStep: failed.name }); await load(); })}>Rerun from {failed.name}</button>
        )}
        {flow.runId && <button className="btn" onClick={() => navigate({ screen: 'runs', runId: flow.runId })}>Open training run</button>}
        {flow.promoted && <span data-testid="flow-promoted">@{flow.spec.promote?.alias ?? 'champion'} moved to this model</span>}
        <ErrorNotice error={act.error} onRetry={act.retry} />
      </div>
      {flow.error && <p className="muted" data-testid="flow-error">{userMessage(flow.error)}</p>}
      <section className="card"><h3>Timeline</h3><EChart option={option} label="flow timeline chart" /></section>
      <section className="card" style={{ marginTop: 14, overflowX: 'auto' }}><h3>Steps</h3>
        <table className="grid" aria-label="steps"><thead><tr><th>Step</th><th>Status</th><th className="num">Attempts</th><th>Took</th><th>Outputs</th></tr></thead>
          <tbody>{flow.steps.map((s) => (
            <tr key={s.name} data-step={s.name} data-status={s.status}>
              <td>{s.name}</td><td><span className={`status ${STATUS_CLASS[s.status] ?? ''}`} style={{ color: COLORS[s.status] }}>{s.status}</span></td>
              <td className="num">{s.attempts}</td><td>{s.startedMs && s.endedMs ? fmtDuration(s.endedMs - s.startedMs) : ''}</td>
              <td className="mono" style={{ whiteSpace: 'normal' }}>{s.error !== null ? userMessage(s.error) : summary(s.outputs)}</td>
            </tr>
          ))}</tbody></table>
      </section>
      <section className="card" style={{ marginTop: 14 }}><h3>Logs</h3>
        <ol className="mono" aria-label="step logs" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {flow.steps.flatMap((s) => s.logs.map((l, i) => (
            <li key={`${s.name}-${i}`} data-level={l.level} style={{ color: l.level === 'error' ? COLORS.failed : undefined }}>
              {fmtClock(l.atMs)} [{s.name}] {l.message}
            </li>
          )))}
        </ol>
      </section>
    </>
  );
}

/** A step's outputs in one line: the few values a person looks for. */
function summary(o: Record<string, unknown> | null): string {
  if (!o) return '';
  if (typeof o.decision === 'string') return `${o.decision}: v${String(o.version)} ${Number(o.challengerRmse).toFixed(4)}${o.championRmse !== null ? ` vs v${String(o.championVersion)} ${Number(o.championRmse).toFixed(4)}` : ''}`;
  if (typeof o.rmseVal === 'number') return `rmse_val ${o.rmseVal.toFixed(4)}${(o.champion as { rmseVal?: number } | null)?.rmseVal !== undefined ? ` · champion ${(o.champion as { rmseVal: number }).rmseVal.toFixed(4)}` : ''}`;
  if (typeof o.runId === 'string') return `run ${String(o.runName ?? o.runId)}`;
  if (Array.isArray(o.columns)) return `${String(o.featureSet)}: ${(o.columns as string[]).join(', ')}`;
  if (typeof o.version === 'number') return `${String(o.name)} v${o.version}`;
  return Object.entries(o).map(([k, v]) => `${k}: ${(v as { fileName?: string } | null)?.fileName ?? ''}`).join('  ');
}

// Tune: a hyper-parameter search over a hyperopt-style space (edited as a form or as JSON), optionally pruning
// unpromising trials, then its live view: loss per trial with the best so far (linear or log), parallel
// coordinates, parameter importance, slice / contour / EDF plots, Cancel, "Run N more trials" once it has
// ended, and the best trial one click away.
import { Fragment, useEffect, useMemo, useState } from 'react';
import type { RunId, TuningAlgo, TuningStatus } from '../../../shared/domain';
import { asDatasetId, asRunId } from '../../../shared/domain';
import { DEFAULT_SPACES, TPE_STARTUP_TRIALS } from '../../../shared/tuning/default-spaces';
import { fmtMetric } from '../format';
import { useApp } from '../store/app-store';
import { EChart } from '../components/EChart';
import { SpaceForm } from '../components/SpaceForm';
import { ErrorNotice } from '../components/ErrorNotice';
import { useAction } from '../components/useAction';
import { PairWarnings } from '../components/PairWarnings';
import { initialSets, inMonthOrder, rememberSets, setWarnings } from '../dataset-choice';
import { DatasetSetField, DatasetSetHint } from '../components/DatasetSetField';
import { importanceOption, lossOption, trialsParallelOption } from './tune-charts';
import { StudyPlots } from './StudyPlots';
import { useStudyView } from './study-view';
import { searchProgressText } from './search-progress';
import { stepNoun } from '../components/run-status';
import { useLoaded } from '../components/useLoaded';

export function TuneScreen() {
  const route = useApp((s) => s.route);
  return route.query.search ? <TuningView tuningId={asRunId(route.query.search)} /> : <TuningForm />;
}

function TuningForm() {
  const client = useApp((s) => s.client);
  const datasets = useApp((s) => s.datasets);
  const navigate = useApp((s) => s.navigate);
  const running = useApp((s) => s.tunings);
  const [preset, setPreset] = useState('gbt');
  const [spaceText, setSpaceText] = useState(JSON.stringify(DEFAULT_SPACES.gbt, null, 2));
  // several datasets per role, as on the Train screen
  const [train, setTrain] = useState<string[]>([]);
  const [val, setVal] = useState<string[]>([]);
  const [algo, setAlgo] = useState<TuningAlgo>('tpe');
  const [trials, setTrials] = useState('20');
  const [parallel, setParallel] = useState('2');
  const [seed, setSeed] = useState('0');
  const [experiment, setExperiment] = useState('Tuning');
  const [prune, setPrune] = useState(false);
  const { run, retry, error } = useAction();
  useEffect(() => {
    if (train.length > 0 || datasets.length === 0) return;
    const sets = initialSets('tune', datasets);
    if (sets) { setTrain(sets.train); setVal(sets.val); }
  }, [datasets, train.length]);
  const chosen = (ids: string[]) => ids.map((id) => datasets.find((d) => d.datasetId === id)).filter((d): d is NonNullable<typeof d> => d !== undefined);
  const warnings = setWarnings(chosen(train), chosen(val));
  const idOrList = (ids: string[]) => { const ordered = inMonthOrder(ids, datasets).map(asDatasetId); return ordered.length === 1 ? ordered[0] : ordered; };
  const parsed = useMemo(() => {
    try { return { space: JSON.parse(spaceText) as Record<string, unknown>, error: null }; }
    catch (e) { return { space: null, error: { code: 'INVALID_ARGUMENT' as const, message: `JSON: ${e instanceof Error ? e.message : String(e)}` } }; }
  }, [spaceText]);
  const start = () => {
    const space = parsed.space;
    if (!client || !space) return;
    if (train.length === 0 || val.length === 0) return;
    rememberSets('tune', { train, val });
    void run(async () => {
      const { tuningId } = await client.call('tuning.start', {
        experiment, train: idOrList(train), val: idOrList(val), space, algo, maxTrials: Number(trials), parallel: Number(parallel), seed: Number(seed),
        ...(prune ? { prune: {} } : {}),
      });
      navigate({ screen: 'tune', query: { search: tuningId } });
    });
  };
  return (
    <>
      <h2>Tune</h2>
      {running.length > 0 && (
        <p className="card row" data-testid="running-searches">
          {running.length === 1 ? 'A search is running.' : `${running.length} searches are running.`}
          {running.map((id, i) => <button key={id} className="btn" onClick={() => navigate({ screen: 'tune', query: { search: id } })}>Open search{running.length > 1 ? ` ${i + 1}` : ''}</button>)}
        </p>
      )}
      {datasets.length === 0 ? <p className="muted">Import a train and a validation month first (Data).</p> : (
        <form className="train" aria-label="search" onSubmit={(e) => { e.preventDefault(); start(); }}>
          <DatasetSetField id="t-train" label="Train dataset" datasets={datasets} value={train} onChange={setTrain} testId="tune-train-set" hintId="t-sets-hint" />
          <DatasetSetField id="t-val" label="Validation dataset" datasets={datasets} value={val} onChange={setVal} testId="tune-val-set" hintId="t-sets-hint" />
          <DatasetSetHint id="t-sets-hint" />
          <PairWarnings warnings={warnings} />
          <label htmlFor="t-preset">Model</label>
          <select id="t-preset" value={preset} onChange={(e) => { setPreset(e.target.value); setSpaceText(JSON.stringify(DEFAULT_SPACES[e.target.value], null, 2)); }}>
            <option value="gbt">boosted trees (gbt)</option><option value="rf">random forest (rf)</option><option value="ridge">ridge</option><option value="lasso">lasso</option>
          </select>
          <span>Search space</span>
          <div>
            {parsed.space && <SpaceForm space={parsed.space} onChange={(s) => setSpaceText(JSON.stringify(s, null, 2))} />}
            <details><summary className="muted">Edit as JSON (hyperopt's hp.* as {'{"loguniform": [low, high]}'} …)</summary>
              <textarea className="notes mono" aria-label="search space JSON" value={spaceText} onChange={(e) => setSpaceText(e.target.value)} style={{ minHeight: 200 }} />
            </details>
            <ErrorNotice variant="block" error={parsed.error} />
          </div>
          <span>Algorithm</span>
          <fieldset className="choices" aria-label="algorithm">
            <label><input type="radio" name="algo" checked={algo === 'tpe'} onChange={() => setAlgo('tpe')} /> TPE</label>
            <label><input type="radio" name="algo" checked={algo === 'random'} onChange={() => setAlgo('random')} /> random</label>
          </fieldset>
          <label htmlFor="t-trials">Trials</label><input id="t-trials" type="number" min="1" value={trials} onChange={(e) => setTrials(e.target.value)} />
          {algo === 'tpe' && Number(trials) <= TPE_STARTUP_TRIALS && <PairWarnings warnings={[`TPE's first ${TPE_STARTUP_TRIALS} trials are random start-up trials, so a search of ${trials} trials is a random search; give it ${2 * TPE_STARTUP_TRIALS} or more for TPE to learn.`]} />}
          <label htmlFor="t-parallel">In parallel</label><input id="t-parallel" type="number" min="1" max="16" value={parallel} onChange={(e) => setParallel(e.target.value)} />
          <label htmlFor="t-seed">Seed</label><input id="t-seed" type="number" min="0" value={seed} onChange={(e) => setSeed(e.target.value)} />
          <span>Pruning</span>
          <div>
            <label><input type="checkbox" checked={prune} onChange={(e) => setPrune(e.target.checked)} /> Prune unpromising trials</label>
            <p className="muted" style={{ margin: '4px 0 0' }}>
              {prune && parsed.space && /gbt|lasso/.test(JSON.stringify(parsed.space.model ?? ''))
                ? 'Every 10 boosting rounds (gbt) or coordinate-descent sweeps (lasso), a trial whose validation RMSE is worse than the median of the completed trials at that step stops (after 5 trials completed).'
                : prune ? 'Only gbt (boosting rounds) and lasso (sweeps) report as they train; trials of other models always run to the end.' : 'Stop a gbt or lasso trial early when it is behind the completed trials at the same step (Optuna\'s median pruner).'}
            </p>
          </div>
          <label htmlFor="t-exp">Experiment</label><input id="t-exp" type="text" value={experiment} onChange={(e) => setExperiment(e.target.value)} />
          <span />
          <div className="row"><button className="btn primary" type="submit" disabled={!parsed.space}>Start search</button><ErrorNotice error={error} onRetry={retry} /></div>
        </form>
      )}
    </>
  );
}

function TuningView({ tuningId }: { tuningId: RunId }) {
  const navigate = useApp((s) => s.navigate);
  const { client, value: s, load, retry, error } = useLoaded((c) => c.call('tuning.get', { tuningId }), [tuningId],
    (c, reload) => [c.on('tuning.updated', (e) => { if (e.tuningId === tuningId) reload(); }), c.on('job.finished', reload)]);
  const cancel = useAction();
  const extend = useAction();
  const [more, setMore] = useState('10');
  const [view, setView] = useStudyView(tuningId);
  const { logLoss } = view;
  const setLogLoss = (on: boolean) => setView({ logLoss: on });
  const loss = useMemo(() => (s ? lossOption(s, logLoss) : null), [s, logLoss]);
  if (error) return <ErrorNotice variant="page" error={error} onRetry={retry} />;
  if (!s) return <p className="muted">Loading…</p>;
  const runMore = () => void extend.run(async () => { await client!.call('tuning.extend', { tuningId, trials: Number(more) }); await load(); });
  return (
    <>
      <p><button className="btn" onClick={() => navigate({ screen: 'tune' })}>← New search</button></p>
      <h2 data-testid="search-title">{s.name} <span className={`status ${s.status}`}>{s.status}</span></h2>
      <div className="row" style={{ marginBottom: 12 }}>
        <span data-testid="search-progress">{searchProgressText(s)}</span>
        {s.status === 'RUNNING' && client && <button className="btn danger" onClick={() => void cancel.run(async () => { await client.call('tuning.cancel', { tuningId }); await load(); })}>Cancel search</button>}
        {s.status !== 'RUNNING' && client && (
          <form className="row" aria-label="extend search" onSubmit={(e) => { e.preventDefault(); runMore(); }}>
            <input type="number" min="1" max="10000" aria-label="more trials" value={more} onChange={(e) => setMore(e.target.value)} style={{ width: 70 }} />
            <button className="btn" type="submit" disabled={!(Number(more) >= 1)}>Run {Number(more) >= 1 ? Number(more) : 'N'} more trials</button>
          </form>
        )}
        <ErrorNotice error={extend.error} onRetry={extend.retry} />
        <ErrorNotice error={cancel.error} onRetry={cancel.retry} />
        {s.best && <button className="btn primary" onClick={() => navigate({ screen: 'runs', runId: s.best!.runId })}>Open best trial (rmse_val {fmtMetric(s.best.rmseVal ?? undefined)})</button>}
        <button className="btn" onClick={() => navigate({ screen: 'runs', runId: tuningId })}>Search run</button>
      </div>
      <div className="compare-grid">
        <section className="card">
          <div className="row" style={{ justifyContent: 'space-between' }}><h3>Loss per trial{s.pruning ? <span className="muted"> · pruning on</span> : null}</h3>
            <div className="row toggle" role="group" aria-label="loss axis">
              <button className={`btn small${logLoss ? '' : ' primary'}`} aria-pressed={!logLoss} onClick={() => setLogLoss(false)}>linear</button>
              <button className={`btn small${logLoss ? ' primary' : ''}`} aria-pressed={logLoss} onClick={() => setLogLoss(true)}>log</button>
            </div>
          </div>
          <EChart option={loss!} label="trial loss chart" />
        </section>
        <section className="card"><h3>Trials</h3>{s.trials.some((t) => t.rmseVal !== null) ? <EChart option={trialsParallelOption(s)} label="trials parallel coordinates chart" /> : <p className="muted">{s.status === 'RUNNING' ? 'Waiting for the first trial…' : 'No trial finished.'}</p>}</section>
        <section className="card"><h3>Parameter importance</h3>{s.importance.length ? <EChart option={importanceOption(s)} label="parameter importance chart" /> : <p className="muted">Shown after 8 finished trials.</p>}</section>
        <StudyPlots s={s} contour={{ x: view.contourX, y: view.contourY }} onContour={(x, y) => setView({ contourX: x, contourY: y })} />
      </div>
      <section className="card" style={{ marginTop: 14, overflowX: 'auto' }}><h3>Trials</h3>
        <table className="grid" aria-label="trials"><thead><tr><th>#</th><th>Status</th><th className="num">rmse_val</th><th>Params</th></tr></thead>
          <tbody>{[...s.trials].reverse().map((t) => (
            <tr key={t.runId} onClick={() => navigate({ screen: 'runs', runId: t.runId })} className={s.best?.runId === t.runId ? 'selected' : ''}>
              <td>{t.trial}</td>
              <td>{t.pruned ? <span className="status PRUNED" title={`The pruner stopped it after ${t.pruned.step} ${stepNoun(t.params.model)}`}>PRUNED @ {t.pruned.step}</span> : <span className={`status ${t.status}`}>{t.status}</span>}</td>
              <td className="num">{t.pruned ? <span className="muted" title="last intermediate value">({fmtMetric(t.pruned.value)})</span> : fmtMetric(t.rmseVal ?? undefined)}</td>
              <td className="mono trial-params">{Object.entries(t.params).filter(([k]) => k !== 'model').map(([k, v]) => <Fragment key={k}><span>{`${k}=${Number.isFinite(Number(v)) ? Number(Number(v).toPrecision(4)) : v}`}</span> </Fragment>)}</td>
            </tr>
          ))}</tbody></table>
      </section>
    </>
  );
}

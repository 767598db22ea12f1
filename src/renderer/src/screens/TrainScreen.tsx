// Train: datasets, model and its parameters, feature set, experiment. The job runs in a worker; progress and
// Cancel show below, and the finished run opens by itself.
import { Fragment, useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Dataset, DatasetId, FeatureSet, ModelKind } from '../../../shared/domain';
import { asDatasetId } from '../../../shared/domain';
import { paramRules } from '../../../shared/model-params';
import { useAppState } from '../store/app-store';
import { JobProgress } from '../components/JobProgress';
import { ErrorNotice } from '../components/ErrorNotice';
import { PairWarnings } from '../components/PairWarnings';
import { initialSets, inMonthOrder, pairWarnings, rememberSets, setWarnings } from '../dataset-choice';
import { DatasetSetField, DatasetSetHint } from '../components/DatasetSetField';

interface Form {
  /** several datasets per role: a year of months reads as one train set */
  train: string[]; val: string[]; test: string; model: ModelKind; featureSet: FeatureSet; experiment: string; runName: string;
  /** parameter values as typed, by `${model}.${name}`; a model's untouched fields show its defaults */
  values: Record<string, string>;
}

/** The chosen model's parameters as numbers (its form is built from the shared table in model-params.ts). */
function paramsOf(f: Form): { params: Record<string, number>; error: string | null } {
  const params: Record<string, number> = {};
  for (const [name, rule] of Object.entries(paramRules(f.model))) {
    const text = f.values[`${f.model}.${name}`] ?? String(rule.default);
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v)) return { params, error: `${rule.label} must be a number.` };
    params[name] = v;
  }
  return { params, error: null };
}

/** One id as itself, several as a list (the contract takes either). */
const idOrList = (ids: string[]): DatasetId | DatasetId[] => (ids.length === 1 ? asDatasetId(ids[0]) : ids.map(asDatasetId));

export function TrainScreen() {
  const { datasets, experiments, job, error: failure, retry, train, navigate } = useAppState('datasets', 'experiments', 'job', 'error', 'retry', 'train', 'navigate');
  const [f, setF] = useState<Form>({
    train: [], val: [], test: '', model: 'linear', featureSet: 'basic', experiment: 'Default', runName: '', values: {},
  });
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setF((prev) => ({ ...prev, [k]: v }));
  // Once datasets exist: the last sets chosen here, else consecutive months of one kind (see dataset-choice.ts).
  useEffect(() => {
    if (f.train.length > 0 || datasets.length === 0) return;
    const sets = initialSets('train', datasets);
    if (sets) setF((prev) => ({ ...prev, ...sets }));
  }, [datasets, f.train.length]);
  const { params, error } = useMemo(() => paramsOf(f), [f]);
  const byId = (id: string) => datasets.find((d) => d.datasetId === id);
  const chosen = (ids: string[]): Dataset[] => ids.map(byId).filter((d): d is Dataset => d !== undefined);
  const trainSet = chosen(f.train);
  const valSet = chosen(f.val);
  const latestTrain = [...trainSet].sort((a, b) => (a.pickupMonth ?? '').localeCompare(b.pickupMonth ?? '')).pop();
  const warnings = [...setWarnings(trainSet, valSet), ...(f.test ? pairWarnings(latestTrain, byId(f.test), 'test') : [])];
  // scikit-learn's lasso alpha of 1 zeroes nearly every one-hot weight here (r² ≈ 0)
  const lassoHint = f.model === 'lasso' && params.alpha >= 0.1
    ? `With alpha ${params.alpha}, lasso zeroes almost every zone's weight on trip data (r² near 0); try 0.001–0.01.` : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (error || f.train.length === 0 || f.val.length === 0) return;
    rememberSets('train', { train: f.train, val: f.val });
    void train({
      experiment: f.experiment.trim() || 'Default', runName: f.runName.trim() || undefined, model: f.model, params,
      featureSet: f.featureSet, train: idOrList(inMonthOrder(f.train, datasets)), val: idOrList(inMonthOrder(f.val, datasets)),
      test: f.test ? asDatasetId(f.test) : undefined, source: { type: 'UI', name: 'train screen' },
    }, `Training ${f.model} (${f.featureSet})`);
  };

  if (datasets.length === 0) {
    return <><h2>Train</h2><p>No datasets yet. <button className="btn" onClick={() => navigate({ screen: 'data', runId: null })}>Import data</button></p></>;
  }
  const options = datasets.map((d) => <option key={d.datasetId} value={d.datasetId}>{d.fileName} · {d.kind} {d.pickupMonth ?? ''}</option>);
  return (
    <>
      <h2>Train</h2>
      <form className="train" onSubmit={submit} aria-label="training">
        {/* The lists show the newest imports first; a run reads (and lists) its files in month order. */}
        <DatasetSetField id="f-train" label="Train dataset" datasets={datasets} value={f.train} onChange={(ids) => set('train', ids)} testId="train-set" hintId="f-sets-hint" />
        <DatasetSetField id="f-val" label="Validation dataset" datasets={datasets} value={f.val} onChange={(ids) => set('val', ids)} testId="val-set" hintId="f-sets-hint" />
        <DatasetSetHint id="f-sets-hint" />
        <label htmlFor="f-test">Test dataset</label>
        <select id="f-test" value={f.test} onChange={(e) => set('test', e.target.value)}><option value="">(none)</option>{options}</select>
        <PairWarnings warnings={warnings} />
        <span>Model</span>
        <fieldset className="choices" aria-label="model">
          {([['linear', 'linear'], ['ridge', 'ridge'], ['lasso', 'lasso'], ['rf', 'random forest'], ['gbt', 'boosted trees'], ['rf_ml', 'ml-random-forest (samples)']] as const).map(([m, label]) => (
            <label key={m}><input type="radio" name="model" value={m} checked={f.model === m} onChange={() => set('model', m)} /> {label}</label>
          ))}
        </fieldset>
        {Object.entries(paramRules(f.model)).map(([name, rule]) => (
          <Fragment key={`${f.model}.${name}`}><label htmlFor={`f-${name}`} title={rule.help}>{rule.label}</label>
            <input id={`f-${name}`} type="number" step={rule.integer ? 1 : 'any'} min={rule.min} max={rule.max}
              value={f.values[`${f.model}.${name}`] ?? String(rule.default)}
              onChange={(e) => set('values', { ...f.values, [`${f.model}.${name}`]: e.target.value })} /></Fragment>
        ))}
        {lassoHint && <PairWarnings warnings={[lassoHint]} />}
        <span>Features</span>
        <fieldset className="choices" aria-label="features">
          <label><input type="radio" name="features" checked={f.featureSet === 'basic'} onChange={() => set('featureSet', 'basic')} /> PU + DO one-hot</label>
          <label><input type="radio" name="features" checked={f.featureSet === 'pu_do'} onChange={() => set('featureSet', 'pu_do')} /> PU_DO pair</label>
        </fieldset>
        <label htmlFor="f-exp">Experiment</label>
        <input id="f-exp" type="text" list="experiments" value={f.experiment} onChange={(e) => set('experiment', e.target.value)} />
        <datalist id="experiments">{experiments.map((x) => <option key={x.experimentId} value={x.name} />)}</datalist>
        <label htmlFor="f-name">Run name</label>
        <input id="f-name" type="text" placeholder="(generated)" value={f.runName} onChange={(e) => set('runName', e.target.value)} />
        <span />
        <div className="row">
          <button className="btn primary" type="submit" disabled={job !== null || error !== null}>Train</button>
          <ErrorNotice error={error ? { code: 'INVALID_ARGUMENT', message: error } : null} />
        </div>
      </form>
      <ErrorNotice variant="block" error={failure} onRetry={retry ?? undefined} />
      <JobProgress />
    </>
  );
}

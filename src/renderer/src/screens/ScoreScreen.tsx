// Score: a model (any version or alias URI) over dropped or imported trip files, a predictions parquet per
// file, progress with Cancel, and what the labels say about the predictions.
import { useEffect, useState } from 'react';
import type { RegisteredModelSummary, ScoringRecord } from '../../../shared/domain';
import { asRunId } from '../../../shared/domain';
import { useAppState } from '../store/app-store';
import { useScore } from '../store/score-store';
import { JobProgress } from '../components/JobProgress';
import { ScoringResult } from '../components/ScoringResult';
import { ErrorNotice } from '../components/ErrorNotice';
import { useAction } from '../components/useAction';
import { PairWarnings } from '../components/PairWarnings';
import { loadModelChoices, ModelAndFiles } from '../components/ModelAndFiles';

export function ScoreScreen() {
  const { client, info, datasets, job, error, retry, lastOutcome, score } = useAppState('client', 'info', 'datasets', 'job', 'error', 'retry', 'lastOutcome', 'score');
  const choices = useScore();
  const [uris, setUris] = useState<string[]>([]);
  const [results, setResults] = useState<ScoringRecord[]>([]);
  const loadModels = useAction();
  const loadResults = useAction();
  const runModels = loadModels.run;
  const runResults = loadResults.run;

  useEffect(() => {
    if (!client) return;
    void runModels(async () => setUris(await loadModelChoices(client, useScore.getState(), true)));
  }, [client, runModels]);
  useEffect(() => {
    if (client && lastOutcome?.kind === 'score') void runResults(async () => setResults(await client.call('scoring.list', { jobId: lastOutcome.jobId })));
  }, [client, lastOutcome, runResults]);

  const chosen = datasets.filter((d) => choices.datasetIds.includes(d.datasetId));
  // What the chosen model was trained on, to warn before scoring trips of another kind.
  const [trained, setTrained] = useState<{ uri: string; kind: string; month: string | null } | null>(null);
  useEffect(() => {
    const uri = choices.modelUri;
    if (!client || !uri) return;
    let live = true;
    void (async () => {
      const r = await client.call('models.resolve', { uri });
      const train = r.kind === 'version' && r.name && r.version
        ? (await client.call('models.getVersion', { name: r.name, version: r.version })).datasets.find((d) => d.role === 'train')
        : (await client.call('runs.get', { runId: asRunId(r.runId) })).inputs.find((i) => i.role === 'train')?.dataset;
      if (live) setTrained(train ? { uri, kind: train.kind, month: 'month' in train ? train.month : train.pickupMonth } : null);
    })().catch(() => { if (live) setTrained(null); }); // no warning is better than a wrong one
    return () => { live = false; };
  }, [client, choices.modelUri]);
  const kindWarnings = trained && trained.uri === choices.modelUri
    ? chosen.filter((d) => d.kind !== trained.kind).map((d) => `${d.fileName} is ${d.kind} but ${choices.modelUri} was trained on ${trained.kind} trips${trained.month ? ` (${trained.month})` : ''}; expect much worse predictions.`)
    : [];
  const start = () => void score({ modelUri: choices.modelUri, inputs: chosen.map((d) => d.path), outputDir: choices.outputDir.trim() || undefined });
  return (
    <>
      <h2>Score</h2>
      <ErrorNotice variant="block" error={loadModels.error} onRetry={loadModels.retry} />
      {uris.length === 0 ? <p className="muted">Register a model first (open a finished run → Register model…).</p> : (
        <form className="train" onSubmit={(e) => { e.preventDefault(); start(); }} aria-label="scoring">
          <ModelAndFiles idPrefix="s" uris={uris} modelUri={choices.modelUri} onModel={(modelUri) => choices.set({ modelUri })}
            filesLabel="Trip files" groupLabel="datasets to score" datasets={datasets} checked={choices.datasetIds} onToggle={choices.toggle} />
          <PairWarnings warnings={kindWarnings} />
          <label htmlFor="s-out">Output folder</label>
          <input id="s-out" type="text" aria-describedby="s-out-hint" value={choices.outputDir} placeholder={info ? `${info.home}/predictions` : ''} onChange={(e) => choices.set({ outputDir: e.target.value })} />
          {/* The server's working folder means nothing to the user: a relative folder is under the default one. */}
          <span /><p id="s-out-hint" className="muted hint">A relative folder goes under {info ? `${info.home}/predictions` : 'the predictions folder'}; each file&apos;s full path is shown once it is scored. Existing files are never replaced.</p>
          <span />
          <div className="row"><button className="btn primary" type="submit" disabled={job !== null || chosen.length === 0 || !choices.modelUri}>Score {chosen.length || ''} file{chosen.length === 1 ? '' : 's'}</button></div>
        </form>
      )}
      <ErrorNotice variant="block" error={error} onRetry={retry ?? undefined} />
      <JobProgress />
      <ErrorNotice variant="block" error={loadResults.error} onRetry={loadResults.retry} />
      {results.map((r) => <ScoringResult key={r.scoringId} rec={r} />)}
    </>
  );
}

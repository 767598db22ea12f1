// Runs: search (filter language with highlighting and autocomplete), sort, choose columns, select runs to
// compare, trash, restore or purge them. The view lives in the URL, so a link reopens it.
import { useEffect, useRef, useState } from 'react';
import type { RunId, RunRow } from '../../../shared/domain';
import type { AppClient } from '../api/client';
import { useApp } from '../store/app-store';
import { hashFor } from '../store/route';
import { useRunsView } from '../store/runs-view';
import { FilterBox } from '../components/FilterBox';
import { RunsGrid } from '../components/RunsGrid';
import { ColumnChooser, ExperimentPicker } from '../components/RunsToolbar';
import { JobProgress } from '../components/JobProgress';
import { ConfirmBar } from '../components/ConfirmBar';
import { RunDetail } from './RunDetail';
import { RegisterButton } from '../components/ModelBits';
import { ErrorNotice } from '../components/ErrorNotice';
import { useAction } from '../components/useAction';
import { ConnectFromPython } from '../components/ConnectFromPython';
import { PushToMlflowButton } from '../components/MlflowTransfer';

export function RunsScreen() {
  const route = useApp((s) => s.route);
  if (route.runId) return <RunDetail runId={route.runId} />;
  return <RunsList />;
}

function RunsList() {
  const route = useApp((s) => s.route);
  const client = useApp((s) => s.client);
  const navigate = useApp((s) => s.navigate);
  const lastOutcome = useApp((s) => s.lastOutcome);
  const view = useRunsView();
  const apply = useRunsView((s) => s.apply);
  const [confirmPurge, setConfirmPurge] = useState(false);
  const purgeOpener = useRef<HTMLButtonElement>(null);
  const { run, retry, error: actionError } = useAction();

  // On opening: the URL's view if it has one; without a query (the nav link, Alt+3) the view as it was left.
  // The store is read once here, not followed: later changes come through the effects below.
  useEffect(() => {
    const { query } = useApp.getState().route;
    const v = useRunsView.getState();
    if (Object.keys(query).length > 0) v.fromQuery(query);
    void v.apply();
  }, []);
  useEffect(() => { if (lastOutcome) void apply(); }, [lastOutcome, apply]);
  // Keep the URL in step with the view without a navigation (replaceState fires no hashchange)…
  // It reads the store, not this render: the opening effect above may have just changed the view.
  const { filter, orderBy, columns, experimentIds, lifecycle } = view;
  useEffect(() => {
    const query = useRunsView.getState().toQuery();
    history.replaceState(null, '', hashFor({ screen: 'runs', query }));
    useApp.setState({ route: { screen: 'runs', runId: null, query } });
  }, [filter, orderBy, columns, experimentIds, lifecycle]);
  // …and follow a URL that changed from outside (back/forward, a pasted link).
  const routeKey = JSON.stringify(route.query);
  useEffect(() => {
    const query = JSON.parse(routeKey) as Record<string, string>;
    const v = useRunsView.getState();
    if (Object.keys(query).length > 0 && routeKey !== JSON.stringify(v.toQuery())) { v.fromQuery(query); void v.apply(); }
  }, [routeKey]);

  const selectedIds = [...view.selected] as RunId[];
  const act = (fn: (c: AppClient) => Promise<unknown>) => {
    if (client) void run(async () => { await fn(client); setConfirmPurge(false); await apply(); await useApp.getState().refresh(); });
  };
  const open = (r: RunRow) => navigate({ screen: 'runs', runId: r.runId });
  const trash = view.lifecycle === 'deleted';
  // a search that was refused (or failed) shows no rows, and says so rather than "(0)", which reads as "none
  // match" (also once the filter is fixed as it is typed: nothing has been searched with it yet)
  const refused = view.failed || (view.error !== null && view.total === 0);
  return (
    <>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2>{trash ? 'Trash' : 'Runs'} <span className="muted" data-testid="runs-total">({refused ? (!view.error ? 'not searched' : view.error.code === 'INVALID_ARGUMENT' ? 'no valid filter' : '—') : view.total.toLocaleString('en-US')})</span></h2>
        <div className="row">
          {client?.mode === 'browser' && <ConnectFromPython client={client} />}
          <button className={`btn${trash ? '' : ' pressed'}`} aria-pressed={!trash} onClick={() => view.setLifecycle('active')}>Active</button>
          <button className={`btn${trash ? ' pressed' : ''}`} aria-pressed={trash} onClick={() => view.setLifecycle('deleted')}>Trash</button>
        </div>
      </div>
      <JobProgress />
      <div className="row toolbar">
        <ExperimentPicker />
        <FilterBox value={view.filter} error={view.error} keys={view.keys} onChange={view.setFilter} onSubmit={() => void view.apply()} />
        <button className="btn primary" onClick={() => void view.apply()}>Search</button>
        <ColumnChooser />
      </div>
      <div className="row selection-bar" aria-live="polite">
        <span className="muted">{selectedIds.length ? `${selectedIds.length} selected` : 'Click a run to open it; Ctrl/⌘-click or Space to select, Shift to extend.'}</span>
        {selectedIds.length >= 2 && !trash && (
          <button className="btn primary" onClick={() => navigate({ screen: 'compare', query: { runs: selectedIds.join(',') } })}>Compare {selectedIds.length}</button>
        )}
        {selectedIds.length >= 1 && !trash && (
          <button className="btn" onClick={() => navigate({ screen: 'compare', query: { runs: selectedIds.join(','), view: 'charts' } })}>Charts</button>
        )}
        {selectedIds.length === 1 && !trash && <RegisterButton runId={selectedIds[0]} />}
        {!trash && <PushToMlflowButton choice={selectedIds.length ? { runIds: selectedIds } : { experimentIds: view.experimentIds }} />}
        {selectedIds.length > 0 && !trash && <button className="btn" onClick={() => act((c) => c.call('runs.setDeleted', { runIds: selectedIds, deleted: true }))}>Move to trash</button>}
        {selectedIds.length > 0 && trash && <button className="btn" onClick={() => act((c) => c.call('runs.setDeleted', { runIds: selectedIds, deleted: false }))}>Restore</button>}
        {selectedIds.length > 0 && trash && !confirmPurge && <button ref={purgeOpener} className="btn danger" onClick={() => setConfirmPurge(true)}>Delete for good…</button>}
        {confirmPurge && (
          <ConfirmBar label="confirm purge" onCancel={() => setConfirmPurge(false)} returnFocus={() => purgeOpener.current}>
            Delete {selectedIds.length} run(s) and their artifact files for good?
            <button className="btn danger" onClick={() => act((c) => c.call('runs.purge', { runIds: selectedIds }))}>Delete for good</button>
            <button className="btn" data-safe onClick={() => setConfirmPurge(false)}>Keep them</button>
          </ConfirmBar>
        )}
        <ErrorNotice error={actionError} onRetry={retry} />
      </div>
      {refused ? (
        <p className="muted" data-testid="runs-refused">No runs shown: {!view.error ? 'press Search (or Enter) to run the filter.' : view.error.code === 'INVALID_ARGUMENT' ? 'fix the filter (see above) and search again.' : 'the search failed (see above).'}</p>
      ) : view.total === 0 ? (
        <p className="muted">{view.filter ? 'No runs match the filter.' : trash ? 'The trash is empty.' : 'No runs yet. Train one from the Train screen or the sample on the Data screen.'}</p>
      ) : <RunsGrid onOpen={open} />}
    </>
  );
}

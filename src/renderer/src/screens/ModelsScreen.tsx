// Models: the registered models → one model (versions, aliases, history, description) → one version.
import { useEffect, useState } from 'react';
import type { RegisteredModel, RegisteredModelSummary } from '../../../shared/domain';
import { fmtMetric, fmtTime } from '../format';
import { useApp } from '../store/app-store';
import { AliasBadges, ConfirmButton, DescriptionEditor, PromoteForm } from '../components/ModelBits';
import { ErrorNotice } from '../components/ErrorNotice';
import { useAction } from '../components/useAction';
import { VersionPage } from './VersionPage';
import { DriftFlag, useFlaggedReports } from '../components/MonitoringBits';
import { useLoaded } from '../components/useLoaded';
import { PushToMlflowButton } from '../components/MlflowTransfer';
import { rollbackBlocked } from '../components/rollback';

export function ModelsScreen() {
  const route = useApp((s) => s.route);
  if (route.model && route.version) return <VersionPage name={route.model} version={route.version} />;
  if (route.model) return <ModelPage name={route.model} />;
  return <ModelsList />;
}

function ModelsList() {
  const client = useApp((s) => s.client);
  const navigate = useApp((s) => s.navigate);
  const [models, setModels] = useState<RegisteredModelSummary[] | null>(null);
  const flagged = useFlaggedReports();
  const { run, retry, error } = useAction();
  useEffect(() => { if (client) void run(async () => setModels(await client.call('models.list', {}))); }, [client, run]);
  if (!models) return error ? <ErrorNotice variant="page" error={error} onRetry={retry} /> : <p className="muted">Loading…</p>;
  return (
    <>
      <h2>Models</h2>
      {models.length === 0 ? <p className="muted">No registered models yet. Open a finished run and choose “Register model…”.</p> : (
        // At 1024 px a model's alias badges pushed the Updated column out of the window (newcomer trial 3):
        // badges and the description wrap in their cells; what still can't fit scrolls inside the wrapper.
        <div className="table-wrap">
        <table className="grid models-list" aria-label="registered models">
          <thead><tr><th>Name</th><th>Latest</th><th>Versions</th><th>Aliases</th><th>Updated</th></tr></thead>
          <tbody>{models.map((m) => (
            <tr key={m.name} tabIndex={0} onClick={() => navigate({ screen: 'models', model: m.name })} onKeyDown={(e) => { if (e.key === 'Enter') navigate({ screen: 'models', model: m.name }); }}>
              <td className="name-col"><strong>{m.name}</strong><DriftFlag name={m.name} flagged={flagged} />{m.description && <div className="muted">{m.description}</div>}</td>
              <td>{m.latestVersion ? `v${m.latestVersion}` : '—'}</td><td>{m.versionCount}</td>
              <td className="aliases-col">{Object.entries(m.aliases).map(([a, v]) => <span key={a} className="badge alias">@{a} → v{v}</span>)}</td>
              <td>{fmtTime(m.updatedMs)}</td>
            </tr>
          ))}</tbody>
        </table>
        </div>
      )}
    </>
  );
}

function ModelPage({ name }: { name: string }) {
  const navigate = useApp((s) => s.navigate);
  const { client, value: model, load, retry, error } = useLoaded((c) => c.call('models.get', { name }), [name]);
  // The page's own changes (description, rollback): their failure stays on the page until the next one.
  const act = useAction();
  if (!model || !client) return error ? <ErrorNotice variant="page" error={error} onRetry={retry} /> : <p className="muted">Loading…</p>;
  const knownAliases = Object.keys(model.aliases);
  return (
    <>
      <p><button className="btn" onClick={() => navigate({ screen: 'models' })}>← Models</button></p>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 data-testid="model-title">{model.name}</h2>
        <PushToMlflowButton choice={{ models: [model.name] }} />
      </div>
      <ErrorNotice variant="block" error={act.error ?? error} onRetry={act.error ? act.retry : retry} />
      <div className="detail">
        <section className="card"><h3>Description</h3>
          <DescriptionEditor value={model.description} onSave={async (d) => { await client.call('models.setDescription', { name, description: d }); await load(); }} /></section>
        <section className="card"><h3>Aliases</h3>
          {knownAliases.length === 0 ? <p className="muted">None yet: promote a version below.</p> : (
            <ul className="plain" aria-label="aliases">{Object.entries(model.aliases).map(([a, v]) => (
              <li key={a} className="row"><span className="badge alias">@{a}</span> → version {v}
                <ConfirmButton label={`Roll back @${a}`} confirmLabel="Roll back" question={`Move @${a} from v${v} back to the version it held before?`} disabledReason={rollbackBlocked(model, a, v)}
                  onConfirm={() => void act.run(async () => { await client.call('models.rollback', { name, alias: a }); await load(); })} /></li>
            ))}</ul>
          )}
        </section>
        <section className="card wide"><h3>Versions</h3>
          {/* At 1024 px the columns did not fit: a version's aliases sit by its number, and in a narrow window the
              derived Stage and the Registered time step aside (the version link's tooltip has the time); what is
              still too wide scrolls with the version column kept in view. */}
          <div className="table-wrap">
          <table className="grid versions" aria-label="versions">
            <thead><tr><th>Version</th><th>Promote</th><th className="wide-only">Stage</th><th className="num">rmse_val</th><th>Run</th><th className="wide-only">Registered</th></tr></thead>
            <tbody>{model.versions.map((v) => (
              <tr key={v.version} data-version={v.version}>
                <td><span className="row version-cell"><a href={`#/models/${encodeURIComponent(name)}/${v.version}`} title={`registered ${fmtTime(v.createdMs)}`}>v{v.version}</a>
                  {v.status === 'ARCHIVED' && <span className="badge">archived</span>}<AliasBadges aliases={v.aliases} /></span></td>
                <td>{v.status === 'READY' && <PromoteForm name={name} version={v.version} known={knownAliases} holds={v.aliases} holders={model.aliases} onDone={() => void load()} />}</td>
                <td className="wide-only" title="MLflow's legacy stage, derived from aliases">{v.stage}</td>
                <td className="num">{fmtMetric(v.metrics.rmse_val)}</td>
                <td className="run-cell" title={v.runName}>{v.runExists ? <a href={`#/runs/${v.runId}`}>{v.runName}</a> : <span className="muted">{v.runName} (deleted)</span>}</td>
                <td className="wide-only">{fmtTime(v.createdMs)}</td>
              </tr>
            ))}</tbody>
          </table>
          </div>
        </section>
        <section className="card wide"><h3>Alias history</h3>
          {model.history.length === 0 ? <p className="muted">No alias has been set yet.</p> : (
            <ol className="timeline" aria-label="alias history">{model.history.map((e, i) => (
              <li key={i}><span className="muted">{fmtTime(e.atMs)}</span> <span className="badge alias">@{e.alias}</span> {e.action}{' '}
                {e.action === 'set' ? `→ v${e.toVersion}` : e.action === 'remove' ? `(was v${e.fromVersion})` : `v${e.fromVersion} → v${e.toVersion}`}</li>
            ))}</ol>
          )}
        </section>
      </div>
    </>
  );
}

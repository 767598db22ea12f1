// One model version: its lineage on one page (version → run → params → datasets → metrics), its signature,
// promotion and rollback, archive/delete, and a side-by-side comparison with another version.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ModelVersion, RegisteredModel, ScoringRecord } from '../../../shared/domain';
import { fmtBytes, fmtInt, fmtMetric, fmtTime } from '../format';
import { useApp } from '../store/app-store';
import { AliasBadges, ConfirmButton, DescriptionEditor, PromoteForm } from '../components/ModelBits';
import { ErrorNotice } from '../components/ErrorNotice';
import { useAction } from '../components/useAction';
import { ConfirmBar } from '../components/ConfirmBar';
import { useReveal } from '../components/useReveal';
import { VersionMonitoring } from '../components/MonitoringBits';
import { rollbackBlocked } from '../components/rollback';
import { PathText } from '../components/PathText';

function specText(v: ModelVersion): string {
  const s = v.signature.featureSpec;
  return `${v.signature.model} · ${s.featureSet} · ${[...s.categorical, ...s.numeric].join(', ')}`;
}

function VersionCompare({ a, b }: { a: ModelVersion; b: ModelVersion }) {
  const keys = (f: (v: ModelVersion) => Record<string, unknown>) => [...new Set([...Object.keys(f(a)), ...Object.keys(f(b))])].sort();
  const row = (label: string, x: string, y: string) => (
    <tr key={label}><td>{label}</td><td className={x !== y ? 'changed' : ''}>{x}</td><td className={x !== y ? 'changed' : ''}>{y}</td></tr>
  );
  return (
    <table className="grid diff" aria-label="version comparison">
      <thead><tr><th /><th>v{a.version}</th><th>v{b.version}</th></tr></thead>
      <tbody>
        {row('feature spec', specText(a), specText(b))}
        {keys((v) => v.params).map((k) => row(`params.${k}`, a.params[k] ?? '—', b.params[k] ?? '—'))}
        {keys((v) => v.metrics).map((k) => row(`metrics.${k}`, fmtMetric(a.metrics[k]), fmtMetric(b.metrics[k])))}
        {row('train data', a.datasets.find((d) => d.role === 'train')?.fileName ?? '—', b.datasets.find((d) => d.role === 'train')?.fileName ?? '—')}
      </tbody>
    </table>
  );
}

const WRAP = { whiteSpace: 'normal', overflowWrap: 'anywhere' } as const;

export function VersionPage({ name, version }: { name: string; version: number }) {
  const client = useApp((s) => s.client);
  const navigate = useApp((s) => s.navigate);
  const [v, setV] = useState<ModelVersion | null>(null);
  const [model, setModel] = useState<RegisteredModel | null>(null);
  const [other, setOther] = useState<number | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const deleteOpener = useRef<HTMLButtonElement>(null);
  const [scorings, setScorings] = useState<ScoringRecord[]>([]);
  const info = useApp((s) => s.info);
  const [exportDir, setExportDir] = useState('');
  const [exported, setExported] = useState<{ outDir: string; files: string[] } | null>(null);
  const { run, retry, error } = useAction();
  // Export's outcome shows by its form (at the foot of the page), not in the page's error line at the top.
  const exporting = useAction();
  const exportOutcome = useReveal<HTMLDivElement>(exporting.error ?? exported);
  const fetchAll = useCallback(async () => {
    if (!client) return;
    setV(await client.call('models.getVersion', { name, version }));
    setModel(await client.call('models.get', { name }));
    setScorings(await client.call('scoring.list', { name, version }));
  }, [client, name, version]);
  const load = useCallback(() => run(fetchAll), [run, fetchAll]);
  useEffect(() => { void load(); }, [load]);
  if (!v || !model || !client) return error ? <ErrorNotice variant="page" error={error} onRetry={retry} /> : <p className="muted">Loading…</p>;
  const otherV = model.versions.find((x) => x.version === other) ?? null;
  const act = (fn: () => Promise<unknown>) => void run(async () => { await fn(); await fetchAll(); });
  return (
    <>
      <p><button className="btn" onClick={() => navigate({ screen: 'models', model: name })}>← {name}</button></p>
      <h2 data-testid="version-title">{name} v{v.version} <AliasBadges aliases={v.aliases} /> {v.stage !== 'None' && <span className="badge">{v.stage}</span>}{v.status === 'ARCHIVED' && <span className="badge">archived</span>}</h2>
      <p className="muted mono">{v.uri} · registered {fmtTime(v.createdMs)} · model sha256 {v.modelSha256.slice(0, 16)}… ({fmtBytes(v.modelBytes)})</p>
      <ErrorNotice variant="block" error={error} onRetry={retry} />
      <div className="row" style={{ marginBottom: 12, flexWrap: 'wrap' }}>
        {v.status === 'READY' && <PromoteForm name={name} version={v.version} known={Object.keys(model.aliases)} holds={v.aliases} holders={model.aliases} onDone={() => void load()} />}
        {v.aliases.map((a) => <ConfirmButton key={a} label={`Roll back @${a}`} confirmLabel="Roll back" question={`Move @${a} from v${v.version} back to the version it held before?`} disabledReason={rollbackBlocked(model, a, v.version)}
          onConfirm={() => act(() => client.call('models.rollback', { name, alias: a }))} />)}
        <button className="btn" onClick={() => act(() => client.call('models.setArchived', { name, version, archived: v.status === 'READY' }))}>{v.status === 'READY' ? 'Archive' : 'Restore'}</button>
        {!confirmDelete && v.aliases.length > 0 && <span className="muted" data-testid="delete-blocked">Delete: move or remove @{v.aliases.join(', @')} first</span>}
        {!confirmDelete && v.aliases.length === 0 && <button ref={deleteOpener} className="btn danger" onClick={() => setConfirmDelete(true)}>Delete version…</button>}
        {confirmDelete && (
          <ConfirmBar label="confirm delete version" onCancel={() => setConfirmDelete(false)} returnFocus={() => deleteOpener.current}>
            Delete v{version} and its model file for good? (Its number won't be reused.)
            <button className="btn danger" onClick={() => void run(async () => { await client.call('models.deleteVersion', { name, version }); navigate({ screen: 'models', model: name }); }).then((ok) => { if (!ok) setConfirmDelete(false); })}>Delete</button>
            <button className="btn" data-safe onClick={() => setConfirmDelete(false)}>Keep it</button>
          </ConfirmBar>
        )}
      </div>
      <div className="detail">
        <section className="card wide" aria-label="lineage"><h3>Lineage</h3>
          <ol className="lineage">
            <li><strong>Version</strong> {name} v{v.version} — a copy of the run's model, kept by the registry</li>
            <li><strong>Run</strong> {v.runExists ? <a href={`#/runs/${v.runId}`}>{v.runName}</a> : <span>{v.runName} <span className="muted">(run deleted; this version keeps its own copy)</span></span>} <span className="muted mono">{v.runId}</span> in {v.experimentName}</li>
            <li><strong>Params</strong> <span className="mono">{Object.entries(v.params).map(([k, x]) => `${k}=${x}`).join('  ')}</span></li>
            <li><strong>Datasets</strong>
              <table className="grid" aria-label="version datasets"><thead><tr><th>Role</th><th>File</th><th>Kind</th><th>Month</th><th className="num">Rows</th><th>sha256</th></tr></thead>
                <tbody>{v.datasets.map((d) => <tr key={d.role}><td>{d.role}</td><td title={d.path}>{d.fileName}</td><td>{d.kind}</td><td>{d.month ?? '—'}</td><td className="num">{fmtInt(d.rows)}</td><td className="mono">{d.sha256.slice(0, 16)}…</td></tr>)}</tbody></table></li>
            <li><strong>Metrics</strong> <span className="mono">{['rmse_train', 'rmse_val', 'rmse_test', 'mae_val'].filter((k) => k in v.metrics).map((k) => `${k}=${fmtMetric(v.metrics[k])}`).join('  ')}</span></li>
          </ol>
        </section>
        <section className="card"><h3>Signature</h3>
          <p>{specText(v)}</p>
          <div className="kv">{v.signature.inputs.map((i) => <span key={i.name} style={{ display: 'contents' }}><span>{i.name}</span><span className="mono">{i.type}</span></span>)}
            <span>→ {v.signature.output.name}</span><span className="mono">{v.signature.output.type}</span></div>
        </section>
        <section className="card"><h3>Description</h3>
          <DescriptionEditor value={v.description} onSave={async (d) => { await client.call('models.setDescription', { name, version, description: d }); await fetchAll(); }} /></section>
        <section className="card wide" aria-label="export"><h3>Export as a service</h3>
          <p className="muted">A folder with the model, a dependency-free <span className="mono">server.js</span> (POST /predict, GET /health), a Dockerfile and a README.</p>
          <form className="row" onSubmit={(e) => {
            e.preventDefault();
            // a new try starts clean: an "Exported to …" from before must not stand beside this one's failure
            setExported(null);
            void exporting.run(async () => setExported(await client.call('models.export', { uri: v.uri, outDir: exportDir || `${info?.home}/exports/${name}-v${version}` })));
          }}>
            <input aria-label="export folder" style={{ flex: 1 }} value={exportDir} placeholder={`${info?.home}/exports/${name}-v${version}`} onChange={(e) => setExportDir(e.target.value)} />
            <button className="btn" type="submit">Export</button>
          </form>
          <p className="muted hint" style={{ margin: '4px 0 0', fontSize: 12 }}>A relative folder goes under {info?.home}/exports; the full path is shown once exported.</p>
          <div ref={exportOutcome} className="outcome" aria-label="export outcome">
          <ErrorNotice variant="block" error={exporting.error} onRetry={exporting.retry} testId="export-error" />
          {exported && <p data-testid="export-result">Exported to <span className="mono">{exported.outDir}</span>: {exported.files.join(', ')}. Run it with <span className="mono">node server.js</span> in that folder.</p>}
          </div>
        </section>
        <section className="card wide" aria-label="scoring jobs"><h3>Scoring jobs</h3>
          {scorings.length === 0 ? <p className="muted">Not used for scoring yet.</p> : (
            // Paths are long (an output names the input and the model): they wrap at separators only, never mid-word,
            // and the table scrolls inside its card.
            <div className="table-wrap"><table className="grid"><thead><tr><th>When</th><th>Input</th><th>Status</th><th className="num">Rows</th><th className="num">RMSE</th><th>Output</th></tr></thead>
              <tbody>{scorings.map((r) => (
                <tr key={r.scoringId}><td className="when-cell">{fmtTime(r.startedMs)}</td><td className="path-cell"><PathText path={r.inputPath.split(/[\\/]/).pop() ?? r.inputPath} title={r.inputPath} /></td><td>{r.status}</td>
                  <td className="num">{r.file ? fmtInt(r.file.scored) : '—'}</td><td className="num">{fmtMetric(r.file?.metrics?.rmse)}</td>{r.file?.outputPath ? <td className="mono path-cell wide-path"><PathText path={r.file.outputPath} /></td> : <td style={{ ...WRAP, minWidth: 220 }}>{r.error ?? ''}</td>}</tr>
              ))}</tbody></table></div>
          )}
        </section>
        <VersionMonitoring name={name} version={version} />
        <section className="card wide"><div className="row" style={{ justifyContent: 'space-between' }}><h3>Compare with</h3>
          <select aria-label="compare with version" value={other ?? ''} onChange={(e) => setOther(e.target.value ? Number(e.target.value) : null)}>
            <option value="">(choose a version)</option>
            {model.versions.filter((x) => x.version !== version).map((x) => <option key={x.version} value={x.version}>v{x.version}</option>)}
          </select></div>
          {otherV ? <VersionCompare a={v} b={otherV} /> : <p className="muted">Choose another version to see metrics, params and feature spec side by side.</p>}
        </section>
      </div>
    </>
  );
}

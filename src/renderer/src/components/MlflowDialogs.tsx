// "Push to MLflow…" and "Import from MLflow…": where (a tracking server's URL, or for an import an mlflow.db
// with its artifacts folder or an mlruns folder), who we are to the server (a token, or a user and password,
// as MLflow's own clients send them), and a dry run that only counts. The URL and user are remembered in this
// browser; a token or password never is. Starting one hands the job to the MLflow jobs panel.
import { useEffect, useRef, useState, type CSSProperties, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import type { AppClient } from '../api/client';
import { useApp } from '../store/app-store';
import { useMlflowJobs, type PushChoice } from '../store/mlflow-jobs';
import { ErrorNotice } from './ErrorNotice';
import { useAction } from './useAction';

const overlay: CSSProperties = { position: 'fixed', inset: 0, background: 'rgba(0,0,0,.45)', display: 'flex', alignItems: 'flex-start', justifyContent: 'center', zIndex: 20, overflow: 'auto', padding: '60px 16px' };
const box: CSSProperties = { width: 'min(560px, 100%)', display: 'flex', flexDirection: 'column', gap: 12, boxShadow: '0 10px 40px rgba(0,0,0,.35)' };
const field: CSSProperties = { display: 'flex', flexDirection: 'column', gap: 4 };
const input: CSSProperties = { padding: '6px 8px', border: '1px solid var(--border)', borderRadius: 6, background: 'var(--panel)' };

const remembered = (key: string) => { try { return localStorage.getItem(`meter.mlflow.${key}`) ?? ''; } catch { return ''; } };
const remember = (key: string, value: string) => { try { localStorage.setItem(`meter.mlflow.${key}`, value); } catch { /* private mode: nothing kept */ } };

type AuthMode = 'none' | 'token' | 'basic';
interface Auth { mode: AuthMode; token: string; user: string; password: string }
const authArgs = (a: Auth) => (a.mode === 'token' && a.token ? { token: a.token } : a.mode === 'basic' && a.user ? { user: a.user, password: a.password } : {});

function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const first = useRef<HTMLDivElement>(null);
  useEffect(() => {
    first.current?.querySelector<HTMLElement>('input, select, button')?.focus();
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  // Modal for the keyboard too: Tab goes round the dialog's own fields, and focus goes back to the button that
  // opened it when it closes (newcomer trial 3).
  // (taken while rendering: by the effects, the dialog's first field has the focus)
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => () => { if (opener?.isConnected) opener.focus(); }, [opener]);
  const trapTab = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Tab' || !first.current) return;
    const items = [...first.current.querySelectorAll<HTMLElement>('button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href]')];
    if (items.length === 0) return;
    const [head, tail] = [items[0], items[items.length - 1]];
    if (e.shiftKey && document.activeElement === head) { e.preventDefault(); tail.focus(); }
    else if (!e.shiftKey && document.activeElement === tail) { e.preventDefault(); head.focus(); }
  };
  return (
    <div style={overlay} onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div ref={first} className="card" role="dialog" aria-modal="true" aria-label={title} style={box} data-testid="mlflow-dialog" onKeyDown={trapTab}>
        <h3 style={{ fontSize: 16 }}>{title}</h3>
        {children}
      </div>
    </div>
  );
}

function AuthFields({ auth, set }: { auth: Auth; set: (a: Auth) => void }) {
  return (
    <fieldset style={{ border: '1px solid var(--border)', borderRadius: 6, padding: '8px 10px', display: 'flex', flexDirection: 'column', gap: 8 }}>
      <legend className="muted">Sign in</legend>
      <div className="row" role="radiogroup" aria-label="sign in">
        {(['none', 'token', 'basic'] as const).map((m) => (
          <label key={m}><input type="radio" name="mlflow-auth" checked={auth.mode === m} onChange={() => set({ ...auth, mode: m })} /> {m === 'none' ? 'No sign-in' : m === 'token' ? 'Token' : 'User and password'}</label>
        ))}
      </div>
      {auth.mode === 'token' && (
        <label style={field}>Token (sent as Authorization: Bearer)
          <input style={input} type="password" autoComplete="off" value={auth.token} onChange={(e) => set({ ...auth, token: e.target.value })} />
        </label>
      )}
      {auth.mode === 'basic' && (
        <div className="row">
          <label style={{ ...field, flex: 1 }}>User<input style={input} autoComplete="username" value={auth.user} onChange={(e) => set({ ...auth, user: e.target.value })} /></label>
          <label style={{ ...field, flex: 1 }}>Password<input style={input} type="password" autoComplete="current-password" value={auth.password} onChange={(e) => set({ ...auth, password: e.target.value })} /></label>
        </div>
      )}
    </fieldset>
  );
}

function useAuth(): [Auth, (a: Auth) => void] {
  const user = remembered('user');
  return useState<Auth>({ mode: user ? 'basic' : 'none', token: '', user, password: '' });
}

function describe(choice: PushChoice): string {
  const parts = [
    choice.runIds?.length ? `${choice.runIds.length} selected run${choice.runIds.length > 1 ? 's' : ''}` : '',
    choice.models?.length ? `registered model ${choice.models.join(', ')} (its versions, their runs and its aliases)` : '',
  ].filter(Boolean);
  return parts.join(' and ');
}

function PushDialog({ client, choice }: { client: AppClient; choice: PushChoice }) {
  const { closeDialog, started } = useMlflowJobs();
  const experiments = useApp((s) => s.experiments);
  const [url, setUrl] = useState(remembered('url') || 'http://127.0.0.1:5000');
  const [auth, setAuth] = useAuth();
  const [dryRun, setDryRun] = useState(false);
  const [chosen, setChosen] = useState<string[]>(choice.experiments ?? experiments.filter((x) => choice.experimentIds?.includes(x.experimentId)).map((x) => x.name));
  // a whole store moving to the team's server: every experiment AND every registered model (push --all)
  const [everything, setEverything] = useState(false);
  const act = useAction();
  const pickExperiments = !choice.runIds?.length && !choice.models?.length;
  const submit = () => void act.run(async () => {
    remember('url', url);
    if (auth.mode === 'basic') remember('user', auth.user);
    const what = !pickExperiments ? { runIds: choice.runIds, models: choice.models } : everything ? { all: true } : { experiments: chosen };
    const { jobId } = await client.call('mlflow.startPush', { to: serverUrl(url), ...authArgs(auth), ...what, dryRun });
    const sent = !pickExperiments ? describe(choice) : everything ? 'every experiment and registered model' : `experiment${chosen.length > 1 ? 's' : ''} ${chosen.join(', ')}`;
    const label = `${dryRun ? 'Dry run: p' : 'P'}ushing ${sent} to ${serverUrl(url)}`;
    started(jobId, 'push', label);
  });
  return (
    <Dialog title="Push to MLflow" onClose={closeDialog}>
      <form style={{ display: 'flex', flexDirection: 'column', gap: 12 }} onSubmit={(e) => { e.preventDefault(); submit(); }}>
        {pickExperiments && (
          <label><input type="checkbox" checked={everything} onChange={(e) => setEverything(e.target.checked)} /> Everything: every experiment and every registered model (its versions and aliases)</label>
        )}
        {pickExperiments ? (
          <fieldset disabled={everything} style={{ border: '1px solid var(--border)', borderRadius: 6, padding: '8px 10px', maxHeight: 180, overflow: 'auto', opacity: everything ? 0.5 : 1 }}>
            <legend className="muted">Experiments (every finished run in them)</legend>
            {experiments.length === 0 && <p className="muted">No experiments yet.</p>}
            {experiments.map((x) => (
              <label key={x.experimentId} style={{ display: 'block' }}>
                <input type="checkbox" checked={everything || chosen.includes(x.name)} onChange={() => setChosen(chosen.includes(x.name) ? chosen.filter((n) => n !== x.name) : [...chosen, x.name])} /> {x.name} <span className="muted">({x.runCount})</span>
              </label>
            ))}
          </fieldset>
        ) : <p style={{ margin: 0 }}>Sends {describe(choice)}: params, every metric point, tags, notes, inputs and artifact files.</p>}
        <label style={field}>MLflow tracking server
          <input style={input} aria-label="MLflow tracking server URL" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="http://host:5000" />
        </label>
        <AuthFields auth={auth} set={setAuth} />
        <label><input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run: count what would be sent, send nothing</label>
        <p className="muted" style={{ margin: 0 }}>Only what the server lacks is sent: pushing again, or after a cancel or a lost connection, goes on where it stopped. Busy servers (429, 5xx) are retried with backoff.</p>
        <ErrorNotice variant="block" error={act.error} onRetry={act.retry} foreign />
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" className="btn" onClick={closeDialog}>Close</button>
          <button type="submit" className="btn primary" disabled={!url.trim() || (pickExperiments && !everything && chosen.length === 0)}>{dryRun ? 'Count' : 'Push'}</button>
        </div>
      </form>
    </Dialog>
  );
}

type Source = 'server' | 'sqlite' | 'mlruns';

/** A server typed as a browser takes it ("127.0.0.1:5000" is http://127.0.0.1:5000), never a file path. */
export function serverUrl(typed: string): string {
  const t = typed.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`;
}

function ImportDialog({ client }: { client: AppClient }) {
  const { closeDialog, started } = useMlflowJobs();
  const [source, setSource] = useState<Source>('sqlite');
  const [url, setUrl] = useState(remembered('url') || 'http://127.0.0.1:5000');
  const [db, setDb] = useState(remembered('db'));
  const [artifacts, setArtifacts] = useState(remembered('artifacts'));
  const [folder, setFolder] = useState(remembered('mlruns'));
  const [auth, setAuth] = useAuth();
  const [dryRun, setDryRun] = useState(false);
  const act = useAction();
  const from = source === 'server' ? serverUrl(url) : source === 'sqlite' ? (db.trim().startsWith('sqlite:') ? db.trim() : `sqlite:///${db.trim()}`) : folder.trim();
  const ready = source === 'server' ? !!url.trim() : source === 'sqlite' ? !!db.trim() : !!folder.trim();
  const submit = () => void act.run(async () => {
    if (source === 'server') { remember('url', url); if (auth.mode === 'basic') remember('user', auth.user); }
    if (source === 'sqlite') { remember('db', db); remember('artifacts', artifacts); }
    if (source === 'mlruns') remember('mlruns', folder);
    const { jobId } = await client.call('mlflow.startImport', {
      from, ...(source === 'sqlite' && artifacts.trim() ? { artifactsDir: artifacts.trim() } : {}), ...(source === 'server' ? authArgs(auth) : {}), dryRun,
    });
    started(jobId, 'import', `${dryRun ? 'Dry run: i' : 'I'}mporting from ${source === 'server' ? serverUrl(url) : source === 'sqlite' ? db.trim() : folder.trim()}`);
  });
  return (
    <Dialog title="Import from MLflow" onClose={closeDialog}>
      <form style={{ display: 'flex', flexDirection: 'column', gap: 12 }} onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <div className="row" role="radiogroup" aria-label="import from" style={{ flexWrap: 'wrap' }}>
          <label><input type="radio" name="mlflow-source" checked={source === 'sqlite'} onChange={() => setSource('sqlite')} /> mlflow.db</label>
          <label><input type="radio" name="mlflow-source" checked={source === 'mlruns'} onChange={() => setSource('mlruns')} /> mlruns folder</label>
          <label><input type="radio" name="mlflow-source" checked={source === 'server'} onChange={() => setSource('server')} /> Tracking server</label>
        </div>
        {source === 'sqlite' && (<>
          <label style={field}>Path of mlflow.db (mlflow ui --backend-store-uri sqlite:///mlflow.db)
            <input style={input} aria-label="mlflow.db path" value={db} onChange={(e) => setDb(e.target.value)} placeholder="/home/me/course/mlflow.db" />
          </label>
          <label style={field}>Artifacts folder (--default-artifact-root), if not where the runs say
            <input style={input} aria-label="artifacts folder" value={artifacts} onChange={(e) => setArtifacts(e.target.value)} placeholder="/home/me/course/artifacts" />
          </label>
        </>)}
        {source === 'mlruns' && (
          <label style={field}>mlruns folder (MLflow's file store)
            <input style={input} aria-label="mlruns folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/home/me/course/mlruns" />
          </label>
        )}
        {source === 'server' && (<>
          <label style={field}>MLflow tracking server (every active experiment and registered model on it)
            <input style={input} aria-label="MLflow tracking server URL" value={url} onChange={(e) => setUrl(e.target.value)} />
          </label>
          <AuthFields auth={auth} set={setAuth} />
        </>)}
        <label><input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run: count the runs, models and versions that would come, change nothing</label>
        <p className="muted" style={{ margin: 0 }}>Runs already imported are skipped, so importing again (or after a cancel) brings only what is new.</p>
        <ErrorNotice variant="block" error={act.error} onRetry={act.retry} foreign />
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" className="btn" onClick={closeDialog}>Close</button>
          <button type="submit" className="btn primary" disabled={!ready}>{dryRun ? 'Count' : 'Import'}</button>
        </div>
      </form>
    </Dialog>
  );
}

/** The open dialog, if any (mounted once, in App). */
export function MlflowDialogHost() {
  const dialog = useMlflowJobs((s) => s.dialog);
  const client = useApp((s) => s.client);
  if (!dialog || !client) return null;
  return dialog.direction === 'push' ? <PushDialog client={client} choice={dialog.choice} /> : <ImportDialog client={client} />;
}

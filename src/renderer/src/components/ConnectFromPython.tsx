// "Connect from Python": the two lines MLflow's clients need to log into this Meter (browser mode's server
// answers MLflow's REST API), with copy buttons and a snippet that runs as is. Browser mode only: the desktop
// app has no server (`npx meter serve` prints the same lines).
import { useEffect, useRef, useState } from 'react';
import type { AppClient, MlflowConnection } from '../api/client';
import { MeterError } from '../../../shared/errors';
import { ErrorNotice } from './ErrorNotice';

export function envLines(c: MlflowConnection): string {
  // `export`: pasted into a shell, a bare VAR=value would not reach the Python that shell starts
  return `export MLFLOW_TRACKING_URI=${c.trackingUri}\nexport MLFLOW_TRACKING_TOKEN=${c.token}`;
}

export function pythonSnippet(c: MlflowConnection): string {
  return `import os, mlflow
os.environ["MLFLOW_TRACKING_URI"] = "${c.trackingUri}"
os.environ["MLFLOW_TRACKING_TOKEN"] = "${c.token}"
mlflow.set_experiment("from-python")
with mlflow.start_run(run_name="hello-meter"):
    mlflow.log_param("alpha", 0.1)
    mlflow.log_metric("rmse_val", 5.2)
`;
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button className="btn" onClick={() => { void navigator.clipboard?.writeText(text).then(() => setCopied(true)); }}>
      {copied ? 'Copied' : label}
    </button>
  );
}

export function ConnectFromPython({ client }: { client: AppClient }) {
  const [conn, setConn] = useState<MlflowConnection | null>(null);
  const [error, setError] = useState<MeterError | null>(null);
  const load = () => {
    setError(null);
    client.mlflowConnection().then(setConn, (err: unknown) => setError(err instanceof MeterError ? err : new MeterError('INTERNAL', String(err))));
  };
  const box = useRef<HTMLDetailsElement>(null);
  // A popover closes as popovers do: Escape (focus back on its button) or a click anywhere outside it.
  useEffect(() => {
    const close = (e: Event) => {
      const d = box.current;
      if (!d?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !d.contains(e.target as Node)) {
        d.open = false;
        if (e instanceof KeyboardEvent) d.querySelector('summary')?.focus();
      }
    };
    document.addEventListener('keydown', close);
    document.addEventListener('mousedown', close);
    return () => { document.removeEventListener('keydown', close); document.removeEventListener('mousedown', close); };
  }, []);
  // A button in the Runs header that opens a card over the table, so the table's layout never moves.
  return (
    <details ref={box} style={{ position: 'relative' }} data-testid="connect-from-python" onToggle={(e) => { if ((e.target as HTMLDetailsElement).open && !conn) load(); }}>
      <summary className="btn" style={{ listStyle: 'none' }}>Connect from Python</summary>
      <div className="card" style={{ position: 'absolute', right: 0, top: 'calc(100% + 6px)', zIndex: 30, width: 'min(760px, 80vw)', boxShadow: '0 8px 24px rgba(0, 0, 0, 0.18)' }}>
        <p className="muted" style={{ marginTop: 0 }}>MLflow&apos;s own client logs into Meter: runs, metrics, artifacts and models land here, in this store.</p>
        {conn && (
          <>
            <pre className="mono" data-testid="mlflow-env" style={{ overflowX: 'auto' }}>{envLines(conn)}</pre>
            <div className="row"><CopyButton text={envLines(conn)} label="Copy the two lines" /></div>
            <pre className="mono" style={{ overflowX: 'auto' }}>{pythonSnippet(conn)}</pre>
            <div className="row"><CopyButton text={pythonSnippet(conn)} label="Copy the snippet" /></div>
          </>
        )}
        <ErrorNotice error={error ? error.toData() : null} onRetry={load} />
      </div>
    </details>
  );
}

// Editable parts of a run: notes (saved explicitly, Ctrl/Cmd+Enter) and tags (add or overwrite one).
import { useEffect, useState, type FormEvent } from 'react';
import type { Run } from '../../../shared/domain';
import { useApp } from '../store/app-store';

export function NotesEditor({ run, onChange }: { run: Run; onChange: (r: Run) => void }) {
  const client = useApp((s) => s.client);
  const [text, setText] = useState(run.notes);
  const [state, setState] = useState<'idle' | 'saving' | 'saved' | string>('idle');
  useEffect(() => setText(run.notes), [run.notes]);
  const save = async () => {
    if (!client) return;
    setState('saving');
    try { onChange(await client.call('runs.setNotes', { runId: run.runId, notes: text })); setState('saved'); }
    catch (err) { setState((err as Error).message); }
  };
  return (
    <>
      <textarea className="notes" aria-label="notes" value={text} onChange={(e) => { setText(e.target.value); setState('idle'); }}
        onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void save(); }} placeholder="What did you try, what did you learn?" />
      <div className="row">
        <button className="btn" onClick={() => void save()} disabled={text === run.notes || state === 'saving'}>Save notes</button>
        <span className="muted" role="status">{state === 'saved' ? 'Saved' : state === 'idle' || state === 'saving' ? '' : state}</span>
      </div>
    </>
  );
}

export function TagsEditor({ run, onChange }: { run: Run; onChange: (r: Run) => void }) {
  const client = useApp((s) => s.client);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!client || !key.trim()) return;
    try { onChange(await client.call('runs.setTag', { runId: run.runId, key: key.trim(), value })); setKey(''); setValue(''); setError(null); }
    catch (err) { setError((err as Error).message); }
  };
  return (
    <>
      <div className="kv">{Object.entries(run.tags).map(([k, v]) => <span key={k} style={{ display: 'contents' }}><span>{k}</span><span className="mono">{v}</span></span>)}</div>
      <form className="row" onSubmit={(e) => void add(e)} style={{ marginTop: 10 }} aria-label="add tag">
        <input aria-label="tag key" placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} style={{ width: 120 }} />
        <input aria-label="tag value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} style={{ flex: 1 }} />
        <button className="btn" type="submit" disabled={!key.trim()}>Set</button>
      </form>
      {error && <p role="alert" style={{ color: 'var(--bad)' }}>{error}</p>}
    </>
  );
}

// Editable parts of a run: name, notes (Markdown, with a preview; Ctrl/⌘+Enter saves) and tags.
import { useEffect, useState, type FormEvent } from 'react';
import type { Run } from '../../../shared/domain';
import { useApp } from '../store/app-store';
import { Markdown } from './Markdown';
import type { AppClient } from '../api/client';
import { ErrorNotice } from './ErrorNotice';
import { useAction } from './useAction';
import { CopyButton } from './CopyButton';

/** A tag value this long (an MLflow parent run id: 32 characters) may be cut with "…" in a narrow card, so it
 * gets a copy link; the whole value is also its tooltip. */
const LONG_TAG = 24;

/** Saves an edit and hands the updated run back; `then` runs after a save that worked (a retried one too). */
function useSaver(onChange: (r: Run) => void) {
  const client = useApp((s) => s.client);
  const { run, retry, error } = useAction();
  const save = (fn: (c: AppClient) => Promise<Run>, then?: () => void): Promise<boolean> =>
    client ? run(async () => { onChange(await fn(client)); then?.(); }) : Promise.resolve(false);
  return { save, retry, error };
}

export function RunName({ run, onChange }: { run: Run; onChange: (r: Run) => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(run.name);
  const { save, retry, error } = useSaver(onChange);
  useEffect(() => setName(run.name), [run.name]);
  if (!editing) return <>{run.name} <button className="link" onClick={() => setEditing(true)} aria-label="rename run">rename</button></>;
  return (
    <form className="row" style={{ display: 'inline-flex' }} onSubmit={(e) => { e.preventDefault(); void save((c) => c.call('runs.rename', { runId: run.runId, name }), () => setEditing(false)); }}>
      <input aria-label="run name" autoFocus value={name} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => { if (e.key === 'Escape') setEditing(false); }} />
      <button className="btn" type="submit">Save</button>
      <ErrorNotice error={error} onRetry={retry} />
    </form>
  );
}

export function NotesEditor({ run, onChange }: { run: Run; onChange: (r: Run) => void }) {
  const [text, setText] = useState(run.notes);
  const [tab, setTab] = useState<'write' | 'preview'>(run.notes ? 'preview' : 'write');
  const [saved, setSaved] = useState(false);
  const { save, retry, error } = useSaver(onChange);
  useEffect(() => setText(run.notes), [run.notes]);
  const doSave = () => void save((c) => c.call('runs.setNotes', { runId: run.runId, notes: text }), () => setSaved(true)).then((ok) => { if (!ok) setSaved(false); });
  return (
    <>
      <div className="tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'write'} className={`btn${tab === 'write' ? ' pressed' : ''}`} onClick={() => setTab('write')}>Write</button>
        <button role="tab" aria-selected={tab === 'preview'} className={`btn${tab === 'preview' ? ' pressed' : ''}`} onClick={() => setTab('preview')}>Preview</button>
      </div>
      {tab === 'write' ? (
        <textarea className="notes" aria-label="notes" value={text} onChange={(e) => { setText(e.target.value); setSaved(false); }}
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) doSave(); }} placeholder="What did you try, what did you learn? (Markdown)" />
      ) : (text ? <Markdown text={text} /> : <p className="muted">No notes yet.</p>)}
      <div className="row">
        <button className="btn" onClick={doSave} disabled={text === run.notes}>Save notes</button>
        <span className="muted" role="status">{saved ? 'Saved' : ''}</span>
        <ErrorNotice error={error} onRetry={retry} />
      </div>
    </>
  );
}

export function TagsEditor({ run, onChange }: { run: Run; onChange: (r: Run) => void }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const { save, retry, error } = useSaver(onChange);
  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!key.trim()) return;
    void save((c) => c.call('runs.setTag', { runId: run.runId, key: key.trim(), value }), () => { setKey(''); setValue(''); });
  };
  return (
    <>
      <div className="kv">{Object.entries(run.tags).map(([k, v]) => (
        <span key={k} style={{ display: 'contents' }}>
          <span>{k}</span>
          <span className="row kv-value" data-tag={k}><span className="mono value" title={v}>{v}</span>
            {v.length >= LONG_TAG && <CopyButton text={v} />}
            <button className="link" aria-label={`remove tag ${k}`} onClick={() => void save((c) => c.call('runs.deleteTag', { runId: run.runId, key: k }))}>×</button></span>
        </span>
      ))}</div>
      <form className="row" onSubmit={add} style={{ marginTop: 10 }} aria-label="add tag">
        <input aria-label="tag key" placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} style={{ width: 120 }} />
        <input aria-label="tag value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} style={{ flex: 1 }} />
        <button className="btn" type="submit" disabled={!key.trim()}>Set</button>
      </form>
      <ErrorNotice variant="block" error={error} onRetry={retry} />
    </>
  );
}

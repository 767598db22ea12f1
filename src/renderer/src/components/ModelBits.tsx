// Small pieces shared by the registry screens: alias badges, a promote form, a description editor, and a
// register button for runs.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { RunId } from '../../../shared/domain';
import { useApp } from '../store/app-store';
import { ErrorNotice } from './ErrorNotice';
import { useAction } from './useAction';
import { ConfirmBar } from './ConfirmBar';

export function AliasBadges({ aliases }: { aliases: string[] }) {
  return <>{aliases.map((a) => <span key={a} className="badge alias" data-testid="alias-badge">@{a}</span>)}</>;
}

/**
 * `holds`: the aliases this version has already (promoting it to one again is not offered); `holders`: which
 * version holds each alias of the model, so moving one from another version asks first.
 */
export function PromoteForm({ name, version, known, holds = [], holders = {}, onDone }: {
  name: string; version: number; known: string[]; holds?: string[]; holders?: Record<string, number>; onDone: () => void;
}) {
  const client = useApp((s) => s.client);
  const [alias, setAlias] = useState('champion');
  const [confirming, setConfirming] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const { run, retry, error } = useAction();
  const bare = alias.replace(/^@/, '');
  const from = holders[bare];
  const promote = () => { setConfirming(false); if (client) void run(async () => { await client.call('models.setAlias', { name, alias, version }); onDone(); }); };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (from !== undefined && from !== version) setConfirming(true); else promote();
  };
  if (confirming) {
    return (
      <ConfirmBar label={`confirm moving @${bare}`} onCancel={() => setConfirming(false)} returnFocus={() => opener.current}>
        <span title={`models:/${name}@${bare} then resolves to v${version}`}>Move @{bare} from v{from} to v{version}?</span>
        <button className="btn primary" onClick={promote}>Move @{bare}</button>
        <button className="btn" data-safe onClick={() => setConfirming(false)}>Cancel</button>
      </ConfirmBar>
    );
  }
  return (
    <form className="row" onSubmit={submit} aria-label={`promote version ${version}`}>
      <input aria-label="alias" list="known-aliases" value={alias} onChange={(e) => setAlias(e.target.value)} style={{ width: 130 }} />
      <datalist id="known-aliases">{[...new Set(['champion', 'challenger', ...known])].map((a) => <option key={a} value={a} />)}</datalist>
      {holds.includes(alias.replace(/^@/, ''))
        ? <span className="muted" title={`This version is @${alias.replace(/^@/, '')} already`}>holds @{alias.replace(/^@/, '')}</span>
        : <button ref={opener} className="btn" type="submit">Promote to @{alias.replace(/^@/, '') || '…'}</button>}
      <ErrorNotice error={error} onRetry={retry} />
    </form>
  );
}

/**
 * A button whose action is asked about first, inline: the question, the action, Cancel. `disabledReason`:
 * the action can't be done now; the button is shown disabled with the reason beside it (and as its tooltip).
 */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, disabledReason }: {
  label: string; question: string; confirmLabel: string; onConfirm: () => void; disabledReason?: string | null;
}) {
  const [asking, setAsking] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  if (disabledReason) {
    return <span className="row disabled-action"><button className="btn" disabled title={disabledReason}>{label}</button><span className="muted" data-testid="disabled-reason">{disabledReason}</span></span>;
  }
  if (!asking) return <button ref={opener} className="btn" onClick={() => setAsking(true)}>{label}</button>;
  return (
    <ConfirmBar label={`confirm ${label}`} onCancel={() => setAsking(false)} returnFocus={() => opener.current}>
      {question}
      <button className="btn primary" onClick={() => { setAsking(false); onConfirm(); }}>{confirmLabel}</button>
      <button className="btn" data-safe onClick={() => setAsking(false)}>Cancel</button>
    </ConfirmBar>
  );
}

export function DescriptionEditor({ value, onSave }: { value: string; onSave: (text: string) => Promise<unknown> }) {
  const [text, setText] = useState(value);
  const { run, retry, error } = useAction();
  useEffect(() => setText(value), [value]);
  return (
    <div>
      <textarea className="notes" aria-label="description" value={text} onChange={(e) => setText(e.target.value)} placeholder="What is this model for?" style={{ minHeight: 60 }} />
      <div className="row">
        <button className="btn" disabled={text === value} onClick={() => void run(() => onSave(text))}>Save description</button>
        <ErrorNotice error={error} onRetry={retry} />
      </div>
    </div>
  );
}

export function RegisterButton({ runId, disabled }: { runId: RunId; disabled?: boolean }) {
  const client = useApp((s) => s.client);
  const navigate = useApp((s) => s.navigate);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('taxi-duration');
  const [names, setNames] = useState<string[]>([]);
  const { run, retry, error } = useAction();
  // The names only feed the suggestions: without them the form still works, so a failure here stays quiet.
  useEffect(() => { if (open && client) client.call('models.list', {}).then((l) => setNames(l.map((m) => m.name)), () => {}); }, [open, client]);
  if (!open) return <button className="btn" disabled={disabled} onClick={() => setOpen(true)}>Register model…</button>;
  return (
    <form className="row confirm" aria-label="register model" onSubmit={(e) => {
      e.preventDefault();
      if (client) void run(async () => { const v = await client.call('models.register', { runId, name }); navigate({ screen: 'models', model: v.name, version: v.version }); });
    }}>
      <label className="row">Register as <input aria-label="model name" list="model-names" value={name} onChange={(e) => setName(e.target.value)} /></label>
      <datalist id="model-names">{names.map((n) => <option key={n} value={n} />)}</datalist>
      <button className="btn primary" type="submit">Register</button>
      <button className="btn" type="button" onClick={() => setOpen(false)}>Cancel</button>
      <ErrorNotice error={error} onRetry={retry} />
    </form>
  );
}

// The search space as a form: each top-level parameter is a fixed value or a distribution with its bounds.
// Nested choices (sub-spaces) are edited in the JSON view; the form shows them read-only.
import type { Dist } from '../../../shared/tuning/space';

const KINDS = ['fixed', 'uniform', 'loguniform', 'quniform', 'qloguniform', 'choice'] as const;

function kindOf(v: unknown): (typeof KINDS)[number] {
  if (typeof v !== 'object' || v === null) return 'fixed';
  const k = Object.keys(v)[0];
  return (KINDS as readonly string[]).includes(k) ? (k as (typeof KINDS)[number]) : 'fixed';
}

export function SpaceForm({ space, onChange }: { space: Record<string, unknown>; onChange: (s: Record<string, unknown>) => void }) {
  const set = (name: string, value: unknown) => onChange({ ...space, [name]: value });
  return (
    <table className="grid" aria-label="search space" style={{ marginBottom: 8 }}>
      <thead><tr><th>Parameter</th><th>Distribution</th><th>Values</th></tr></thead>
      <tbody>{Object.entries(space).map(([name, v]) => {
        const kind = kindOf(v);
        const args = kind !== 'fixed' && kind !== 'choice' ? (v as Record<string, number[]>)[kind] : null;
        return (
          <tr key={name}>
            <td className="mono">{name}</td>
            <td>
              {name === 'model' ? <span className="muted">fixed</span> : (
                <select aria-label={`${name} distribution`} value={kind} onChange={(e) => {
                  const k = e.target.value;
                  if (k === 'fixed') set(name, typeof v === 'number' || typeof v === 'string' ? v : args?.[0] ?? 0);
                  else if (k === 'choice') set(name, { choice: [typeof v === 'object' ? 0 : v] });
                  else set(name, { [k]: k.startsWith('q') ? [...(args ?? [0, 1]).slice(0, 2), 1] : (args ?? [0, 1]).slice(0, 2) } as Dist);
                }} style={{ minWidth: 128 }}>{KINDS.map((k) => <option key={k} value={k}>{k}</option>)}</select>
              )}
            </td>
            <td>
              {kind === 'fixed' && (name === 'model' ? <span className="mono">{String(v)}</span> :
                <input aria-label={`${name} value`} value={String(v)} onChange={(e) => set(name, Number.isFinite(Number(e.target.value)) && e.target.value.trim() !== '' ? Number(e.target.value) : e.target.value)} />)}
              {args && (
                <span className="row">{args.map((a, i) => (
                  <input key={i} aria-label={`${name} ${['low', 'high', 'q'][i]}`} type="number" step="any" style={{ width: 68 }} value={a}
                    onChange={(e) => { const next = [...args]; next[i] = Number(e.target.value); set(name, { [kind]: next }); }} />
                ))}</span>
              )}
              {/* Under the inputs, not beside them: beside, it pushed the table wider than a 1024 px window. */}
              {args && kind.includes('log') && (
                <div className="muted log-bounds" data-testid="log-bounds">natural-log bounds: <span>e^{args[0]} ≈ {Number(Math.exp(args[0]).toPrecision(3))}</span> … <span>e^{args[1]} ≈ {Number(Math.exp(args[1]).toPrecision(3))}</span></div>
              )}
              {kind === 'choice' && <span className="mono">{JSON.stringify((v as { choice: unknown[] }).choice)}</span>}
            </td>
          </tr>
        );
      })}</tbody>
    </table>
  );
}

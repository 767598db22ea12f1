// One role's datasets (train or validation) as a multiple select, with the files and trips chosen under it:
// several months read as one set. Keyboard: ↑/↓ choose one, Shift+↑/↓ extend, Ctrl/⌘-click adds (the native
// listbox). Train and Tune share it.
import type { ChangeEvent } from 'react';
import type { Dataset } from '../../../shared/domain';
import { fmtInt } from '../format';

/** "3 files · 196,000 trips" for a role's chosen datasets. */
export const setSummary = (ds: readonly Dataset[]): string =>
  ds.length === 0 ? 'none chosen' : `${ds.length} file${ds.length === 1 ? '' : 's'} · ${fmtInt(ds.reduce((s, d) => s + d.report.filter.kept, 0))} trips`;

export function DatasetSetField({ id, label, datasets, value, onChange, testId, hintId }: {
  id: string; label: string; datasets: readonly Dataset[]; value: string[]; onChange: (ids: string[]) => void; testId: string; hintId: string;
}) {
  const chosen = value.map((v) => datasets.find((d) => d.datasetId === v)).filter((d): d is Dataset => d !== undefined);
  const picked = (e: ChangeEvent<HTMLSelectElement>): string[] => Array.from(e.target.selectedOptions, (o) => o.value);
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <div className="dataset-set">
        <select id={id} multiple size={Math.min(6, Math.max(3, datasets.length))} value={value} onChange={(e) => onChange(picked(e))} aria-describedby={`${hintId} ${id}-sum`}>
          {datasets.map((d) => <option key={d.datasetId} value={d.datasetId}>{d.fileName} · {d.kind} {d.pickupMonth ?? ''}</option>)}
        </select>
        <span id={`${id}-sum`} className="muted" data-testid={testId}>{setSummary(chosen)}</span>
      </div>
    </>
  );
}

/** The hint shown once under a form's lists. */
export function DatasetSetHint({ id }: { id: string }) {
  return <><span /><p id={id} className="muted hint">Several files per role (one kind): Ctrl/⌘-click, or Shift+↑/↓ in the list.</p></>;
}

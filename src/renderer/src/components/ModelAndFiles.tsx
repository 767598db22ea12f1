// The first rows of the Score and Monitor forms: a model URI, then parquet files to tick (or drop on the
// screen). One component, so both screens choose a model and files the same way.
import { useState } from 'react';
import type { Dataset, DatasetId } from '../../../shared/domain';
import type { AppClient } from '../api/client';
import { useAppState } from '../store/app-store';
import { ImportErrorCard } from './DatasetCard';
import { defaultModelUri, modelUris } from './model-choices';

export function ModelAndFiles({ idPrefix, uris, modelUri, onModel, filesLabel, groupLabel, datasets, checked, onToggle }: {
  idPrefix: string; uris: string[]; modelUri: string; onModel: (uri: string) => void;
  filesLabel: string; groupLabel: string; datasets: Dataset[]; checked: readonly DatasetId[]; onToggle: (id: DatasetId) => void;
}) {
  return (
    <>
      <label htmlFor={`${idPrefix}-model`}>Model</label>
      <select id={`${idPrefix}-model`} value={modelUri} onChange={(e) => onModel(e.target.value)}>{uris.map((u) => <option key={u} value={u}>{u}</option>)}</select>
      <span>{filesLabel}</span>
      <div>
        <p className="muted" style={{ margin: '0 0 6px' }}>Drop parquet files on this screen, or tick imported datasets:</p>
        <div className="checklist" role="group" aria-label={groupLabel}>
          {datasets.map((d) => (
            <label key={d.datasetId}><input type="checkbox" checked={checked.includes(d.datasetId)} onChange={() => onToggle(d.datasetId)} /> {d.fileName} <span className="muted">{d.kind} {d.pickupMonth}</span></label>
          ))}
        </div>
        <DroppedFiles />
      </div>
    </>
  );
}

/**
 * Files dropped on this screen: which are being checked, and why one was refused (else it would vanish
 * silently). Only drops made since the screen opened: a file refused on the Data screen (or on this one, on an
 * earlier visit) is not this screen's news (newcomer trial 3); the Data screen keeps every refusal until it
 * is dismissed.
 */
function DroppedFiles() {
  const { imports, importing, dismissImport } = useAppState('imports', 'importing', 'dismissImport');
  // the outcomes there were when the screen opened (each outcome is one object for the session)
  const [before] = useState(() => new Set(imports));
  return (
    <>
      {importing.length > 0 && <p className="muted" aria-live="polite">Checking {importing.join(', ')}…</p>}
      {imports.map((o, i) => !o.ok && !before.has(o) && <ImportErrorCard key={`${o.fileName}-${i}`} fileName={o.fileName} error={o.error} onDismiss={() => dismissImport(i)} />)}
    </>
  );
}

/** The screen's model choices; @champion (see defaultModelUri) becomes its model unless one is already chosen (kept across screens). */
export async function loadModelChoices(client: AppClient, chosen: { modelUri: string; set(p: { modelUri: string }): void }, withLatest: boolean): Promise<string[]> {
  const models = await client.call('models.list', {});
  const start = defaultModelUri(models);
  if (!chosen.modelUri && start) chosen.set({ modelUri: start });
  return modelUris(models, withLatest);
}

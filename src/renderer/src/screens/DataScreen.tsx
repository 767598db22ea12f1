// Data: drop parquet files anywhere (or pick them); each becomes a dataset card or an error card.
import { useRef } from 'react';
import { useAppState } from '../store/app-store';
import { AlreadyImportedCard, DatasetCard, ImportErrorCard } from '../components/DatasetCard';
import { JobProgress } from '../components/JobProgress';
import { SampleWelcome } from '../components/SampleWelcome';
import { ImportFromMlflowButton } from '../components/MlflowTransfer';

export function DataScreen() {
  const { datasets, imports, importing, importFiles, dismissImport: dismiss } = useAppState('datasets', 'imports', 'importing', 'importFiles', 'dismissImport');
  const picker = useRef<HTMLInputElement>(null);
  const errors = imports.map((o, i) => ({ o, i })).filter(({ o }) => !o.ok);
  const already = imports.flatMap((o, i) => (o.ok && o.dataset.alreadyImported ? [{ fileName: o.fileName, dataset: o.dataset, i }] : []));

  return (
    <>
      <h2>Data</h2>
      <SampleWelcome />
      <JobProgress />
      <div className="drop" data-testid="drop-zone">
        <p style={{ margin: '0 0 10px' }}>Drop NYC TLC trip parquet files (green, yellow, fhv) anywhere in the window</p>
        <div className="row">
          <button className="btn" onClick={() => picker.current?.click()}>Choose files…</button>
          <ImportFromMlflowButton />
        </div>
        <input ref={picker} type="file" accept=".parquet" multiple hidden data-testid="file-input"
          onChange={(e) => { const files = [...(e.target.files ?? [])]; e.target.value = ''; if (files.length) void importFiles(files); }} />
        {importing.length > 0 && <p className="muted" aria-live="polite">Checking {importing.join(', ')}…</p>}
      </div>
      {errors.length > 0 && (
        <div className="cards">
          {errors.map(({ o, i }) => !o.ok && <ImportErrorCard key={`${o.fileName}-${i}`} fileName={o.fileName} error={o.error} onDismiss={() => dismiss(i)} onChooseFile={() => picker.current?.click()} />)}
        </div>
      )}
      {already.length > 0 && (
        <div className="cards">
          {already.map(({ fileName, dataset, i }) => <AlreadyImportedCard key={`${fileName}-${i}`} fileName={fileName} dataset={dataset} onDismiss={() => dismiss(i)} />)}
        </div>
      )}
      <h3 style={{ marginTop: 22 }}>Datasets <span className="muted">({datasets.length})</span></h3>
      {datasets.length === 0 ? <p className="muted">No datasets yet.</p> : (
        <div className="cards">{datasets.map((d) => <DatasetCard key={d.datasetId} dataset={d} />)}</div>
      )}
    </>
  );
}

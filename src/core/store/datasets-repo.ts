import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { MeterError } from '../../shared/errors';
import { asDatasetId, type Dataset, type DatasetId, type SchemaReport } from '../../shared/domain';
import { inTransaction, type Db } from './db';

interface DatasetRow {
  dataset_id: string; path: string; file_name: string; sha256: string; size_bytes: number; kind: Dataset['kind'];
  rows: number; pickup_month: string | null; report_json: string; created_ms: number;
}

const toDataset = (r: DatasetRow): Dataset => ({
  datasetId: asDatasetId(r.dataset_id), path: r.path, fileName: r.file_name, sha256: r.sha256, sizeBytes: r.size_bytes,
  kind: r.kind, rows: r.rows, pickupMonth: r.pickup_month, report: JSON.parse(r.report_json) as SchemaReport, createdMs: r.created_ms,
});

export function getDataset(db: Db, id: DatasetId): Dataset {
  const row = db.prepare('SELECT * FROM datasets WHERE dataset_id = ?').get(id) as DatasetRow | undefined;
  if (!row) throw new MeterError('NOT_FOUND', `No dataset with id ${id}; import the file first.`);
  return toDataset(row);
}

export function listDatasets(db: Db): Dataset[] {
  return (db.prepare('SELECT * FROM datasets ORDER BY created_ms DESC').all() as DatasetRow[]).map(toDataset);
}

/** The dataset these bytes are (the one recorded at `path` if several are, else the first imported), or null. */
export function datasetWithBytes(db: Db, sha256: string, path: string): Dataset | null {
  const row = db.prepare('SELECT * FROM datasets WHERE sha256 = ? ORDER BY path = ? DESC, created_ms, dataset_id LIMIT 1').get(sha256, path) as DatasetRow | undefined;
  return row ? toDataset(row) : null;
}

/**
 * The same file content is one dataset, wherever it lies: a month uploaded in the app and the same month given
 * by path on the CLI are one card, and runs on either share their lineage. Importing bytes already recorded
 * returns that record (the one at this path if there is one, else the first imported) and says so; a record
 * whose file is gone from its path takes the new path.
 * One immediate transaction, so processes importing the same new file at once all get the one record.
 */
export function upsertDataset(db: Db, d: { path: string; fileName: string; sha256: string; sizeBytes: number; report: SchemaReport }): { dataset: Dataset; alreadyImported: boolean } {
  return inTransaction(db, () => {
    const existing = datasetWithBytes(db, d.sha256, d.path);
    if (existing && existing.path !== d.path && !existsSync(existing.path)) {
      // Its file was moved or deleted since: the record follows the bytes to where they are now, so runs on it
      // (and its lineage) keep working. No other record has this path and these bytes (it would have come first).
      db.prepare('UPDATE datasets SET path = ?, file_name = ? WHERE dataset_id = ?').run(d.path, d.fileName, existing.datasetId);
      return { dataset: getDataset(db, existing.datasetId), alreadyImported: true };
    }
    if (existing) return { dataset: existing, alreadyImported: true };
    const id = randomBytes(8).toString('hex');
    db.prepare(`INSERT INTO datasets (dataset_id, path, file_name, sha256, size_bytes, kind, rows, pickup_month, report_json, created_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(id, d.path, d.fileName, d.sha256, d.sizeBytes, d.report.kind, d.report.rows,
      d.report.pickupMonth, JSON.stringify(d.report), Date.now());
    return { dataset: getDataset(db, asDatasetId(id)), alreadyImported: false };
  });
}

import { randomBytes } from 'node:crypto';
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
 * The record these bytes already are, answered for an import from `d.path`, or null if no record has them.
 * A record at another path is kept there only if `stillHolds(itsPath)` (the caller hashed that file just before,
 * outside this transaction, and found these bytes); otherwise it is re-pointed to `d.path`, whose bytes the
 * caller has just hashed. Never answer a record whose path may hold other bytes: training, scoring and
 * monitoring read `path`, while lineage says `sha256` (a file overwritten in place, say latest.parquet, would
 * otherwise have the old month's record train on the new month).
 * Why keep a still-valid old path rather than always take the new one: the card's name and path stay put when
 * the same month is given again from elsewhere (a copy, an upload of a file the CLI imported), and an upload
 * copy under the home is not left behind unrecorded; the price is one hash of the old file, far less than the
 * import's own check of the new one. Call inside the caller's transaction or alone (it opens its own).
 */
export function claimDataset(db: Db, d: { path: string; fileName: string; sha256: string }, stillHolds: (path: string) => boolean): Dataset | null {
  return inTransaction(db, () => {
    // Re-read here, inside BEGIN IMMEDIATE: another process may have re-pointed the record since the caller hashed.
    const existing = datasetWithBytes(db, d.sha256, d.path);
    if (!existing) return null;
    if (existing.path === d.path || stillHolds(existing.path)) return existing;
    // Its file was moved, deleted or overwritten with other bytes since: the record follows its bytes to where
    // they are now, so runs on it (and its lineage) read them. No record has this path and these bytes (it
    // would have been answered first), so UNIQUE (path, sha256) holds.
    db.prepare('UPDATE datasets SET path = ?, file_name = ? WHERE dataset_id = ?').run(d.path, d.fileName, existing.datasetId);
    return getDataset(db, existing.datasetId);
  });
}

/**
 * The same file content is one dataset, wherever it lies: a month uploaded in the app and the same month given
 * by path on the CLI are one card, and runs on either share their lineage. Importing bytes already recorded
 * returns that record (see claimDataset: kept where it is if its file still holds them, else moved here) and
 * says so. One immediate transaction, so processes importing the same new file at once all get the one record.
 */
export function upsertDataset(db: Db, d: { path: string; fileName: string; sha256: string; sizeBytes: number; report: SchemaReport }, stillHolds: (path: string) => boolean): { dataset: Dataset; alreadyImported: boolean } {
  return inTransaction(db, () => {
    const existing = claimDataset(db, d, stillHolds);
    if (existing) return { dataset: existing, alreadyImported: true };
    const id = randomBytes(8).toString('hex');
    db.prepare(`INSERT INTO datasets (dataset_id, path, file_name, sha256, size_bytes, kind, rows, pickup_month, report_json, created_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(id, d.path, d.fileName, d.sha256, d.sizeBytes, d.report.kind, d.report.rows,
      d.report.pickupMonth, JSON.stringify(d.report), Date.now());
    return { dataset: getDataset(db, asDatasetId(id)), alreadyImported: false };
  });
}

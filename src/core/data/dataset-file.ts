// What a reader of a dataset (training, monitoring's reference) checks before it reads the dataset's path: the
// file is there and has the size recorded at import. Cheap (one stat), and it catches the common way a path
// comes to hold other bytes: a file overwritten in place with another month (latest.parquet). It cannot catch a
// same-size rewrite; that would need the file's mtime recorded at import, which the store does not keep (a
// migration). Imports themselves compare hashes (claimDataset), so a record is re-pointed at its next import.
import { statSync } from 'node:fs';
import { MeterError } from '../../shared/errors';

export function checkDatasetFile(d: { fileName: string; path: string; sizeBytes: number }, what = d.fileName): void {
  let size: number;
  try {
    size = statSync(d.path).size;
  } catch {
    throw new MeterError('FILE_UNREADABLE', `${what} is no longer at ${d.path} (moved or deleted); import the file from where it is now (the dataset follows its bytes) and try again.`, { file: d.fileName });
  }
  if (size !== d.sizeBytes) {
    throw new MeterError('INVALID_STATE',
      `${what} at ${d.path} is not the file imported as this dataset any more (${size} bytes now, ${d.sizeBytes} when imported: it was overwritten). Import the file that still holds the imported month (the dataset follows it there), or import this one as a new dataset.`,
      { file: d.fileName });
  }
}

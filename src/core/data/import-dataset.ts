// Import = check the file in a worker, hash it, record it. A bad file throws before anything is written; a file
// whose bytes are already a dataset (from this path or another) is that dataset, answered as alreadyImported.
import { basename, resolve } from 'node:path';
import type { DatasetRole, ImportedDataset, SchemaReport } from '../../shared/domain';
import { MeterError } from '../../shared/errors';
import type { CoreContext } from '../context';
import { upsertDataset } from '../store/datasets-repo';
import { inTransaction } from '../store/db';
import { checkOneKind } from '../engine/training-limits';
import { hashDataFile } from './file-hash';

export async function importDataset(ctx: CoreContext, rawPath: string): Promise<ImportedDataset> {
  const path = resolve(rawPath);
  const report = await ctx.jobs.run('inspect', { path });
  // Hash and size from one open of the file; if it vanished since the check, that is FILE_UNREADABLE naming it.
  const { sha256, sizeBytes } = await hashDataFile(path);
  return imported(upsertDataset(ctx.db, { path, fileName: basename(path), sha256, sizeBytes, report }));
}

/** What an import answers: the dataset, and whether its bytes were one already (so nothing was added). */
const imported = ({ dataset, alreadyImported }: ReturnType<typeof upsertDataset>): ImportedDataset => ({ ...dataset, alreadyImported });

/** Files checked at once: each check is a worker decoding a whole file, and the machine may have two cores. */
const PARALLEL_CHECKS = 2;

/**
 * Several files (a year of months): every file is checked and hashed first, two at a time, and only then are
 * all recorded in one transaction, so one bad file among twelve leaves the store as it was. With `roles` (one per
 * path), a role whose files are of different kinds is refused, also before anything is recorded.
 */
export async function importDatasets(ctx: CoreContext, rawPaths: string[], roles?: DatasetRole[]): Promise<ImportedDataset[]> {
  if (roles && roles.length !== rawPaths.length) throw new MeterError('INVALID_ARGUMENT', `roles lists ${roles.length} roles for ${rawPaths.length} paths; give one role per path.`);
  const paths = rawPaths.map((p) => resolve(p));
  const checked: { path: string; report: SchemaReport; sha256: string; sizeBytes: number }[] = new Array(paths.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const k = next++;
      const report = await ctx.jobs.run('inspect', { path: paths[k] });
      checked[k] = { path: paths[k], report, ...(await hashDataFile(paths[k])) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CHECKS, paths.length) }, worker));
  for (const role of new Set(roles ?? [])) {
    checkOneKind(role, checked.filter((_, k) => roles![k] === role).map((c) => ({ fileName: basename(c.path), kind: c.report.kind })));
  }
  return inTransaction(ctx.db, () => checked.map((c) => imported(upsertDataset(ctx.db, { path: c.path, fileName: basename(c.path), sha256: c.sha256, sizeBytes: c.sizeBytes, report: c.report }))));
}

// Import = check the file in a worker, hash it, record it. A bad file throws before anything is written; a file
// whose bytes are already a dataset (from this path or another) is that dataset, answered as alreadyImported.
import { basename, resolve } from 'node:path';
import type { Dataset, DatasetRole, ImportedDataset, SchemaReport } from '../../shared/domain';
import { MeterError } from '../../shared/errors';
import type { CoreContext } from '../context';
import { claimDataset, datasetWithBytes, upsertDataset } from '../store/datasets-repo';
import { inTransaction } from '../store/db';
import { checkOneKind } from '../engine/training-limits';
import { hashDataFile, holdsBytes } from './file-hash';

export async function importDataset(ctx: CoreContext, rawPath: string): Promise<ImportedDataset> {
  const path = resolve(rawPath);
  const report = await ctx.jobs.run('inspect', { path });
  // Hash and size from one open of the file; if it vanished since the check, that is FILE_UNREADABLE naming it.
  const { sha256, sizeBytes } = await hashDataFile(path);
  const verified = await verifiedElsewhere(ctx, sha256, path);
  return imported(upsertDataset(ctx.db, { path, fileName: basename(path), sha256, sizeBytes, report }, (p) => verified.has(p)));
}

/**
 * The other paths recorded with these bytes whose files still hold them, hashed now (outside any transaction:
 * a month takes a moment to read). claimDataset keeps a record at such a path and re-points any other to the
 * path being imported, so an answer never names a file that was overwritten since (see claimDataset's why).
 */
async function verifiedElsewhere(ctx: CoreContext, sha256: string, path: string): Promise<Set<string>> {
  const recorded = datasetWithBytes(ctx.db, sha256, path);
  if (!recorded || recorded.path === path) return new Set();
  return new Set(await holdsBytes(recorded.path, recorded.sha256, recorded.sizeBytes) ? [recorded.path] : []);
}

/**
 * The dataset these bytes (just hashed at `rawPath`) already are, without checking the file again (the same
 * bytes give the same report), or null if none is: a pipeline's load reuses a month recorded from anywhere.
 * A record whose own file no longer holds the bytes is re-pointed to `rawPath`, as an import would do.
 */
export async function recordedDataset(ctx: CoreContext, rawPath: string, sha256: string): Promise<Dataset | null> {
  const path = resolve(rawPath);
  const verified = await verifiedElsewhere(ctx, sha256, path);
  return claimDataset(ctx.db, { path, fileName: basename(path), sha256 }, (p) => verified.has(p));
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
  // Paths known to hold their bytes: every file of this call (just hashed), and any other path already recorded
  // with the same bytes whose file still holds them. Two copies of one new month in a call stay one record at
  // the first one's path.
  const holds = new Map(checked.map((c) => [c.path, c.sha256]));
  for (const c of checked) for (const p of await verifiedElsewhere(ctx, c.sha256, c.path)) holds.set(p, c.sha256);
  return inTransaction(ctx.db, () => checked.map((c) => imported(upsertDataset(ctx.db, { path: c.path, fileName: basename(c.path), sha256: c.sha256, sizeBytes: c.sizeBytes, report: c.report }, (p) => holds.get(p) === c.sha256))));
}

// A training request's datasets per role, resolved and checked before a run exists: one id or a list per role,
// every id known, no dataset twice in a role, one kind per role, features shared with the train set, and
// enough kept trips per role (summed over its files, from the import reports).
import { MeterError } from '../../shared/errors';
import { checkSameFeatureFamily, type Dataset, type DatasetId, type DatasetRole } from '../../shared/domain';
import type { CoreContext } from '../context';
import { getDataset } from '../store/datasets-repo';
import { checkOneKind, checkTripCounts } from '../engine/training-limits';
import { checkDatasetFile } from '../data/dataset-file';

export const idsOf = (v: DatasetId | DatasetId[] | undefined): DatasetId[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** How a role's files are named in messages: "a.parquet" or "a.parquet + 11 more". */
const label = (ds: readonly Dataset[]): string => (ds.length === 1 ? ds[0].fileName : `${ds[0].fileName} + ${ds.length - 1} more`);

export function resolveRoleDatasets(ctx: CoreContext, req: { train: DatasetId | DatasetId[]; val: DatasetId | DatasetId[]; test?: DatasetId | DatasetId[] }): Map<DatasetRole, Dataset[]> {
  const roles = new Map<DatasetRole, Dataset[]>();
  for (const role of ['train', 'val', 'test'] as const) {
    const ids = idsOf(req[role]);
    if (ids.length === 0) continue;
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    const datasets = ids.map((id) => getDataset(ctx.db, id));
    if (twice) {
      const d = datasets[ids.indexOf(twice)];
      throw new MeterError('INVALID_ARGUMENT', `The ${role} datasets list ${d.fileName} twice; choose each file once.`, { role, file: d.fileName });
    }
    checkOneKind(role, datasets);
    roles.set(role, datasets);
  }
  const train = roles.get('train')![0];
  for (const [role, ds] of roles) for (const d of ds) checkSameFeatureFamily(role, d.fileName, d.kind, train);
  checkTripCounts([...roles].map(([role, ds]) => ({ role, fileName: label(ds), trips: ds.reduce((s, d) => s + d.report.filter.kept, 0) })));
  // The worker reads each dataset's path while the run's lineage names its sha256: a file overwritten since
  // its import is refused here, before a run exists, not trained on under the old month's name.
  for (const ds of roles.values()) for (const d of ds) checkDatasetFile(d);
  return roles;
}

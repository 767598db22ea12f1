// Datasets: import a TLC parquet file (checked in a worker, hashed, recorded), list and read them.
import type { CoreContext } from '../context';
import type { Handlers } from '../jobs/handler-types';
import { getDataset, listDatasets } from '../store/datasets-repo';
import { importDataset, importDatasets } from './import-dataset';
import { removeDataset } from './remove-dataset';

export function dataHandlers(ctx: CoreContext): Handlers<'data.import' | 'data.importMany' | 'data.list' | 'data.get' | 'data.remove'> {
  return {
    'data.import': (a) => importDataset(ctx, a.path),
    'data.importMany': (a) => importDatasets(ctx, a.paths, a.roles),
    'data.list': () => listDatasets(ctx.db),
    'data.get': (a) => getDataset(ctx.db, a.datasetId),
    'data.remove': (a) => removeDataset(ctx, a.datasetId),
  };
}

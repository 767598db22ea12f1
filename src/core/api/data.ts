import { createReadStream, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { asDatasetId } from '../../shared/domain';
import type { CoreContext } from '../context';
import { getDataset, listDatasets, upsertDataset } from '../store/datasets-repo';
import type { Handlers } from './handlers';
import { argObject, str } from './validate';

export function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (c) => hash.update(c)).on('error', rej).on('end', () => res(hash.digest('hex')));
  });
}

/** Import = check the file in a worker, hash it, record it. A bad file throws before anything is written. */
export async function importDataset(ctx: CoreContext, rawPath: string) {
  const path = resolve(rawPath);
  const report = await ctx.jobs.run('inspect', { path });
  const sha256 = await sha256File(path);
  return upsertDataset(ctx.db, { path, fileName: basename(path), sha256, sizeBytes: statSync(path).size, report });
}

export function dataHandlers(ctx: CoreContext): Handlers<'data.import' | 'data.list' | 'data.get'> {
  return {
    'data.import': (a) => importDataset(ctx, str(argObject(a, 'data.import'), 'path', 'data.import')),
    'data.list': () => listDatasets(ctx.db),
    'data.get': (a) => getDataset(ctx.db, asDatasetId(str(argObject(a, 'data.get'), 'datasetId', 'data.get'))),
  };
}

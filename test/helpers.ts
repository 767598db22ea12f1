// Shared test fixtures: a fresh Meter home per test, the shipped sample, and the full months when present.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openCore, type CoreContext } from '../src/core/context';
import { createLocalClient } from '../src/core/api/local-client';
import { sampleFiles } from '../src/core/paths';
import type { MeterClient } from '../src/shared/contract';
import type { DatasetId, RunId, TuningStatus } from '../src/shared/domain';

export const ROOT = resolve(__dirname, '..');
export const SAMPLE = sampleFiles(join(ROOT, 'resources'));
export const SHARED_DATA = resolve(ROOT, '../shared/data');
export const HAS_SHARED = existsSync(join(SHARED_DATA, 'green_tripdata_2023-01.parquet'));
export const shared = (name: string): string => join(SHARED_DATA, name);

export function tempDir(prefix = 'meter-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Harness {
  ctx: CoreContext;
  client: MeterClient;
  home: string;
  dispose(): Promise<void>;
}

export function openHarness(): Harness {
  const home = tempDir();
  const ctx = openCore({ home });
  return {
    ctx, client: createLocalClient(ctx), home,
    async dispose() {
      await ctx.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Imports the shipped sample months (January to train on, February to validate) and returns their ids. */
export async function importSample(client: MeterClient): Promise<{ train: DatasetId; val: DatasetId }> {
  const train = await client.call('data.import', { path: SAMPLE.train });
  const val = await client.call('data.import', { path: SAMPLE.val });
  return { train: train.datasetId, val: val.datasetId };
}

/** A fresh Meter home with the shipped sample months imported (the set-up most job tests start from). */
export async function openSampleHarness(): Promise<{ h: Harness; train: DatasetId; val: DatasetId }> {
  const h = openHarness();
  return { h, ...(await importSample(h.client)) };
}

/** Polls a search (tuning.get) until `done` says so: the searches' tests wait on a state, not a time. */
export async function tuningUntil(client: MeterClient, tuningId: RunId, done: (s: TuningStatus) => boolean): Promise<TuningStatus> {
  for (;;) {
    const s = await client.call('tuning.get', { tuningId });
    if (done(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

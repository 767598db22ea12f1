// The artifact preview reads a bounded head of real files: JSON/text, an image, a parquet file's first rows
// (the shipped sample month), and refuses paths that leave the run's folder.
import { copyFileSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pl from 'nodejs-polars';
import { openHarness, SAMPLE, type Harness } from '../../../test/helpers';
import type { RunId } from '../../shared/domain';
import { MeterError } from '../../shared/errors';
import { createExperiment } from '../store/experiments-repo';
import { createRun, recordArtifact } from '../store/runs-repo';
import { ARTIFACT_FILE_MAX, TEXT_PREVIEW_BYTES } from './artifact-preview';

// a 1×1 PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('artifact preview', () => {
  let h: Harness;
  let runId: RunId;
  const preview = (path: string) => h.client.call('runs.artifactPreview', { runId, path });
  const refused = async (path: string) => {
    const err = await preview(path).then(() => null, (e: unknown) => e);
    expect(err, path).toBeInstanceOf(MeterError);
    return (err as MeterError).code;
  };

  beforeAll(() => {
    h = openHarness();
    const exp = createExperiment(h.ctx.db, 'art');
    runId = createRun(h.ctx.db, { experimentId: exp.experimentId, name: 'r', params: {}, tags: {}, source: { type: 'API', name: 't' }, inputs: [] });
    const dir = h.ctx.artifactsDir(runId);
    mkdirSync(join(dir, 'eval', 'plots'), { recursive: true });
    const put = (path: string, body: Buffer | string) => { writeFileSync(join(dir, path), body); recordArtifact(h.ctx.db, runId, path, Buffer.byteLength(body)); };
    put('eval/metrics.json', JSON.stringify({ rmse: 4.9, folds: [1, 2] }));
    put('eval/plots/residuals.png', PNG);
    put('eval/plots/curve.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    put('big.log', 'é'.repeat(TEXT_PREVIEW_BYTES)); // 2 bytes each: cut in half
    put('model.bin', Buffer.alloc(10));
    copyFileSync(SAMPLE.train, join(dir, 'eval', 'head.parquet'));
    recordArtifact(h.ctx.db, runId, 'eval/head.parquet', 1);
    writeFileSync(join(h.home, 'secret.txt'), 'not an artifact');
    symlinkSync(join(h.home, 'secret.txt'), join(dir, 'link.txt'));
  });
  afterAll(() => h.dispose());

  it('gives JSON and text as text, a long file cut to its head without a broken character', async () => {
    const j = await preview('eval/metrics.json');
    expect(j).toMatchObject({ kind: 'text', json: true, truncated: false });
    expect(j.kind === 'text' && JSON.parse(j.text)).toEqual({ rmse: 4.9, folds: [1, 2] });
    const big = await preview('big.log');
    expect(big.kind === 'text' && big.truncated).toBe(true);
    expect(big.kind === 'text' && big.text).toMatch(/^é+$/);
    expect(big.kind === 'text' && Buffer.byteLength(big.text)).toBeLessThanOrEqual(TEXT_PREVIEW_BYTES);
  });

  it('gives images as their bytes with a fixed image type (an SVG is shown as an image, so its script never runs)', async () => {
    const png = await preview('eval/plots/residuals.png');
    expect(png.kind === 'image' && png.mime).toBe('image/png');
    expect(png.kind === 'image' && Buffer.from(png.base64, 'base64').equals(PNG)).toBe(true);
    expect((await preview('eval/plots/curve.svg')).kind === 'image').toBe(true);
    expect(await preview('model.bin')).toMatchObject({ kind: 'none', sizeBytes: 10 });
  });

  it("gives a parquet file's schema and first 20 rows, with the total row count", async () => {
    const t = await preview('eval/head.parquet');
    if (t.kind !== 'table') throw new Error(`expected a table, got ${t.kind}`);
    const df = pl.readParquet(SAMPLE.train);
    expect(t.totalRows).toBe(df.height);
    expect(t.columns.map((c) => c.name)).toEqual(df.columns);
    expect(t.columns.find((c) => c.name === 'lpep_pickup_datetime')?.type).toMatch(/^Datetime/);
    expect(t.rows).toHaveLength(20);
    const i = df.columns.indexOf('trip_distance');
    expect(t.rows.map((r) => r[i])).toEqual(df.getColumn('trip_distance').head(20).toArray());
    expect(typeof t.rows[0][df.columns.indexOf('lpep_pickup_datetime')]).toBe('string');
  });

  it("sends a whole file for the desktop app's Download, and refuses one too big to send whole", async () => {
    const got = await h.client.call('runs.artifactFile', { runId, path: 'eval/plots/residuals.png' });
    expect(Buffer.from(got.base64, 'base64').equals(PNG)).toBe(true);
    expect(got.sizeBytes).toBe(PNG.length);
    const big = join(h.ctx.artifactsDir(runId), 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, ARTIFACT_FILE_MAX + 1); // sparse: nothing is written
    const err = await h.client.call('runs.artifactFile', { runId, path: 'big.bin' }).then(() => null, (e: unknown) => e);
    expect((err as MeterError).code).toBe('INVALID_ARGUMENT');
    expect((err as MeterError).message).toMatch(/copy its path/);
    expect((await h.client.call('runs.artifactFile', { runId, path: '../secret.txt' }).then(() => null, (e: unknown) => e) as MeterError).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses paths that leave the folder, name a folder or nothing, and unknown runs', async () => {
    expect(await refused('../secret.txt')).toBe('INVALID_ARGUMENT');
    expect(await refused('eval/../../secret.txt')).toBe('INVALID_ARGUMENT');
    expect(await refused('/etc/passwd')).toBe('INVALID_ARGUMENT');
    expect(await refused('eval\\metrics.json')).toBe('INVALID_ARGUMENT');
    expect(await refused('link.txt')).toBe('INVALID_ARGUMENT');
    expect(await refused('eval')).toBe('NOT_FOUND');
    expect(await refused('nope.json')).toBe('NOT_FOUND');
    const err = await h.client.call('runs.artifactPreview', { runId: 'f'.repeat(32) as RunId, path: 'a.json' }).then(() => null, (e: unknown) => e);
    expect((err as MeterError).code).toBe('NOT_FOUND');
  });
});

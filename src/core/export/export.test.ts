// The exported bundle, run as a user would (plain `node server.js`), must predict exactly what Meter does.
import type { TrainingRequest } from '../../shared/contract';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSample, openHarness, ROOT, SAMPLE, tempDir, type Harness } from '../../../test/helpers';
import { loadTrips } from '../data/tlc-reader';
import { parseModelFile, predictorFor } from '../engine/model-file';

describe('model export', () => {
  let h: Harness;
  let server: ChildProcess | null = null;
  let base = '';
  const out = join(tempDir('meter-export-'), 'bundle');

  beforeAll(async () => {
    h = openHarness();
    const { train, val } = await importSample(h.client);
    const s = await h.client.call('jobs.startTraining', { experiment: 'e', model: 'lasso', featureSet: 'pu_do', params: { alpha: 0.002 }, train, val });
    await h.client.call('jobs.wait', { jobId: s.jobId });
    await h.client.call('models.register', { runId: s.runId, name: 'taxi-duration' });
    await h.client.call('models.setAlias', { name: 'taxi-duration', alias: 'champion', version: 1 });
  });
  afterAll(async () => { server?.kill('SIGTERM'); await h.dispose(); });

  it('writes a self-contained bundle and refuses a folder that is not empty', async () => {
    const r = await h.client.call('models.export', { uri: 'models:/taxi-duration@champion', outDir: out });
    expect(r.files).toEqual(['.dockerignore', 'Dockerfile', 'README.md', 'meter-bundle.json', 'model.json', 'package.json', 'server.js']);
    const docker = readFileSync(join(out, 'Dockerfile'), 'utf8');
    expect(docker).toMatch(/^FROM node:20-slim/m);
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).toMatch(/^HEALTHCHECK /m);
    expect(JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'))).toMatchObject({ scripts: { start: 'node server.js' } });
    expect(JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')).dependencies).toBeUndefined();
    await expect(h.client.call('models.export', { uri: 'models:/taxi-duration@champion', outDir: out })).rejects.toThrow(/is not empty/);
    expect(existsSync(`${out}.partial-${process.pid}`)).toBe(false);
  });

  it('serves /health and predicts 1,000 real rides exactly as Meter does', async () => {
    server = spawn(process.execPath, ['server.js'], { cwd: out, env: { ...process.env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    base = await new Promise<string>((resolve) => {
      server!.stdout!.on('data', (d: Buffer) => { const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(d.toString()); if (m) resolve(m[1]); });
    });
    const health = await (await fetch(`${base}/health`)).json() as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', name: 'taxi-duration', version: 1 });
    const { modelPath } = await h.client.call('models.resolve', { uri: 'models:/taxi-duration@champion' });
    const trips = loadTrips(SAMPLE.val);
    const n = 1000;
    const expected = predictorFor(parseModelFile(JSON.parse(readFileSync(modelPath, 'utf8')), modelPath)).predict({ ...trips, n, pu: trips.pu.subarray(0, n), do: trips.do.subarray(0, n), distance: trips.distance!.subarray(0, n), duration: trips.duration.subarray(0, n) });
    const rides = Array.from({ length: n }, (_, i) => ({ PULocationID: trips.pu[i] < 0 ? null : trips.pu[i], DOLocationID: trips.do[i] < 0 ? null : trips.do[i], trip_distance: trips.distance![i] }));
    const batch = await (await fetch(`${base}/predict`, { method: 'POST', body: JSON.stringify(rides) })).json() as { durations: number[]; model: { run_id: string } };
    expect(batch.durations).toHaveLength(n);
    let worst = 0;
    batch.durations.forEach((d, i) => { worst = Math.max(worst, Math.abs(d - expected[i])); });
    expect(worst).toBeLessThan(1e-9);
    for (const i of [0, 17, 999]) {
      const one = await (await fetch(`${base}/predict`, { method: 'POST', body: JSON.stringify(rides[i]) })).json() as { duration: number };
      expect(Math.abs(one.duration - expected[i])).toBeLessThan(1e-9);
    }
    // Zone ids as strings ("132"), as the course's Flask service takes them: the same predictions.
    const asStrings = rides.map((r) => ({ ...r, PULocationID: r.PULocationID === null ? null : String(r.PULocationID), DOLocationID: r.DOLocationID === null ? null : String(r.DOLocationID) }));
    const strings = await fetch(`${base}/predict`, { method: 'POST', body: JSON.stringify(asStrings) });
    expect(strings.status).toBe(200);
    expect((await strings.json() as { durations: number[] }).durations).toEqual(batch.durations);
  });

  it('answers bad input with 400 naming the field, and oversized bodies with 413', async () => {
    const post = (body: string) => fetch(`${base}/predict`, { method: 'POST', body });
    const ride0 = { PULocationID: 1, DOLocationID: 2, trip_distance: 1 };
    const bad = await post(JSON.stringify({ PULocationID: 'x', DOLocationID: 75, trip_distance: 2 }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'ride.PULocationID' });
    const badBatch = await post(JSON.stringify([{ PULocationID: 1, DOLocationID: 2, trip_distance: 1 }, { PULocationID: 1, DOLocationID: 2 }]));
    expect(await badBatch.json()).toMatchObject({ error: 'rides[1].trip_distance is missing (a number of miles)', field: 'rides[1].trip_distance' });
    // A string that is no zone id, and a distance sent as a string, are refused naming the value.
    expect(await (await post(JSON.stringify({ PULocationID: 'JFK', DOLocationID: '75', trip_distance: 2 }))).json())
      .toEqual({ field: 'ride.PULocationID', error: 'ride.PULocationID must be a zone id (a whole number such as 132, or "132"); got "JFK" (a string)' });
    expect(await (await post(JSON.stringify({ PULocationID: '1.5', DOLocationID: 75, trip_distance: 2 }))).json()).toMatchObject({ field: 'ride.PULocationID' });
    expect(await (await post(JSON.stringify({ PULocationID: 132, DOLocationID: 75, trip_distance: '2.5' }))).json())
      .toEqual({ field: 'ride.trip_distance', error: 'ride.trip_distance must be a number; got "2.5" (a string)' });
    // A misspelt field is refused asking which was meant (left out, the zone would silently be unknown);
    // other extra keys, such as the rest of a TLC record, are ignored.
    expect(await (await post(JSON.stringify({ PULocationID: 43, DOLocation: 151, trip_distance: 1.01 }))).json())
      .toEqual({ field: 'ride.DOLocation', error: 'ride.DOLocation is not a field this model reads: did you mean DOLocationID? (the fields are PULocationID, DOLocationID, trip_distance)' });
    expect(await (await post(JSON.stringify([ride0, { pulocationid: 43, DOLocationID: 151, trip_distance: 1 }]))).json()).toMatchObject({ field: 'rides[1].pulocationid' });
    expect(await (await post(JSON.stringify({ PULocationID: 43, DOLocationID: 151, trip_distnace: 1 }))).json()).toMatchObject({ field: 'ride.trip_distnace' });
    const record = { VendorID: 2, lpep_pickup_datetime: '2023-01-01 00:26:10', PULocationID: 166, DOLocationID: 143, passenger_count: 1, trip_distance: 2.58, fare_amount: 14.9, extra: 1, total_amount: 24.18 };
    expect((await post(JSON.stringify(record))).status).toBe(200);
    expect((await post('{nope')).status).toBe(400);
    expect((await post('x'.repeat(2 << 20))).status).toBe(413);
    // trip_distance is a taxi ride's: ±1e308 used to come back as ±4.5e303 minutes.
    for (const d of [1e308, -1e308, -0.5, 1000.5]) {
      const r = await post(JSON.stringify({ PULocationID: 1, DOLocationID: 2, trip_distance: d }));
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ field: 'ride.trip_distance', error: `ride.trip_distance must be from 0 to 1000 (miles); got ${d}` });
    }
    expect((await post(JSON.stringify({ PULocationID: 1, DOLocationID: 2, trip_distance: 1000 }))).status).toBe(200);
    expect(await (await post(JSON.stringify([{ PULocationID: 1, DOLocationID: 2, trip_distance: 1 }, { PULocationID: 1, DOLocationID: 2, trip_distance: 1e308 }]))).json())
      .toMatchObject({ field: 'rides[1].trip_distance' });
    // A batch is bounded per request, and the answer names the limit.
    const ride = { PULocationID: 1, DOLocationID: 2, trip_distance: 1 };
    const over = await post(JSON.stringify(Array(1001).fill(ride)));
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: 'a request holds at most 1000 rides; got 1001. Split the batch.', limit: 1000 });
    expect((await post(JSON.stringify({ rides: Array(1000).fill(ride) }))).status).toBe(200);
    expect((await fetch(`${base}/predict`)).status).toBe(405);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('serves tree models (random forest, boosting) with the same predictions as Meter', async () => {
    const { train, val } = await importSample(h.client);
    const trips = loadTrips(SAMPLE.val);
    const n = 300;
    const rides = Array.from({ length: n }, (_, i) => ({ PULocationID: trips.pu[i] < 0 ? null : trips.pu[i], DOLocationID: trips.do[i] < 0 ? null : trips.do[i], trip_distance: trips.distance![i] }));
    for (const [model, featureSet, params] of [['rf', 'basic', { nTrees: 20, maxDepth: 8 }], ['gbt', 'pu_do', { nRounds: 60, maxDepth: 4 }]] as const) {
      const s = await h.client.call('jobs.startTraining', { experiment: 'e', model, featureSet, params, train, val } as TrainingRequest);
      expect((await h.client.call('jobs.wait', { jobId: s.jobId })).state).toBe('succeeded');
      const dir = join(tempDir('meter-export-trees-'), model);
      await h.client.call('models.export', { uri: `runs:/${s.runId}/model`, outDir: dir });
      const srv = spawn(process.execPath, ['server.js'], { cwd: dir, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        const url = await new Promise<string>((resolve) => srv.stdout!.on('data', (d: Buffer) => { const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(d.toString()); if (m) resolve(m[1]); }));
        const got = (await (await fetch(`${url}/predict`, { method: 'POST', body: JSON.stringify(rides) })).json() as { durations: number[] }).durations;
        const { modelPath } = await h.client.call('models.resolve', { uri: `runs:/${s.runId}/model` });
        const sub = { ...trips, n, pu: trips.pu.subarray(0, n), do: trips.do.subarray(0, n), distance: trips.distance!.subarray(0, n), duration: trips.duration.subarray(0, n) };
        const expected = predictorFor(parseModelFile(JSON.parse(readFileSync(modelPath, 'utf8')), modelPath)).predict(sub);
        got.forEach((d, i) => expect(Math.abs(d - expected[i])).toBeLessThan(1e-9));
      } finally {
        srv.kill('SIGTERM');
      }
    }
  });

  it('answers single rides while big batches are still being scored (batches go in slices)', async () => {
    // A deliberately slow model: 400 trees, each a chain 300 splits deep, so a 1,000-ride batch takes a while.
    const dir = tempDir('meter-export-slow-');
    const depth = 300;
    const chain = {
      feature: [...Array(depth).fill(2), -1], value: [...Array(depth).fill(-1), 0.01],
      left: Array.from({ length: depth + 1 }, () => depth), right: Array.from({ length: depth + 1 }, (_, k) => Math.min(k + 1, depth)),
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify({
      format: 'meter.model', formatVersion: 1, model: 'gbt', params: {}, target: 'duration', base: 10, scale: 1,
      featureSpec: { set: 'basic', numeric: ['trip_distance'] },
      features: [{ name: 'PULocationID', kind: 'category' }, { name: 'DOLocationID', kind: 'category' }, { name: 'trip_distance', kind: 'numeric' }],
      trees: Array(400).fill(chain),
    }));
    writeFileSync(join(dir, 'meter-bundle.json'), JSON.stringify({ name: 'slow', version: 1, runId: 'r' }));
    copyFileSync(join(ROOT, 'resources/export/server.js'), join(dir, 'server.js'));
    const srv = spawn(process.execPath, ['server.js'], { cwd: dir, env: { ...process.env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = new URL(await new Promise<string>((resolve) => srv.stdout!.on('data', (d: Buffer) => { const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(d.toString()); if (m) resolve(m[1]); })));
      const ride = { PULocationID: 1, DOLocationID: 2, trip_distance: 1 };
      let batchesDone = 0;
      // Three batches at the limit, each body fully handed to the socket before any single ride is sent.
      const batches = await Promise.all([0, 1, 2].map(() => new Promise<{ done: Promise<number> }>((sent) => {
        const body = JSON.stringify(Array(1000).fill(ride));
        const done = new Promise<number>((resolve, reject) => {
          const req = request({ host: url.hostname, port: url.port, path: '/predict', method: 'POST', headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
            res.resume();
            res.on('end', () => { batchesDone++; resolve(res.statusCode ?? 0); });
          });
          req.on('error', reject);
          req.end(body, () => sent({ done })); // wrapped: resolving with a promise would wait for it
        });
      })));
      let singlesFirst = 0;
      while (batchesDone === 0 && singlesFirst < 20) {
        const r = await fetch(`${url.origin}/predict`, { method: 'POST', body: JSON.stringify(ride) });
        expect(r.status).toBe(200);
        if (batchesDone === 0) singlesFirst++;
      }
      // Scored all at once, the batches would hold every single ride back until they were done.
      expect(singlesFirst).toBeGreaterThanOrEqual(10);
      expect(await Promise.all(batches.map((b) => b.done))).toEqual([200, 200, 200]);
    } finally {
      srv.kill('SIGTERM');
    }
  });
});

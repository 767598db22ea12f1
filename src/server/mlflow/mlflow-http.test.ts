// The MLflow front door's edges, over raw HTTP: the token on every route, MLflow-shaped 401/404/400/413,
// malformed bodies named by field, and artifact paths that can't leave their folder (.., absolute paths,
// backslashes, symlinks).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../../test/helpers';
import { startBrowserServer, type BrowserServer } from '../browser-server';

describe('MLflow REST edges', () => {
  let h: Harness;
  let s: BrowserServer;
  let outside: string;
  let runId: string;
  let exp: string;

  /** A raw request: the path is sent exactly as given (fetch would normalise it). */
  const raw = (method: string, path: string, body?: string | Buffer, token: string | null = s.token): Promise<{ status: number; text: string; json: any }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.port, method, path, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        res.on('end', () => { let json: unknown = null; try { json = JSON.parse(text); } catch { /* not JSON */ } resolve({ status: res.statusCode ?? 0, text, json }); });
      });
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    h = openHarness();
    s = await startBrowserServer({ ctx: h.ctx });
    outside = mkdtempSync(join(tmpdir(), 'meter-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    exp = (await raw('POST', '/api/2.0/mlflow/experiments/create', JSON.stringify({ name: 'edges' }))).json.experiment_id;
    runId = (await raw('POST', '/api/2.0/mlflow/runs/create', JSON.stringify({ experiment_id: exp }))).json.run.info.run_id;
  });
  afterAll(async () => { await s.close(); await h.dispose(); rmSync(outside, { recursive: true, force: true }); });

  const art = (rest: string) => `/api/2.0/mlflow-artifacts/artifacts/${exp}/${runId}/artifacts/${rest}`;

  it('writes NaN and infinite metric values as MLflow does ("NaN", "Infinity", "-Infinity"), finite ones as numbers', async () => {
    const own = (await raw('POST', '/api/2.0/mlflow/runs/create', JSON.stringify({ experiment_id: exp }))).json.run.info.run_id as string;
    const metrics = [['nan', 'NaN'], ['up', 'Infinity'], ['down', '-Infinity'], ['plain', 1.5]].map(([key, value]) => ({ key, value, timestamp: 1, step: 0 }));
    expect((await raw('POST', '/api/2.0/mlflow/runs/log-batch', JSON.stringify({ run_id: own, metrics }))).status).toBe(200);
    const r = await raw('GET', `/api/2.0/mlflow/runs/get?run_id=${own}`);
    const values = Object.fromEntries((r.json.run.data.metrics as { key: string; value: unknown }[]).map((m) => [m.key, m.value]));
    expect(values).toEqual({ nan: 'NaN', up: 'Infinity', down: '-Infinity', plain: 1.5 });
    const history = await raw('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${own}&metric_key=plain`);
    expect(history.text).toContain('"value":1.5');
  });

  it('needs the token on every route, API and artifacts alike, and answers MLflow\'s UNAUTHENTICATED', async () => {
    for (const [method, path] of [['GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`], ['GET', `/ajax-api/2.0/mlflow/experiments/get?experiment_id=${exp}`],
      ['PUT', art('x.txt')], ['GET', art('x.txt')], ['GET', `/api/2.0/mlflow-artifacts/artifacts?path=${exp}/${runId}/artifacts`], ['POST', '/api/2.0/mlflow/nope']]) {
      for (const token of [null, 'f'.repeat(48)]) {
        const r = await raw(method, path, method === 'PUT' ? 'data' : undefined, token);
        expect([path, r.status, r.json?.error_code]).toEqual([path, 401, 'UNAUTHENTICATED']);
      }
    }
    expect(existsSync(join(h.ctx.artifactsDir(runId), 'x.txt'))).toBe(false);
    expect((await raw('GET', `/ajax-api/2.0/mlflow/experiments/get?experiment_id=${exp}`)).json.experiment.name).toBe('edges');
  });

  it('gives the app\'s own page the two connection lines (token or cookie with the client header), nobody else', async () => {
    const ask = (headers: Record<string, string>) => new Promise<{ status: number; json: any }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: '/api/mlflow/connection', headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end();
    });
    const lines = { trackingUri: `http://127.0.0.1:${s.port}`, token: s.token };
    expect(await ask({ authorization: `Bearer ${s.token}` })).toEqual({ status: 200, json: lines });
    expect(await ask({ cookie: `meter_session_${s.port}=${s.token}`, 'x-meter-client': 'renderer' })).toEqual({ status: 200, json: lines });
    expect((await ask({ cookie: `meter_session_${s.port}=${s.token}` })).status).toBe(401);
    expect((await ask({ cookie: `meter_session_${s.port}=${s.token}`, 'x-meter-client': 'renderer', origin: 'http://127.0.0.1:1' })).status).toBe(401);
    expect(await ask({})).toMatchObject({ status: 401, json: { error_code: 'UNAUTHENTICATED' } });
  });

  it('answers unknown routes and methods, malformed bodies and big bodies in MLflow\'s shapes', async () => {
    expect(await raw('POST', '/api/2.0/mlflow/runs/frobnicate', '{}')).toMatchObject({ status: 404, json: { error_code: 'ENDPOINT_NOT_FOUND' } });
    expect(await raw('GET', '/api/2.0/mlflow/runs/create')).toMatchObject({ status: 405, json: { error_code: 'ENDPOINT_NOT_FOUND' } });
    expect(await raw('POST', '/api/2.0/mlflow/experiments/create', '{not json')).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Malformed request body: it is not valid JSON.' } });
    expect((await raw('POST', '/api/2.0/mlflow/experiments/create', '[1]')).json.message).toBe('Malformed request body: it must be a JSON object.');
    expect((await raw('POST', '/api/2.0/mlflow/experiments/create', '{}')).json).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'name'." });
    expect((await raw('POST', '/api/2.0/mlflow/experiments/create', JSON.stringify({ name: 'x', tags: 'oops' }))).json.message).toMatch(/parameter 'tags' supplied: expected a list/);
    expect((await raw('POST', '/api/2.0/mlflow/runs/log-metric', JSON.stringify({ run_id: runId, key: 'm', value: 'high', timestamp: 1, step: 0 }))).json.message)
      .toBe('Got invalid value "high" for metric \'m\' (expected a number).');
    expect((await raw('POST', '/api/2.0/mlflow/runs/log-metric', JSON.stringify({ run_id: runId, key: 'm', value: 1, step: 'x' }))).json.message).toMatch(/parameter 'step'/);
    expect(await raw('GET', '/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef')).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(await raw('POST', '/api/2.0/mlflow/experiments/create', JSON.stringify({ name: 'x'.repeat(5 << 20) }))).toMatchObject({ status: 413, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    // the server is still there and nothing was half-written
    expect((await raw('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`)).json.run.data.metrics ?? []).toEqual([]);
  });

  it('keeps artifact paths inside the run\'s folder: .., absolute, backslashes and symlinks are refused, nothing written outside', async () => {
    expect((await raw('PUT', art('ok/file.txt'), 'fine')).status).toBe(200);
    for (const bad of ['a%2F..%2F..%2F..%2Fescape.txt', '..%2Fescape.txt', '%2Fetc%2Fescape.txt', 'a%5C..%5Cescape.txt', 'a%00b', 'ok%2F.%2Ffile.txt']) {
      const put = await raw('PUT', art(bad), 'evil');
      expect([bad, put.status, put.json?.error_code]).toEqual([bad, 400, 'INVALID_PARAMETER_VALUE']);
      expect((await raw('GET', art(bad))).status).toBe(400);
    }
    expect((await raw('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`${exp}/${runId}/artifacts/../../..`)}`)).status).toBe(400);
    // a symlink planted inside the run's folder that points outside it
    symlinkSync(outside, join(h.ctx.artifactsDir(runId), 'link'));
    expect((await raw('PUT', art('link/planted.txt'), 'evil')).status).toBe(400);
    expect((await raw('GET', art('link/secret.txt'))).status).toBe(400);
    const listed = await raw('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${exp}/${runId}/artifacts`);
    expect(listed.json.files).toEqual([{ path: 'ok', is_dir: true }]);
    expect(readdirSync(outside)).toEqual(['secret.txt']);
    mkdirSync(join(outside, 'd'));
    symlinkSync(join(outside, 'secret.txt'), join(h.ctx.artifactsDir(runId), 'ok', 'alias.txt'));
    expect((await raw('GET', art('ok/alias.txt'))).status).toBe(400);
    expect((await raw('GET', art('ok/file.txt'))).text).toBe('fine');
    // a run that isn't there, and a path that isn't a run's
    expect((await raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${'0'.repeat(32)}/artifacts/x`, 'x')).status).toBe(404);
    expect((await raw('PUT', '/api/2.0/mlflow-artifacts/artifacts/anywhere/x', 'x')).status).toBe(404);
    expect(existsSync(join(h.home, 'anywhere'))).toBe(false);
  });
});

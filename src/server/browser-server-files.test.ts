// Browser mode's file side: the renderer's static files behind the session cookie, uploads of dropped files,
// and the Host check that stops DNS-rebinding pages from reaching the API.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, SAMPLE, tempDir, type Harness } from '../../test/helpers';
import { startBrowserServer, type BrowserServer } from './browser-server';
import { safeFileName } from './upload';

describe('browser-mode files', () => {
  let h: Harness;
  let s: BrowserServer;
  const staticDir = tempDir('meter-static-');
  beforeAll(async () => {
    mkdirSync(join(staticDir, 'assets'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Meter</title>');
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    h = openHarness();
    s = await startBrowserServer({ ctx: h.ctx, staticDir });
  });
  afterAll(async () => { await s.close(); await h.dispose(); });
  const base = () => `http://127.0.0.1:${s.port}`;
  const upload = (name: string, body: Buffer, auth = true) => fetch(`${base()}/api/upload?name=${encodeURIComponent(name)}`, {
    method: 'PUT', body, headers: auth ? { authorization: `Bearer ${s.token}` } : {},
  });

  it('serves the app with a CSP once the printed URL was opened, and its assets by the session cookie', async () => {
    const first = await fetch(s.url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^meter_session_${s.port}=${s.token}; HttpOnly; SameSite=Strict`));
    const asset = await fetch(`${base()}/assets/app.js`, { headers: { cookie: cookie.split(';')[0] } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base()}/assets/app.js`)).status).toBe(401);
    // The cookie alone never authorizes an API call or an upload: another local page could send it.
    const viaCookie = await fetch(`${base()}/api/call/app.info`, { method: 'POST', body: '{}', headers: { cookie: cookie.split(';')[0] } });
    expect(viaCookie.status).toBe(401);
    expect((await fetch(`${base()}/assets/..%2f..%2fpackage.json?token=${s.token}`)).status).toBe(404);
  });

  it('refuses a request whose Host is not this server (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: `/api/call/app.info?token=${s.token}`, method: 'POST', headers: { host: `evil.example:${s.port}` } },
        (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(401);
  });

  it('keeps an upload under datasets/<sha256 prefix>/<name>, once per content, and imports it as a dataset', async () => {
    const bytes = readFileSync(SAMPLE.train);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect((await upload('x.parquet', bytes, false)).status).toBe(401);
    const r1 = (await (await upload('green_tripdata_2023-01.sample.parquet', bytes)).json()) as { path: string; sha256: string; sizeBytes: number };
    expect(r1).toEqual({ path: join(h.home, 'datasets', sha.slice(0, 12), 'green_tripdata_2023-01.sample.parquet'), sha256: sha, sizeBytes: bytes.length });
    const r2 = (await (await upload('green_tripdata_2023-01.sample.parquet', bytes)).json()) as { path: string };
    expect(r2.path).toBe(r1.path);
    expect(readdirSync(join(h.home, 'datasets')).filter((f) => f.startsWith('.incoming'))).toEqual([]);
    const ds = await h.client.call('data.import', { path: r1.path });
    expect(ds.sha256).toBe(sha);
  });

  it('answers an upload of bytes already imported from another path with that dataset, and drops the unused copy', async () => {
    const known = await h.client.call('data.import', { path: SAMPLE.val });
    const { path } = (await (await upload('feb.parquet', readFileSync(SAMPLE.val))).json()) as { path: string };
    expect(existsSync(path)).toBe(true);
    const r = await fetch(`${base()}/api/call/data.import`, { method: 'POST', body: JSON.stringify({ path }), headers: { authorization: `Bearer ${s.token}` } });
    const body = (await r.json()) as { ok: boolean; result: { datasetId: string; path: string; alreadyImported: boolean } };
    expect(body.result).toMatchObject({ datasetId: known.datasetId, path: SAMPLE.val, alreadyImported: true });
    expect(existsSync(path)).toBe(false);
    expect((await h.client.call('data.list', {})).filter((d) => d.sha256 === known.sha256)).toHaveLength(1);
  });

  it('two tabs dropping the same month, already a dataset from another path: both imports answer it, and the shared copy goes after the last', async () => {
    // bytes no other test here uploads, imported by path first (as the CLI would)
    const original = join(tempDir('meter-upload-src-'), 'jan.parquet');
    pl.readParquet(SAMPLE.train).head(3500).writeParquet(original);
    const known = await h.client.call('data.import', { path: original });
    const bytes = readFileSync(original);
    const [a, b] = await Promise.all([upload('jan.sample.parquet', bytes), upload('jan.sample.parquet', bytes)].map(async (r) => (await (await r).json()) as { path: string }));
    expect(b.path).toBe(a.path); // one file for both uploads
    const importIt = async () => (await (await fetch(`${base()}/api/call/data.import`, { method: 'POST', body: JSON.stringify({ path: a.path }), headers: { authorization: `Bearer ${s.token}` } })).json()) as { ok: boolean; result?: { datasetId: string; alreadyImported: boolean }; error?: { code: string } };
    const first = await importIt();
    expect(first.result).toMatchObject({ datasetId: known.datasetId, alreadyImported: true });
    expect(existsSync(a.path)).toBe(true); // the other tab's import has not answered yet
    const second = await importIt(); // was FILE_UNREADABLE: the first import had removed the shared copy
    expect(second).toMatchObject({ ok: true, result: { datasetId: known.datasetId, alreadyImported: true } });
    expect(existsSync(a.path)).toBe(false);
    expect(existsSync(dirname(a.path))).toBe(false);
    expect((await h.client.call('data.get', { datasetId: known.datasetId })).path).toBe(original);
  });

  it('cleans up an interrupted upload', async () => {
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: '/api/upload?name=cut.parquet', method: 'PUT',
        headers: { authorization: `Bearer ${s.token}`, 'content-length': '1000000' } });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(50_000));
      setTimeout(() => { req.destroy(); setTimeout(resolve, 300); }, 200);
    });
    const left = readdirSync(join(h.home, 'datasets'));
    expect(left.filter((f) => f.startsWith('.incoming'))).toEqual([]);
    expect(existsSync(join(h.home, 'datasets', 'cut.parquet'))).toBe(false);
  });

  it('makes unsafe upload names safe and refuses empty ones', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\jan 2023.parquet')).toBe('jan_2023.parquet');
    expect(safeFileName('..hidden')).toBe('hidden');
    expect(() => safeFileName('')).toThrow(/no file name/);
    expect(() => safeFileName('../')).toThrow(/no file name/);
  });

  it('removes an uploaded file that data.import refuses, and keeps one that became a dataset', async () => {
    const junk = Buffer.from('VendorID,lpep_pickup_datetime\n2,2023-01-01 00:00:00\n');
    const { path } = (await (await upload('notes.parquet', junk)).json()) as { path: string };
    expect(existsSync(path)).toBe(true);
    const r = await fetch(`${base()}/api/call/data.import`, { method: 'POST', body: JSON.stringify({ path }), headers: { authorization: `Bearer ${s.token}` } });
    expect(r.ok).toBe(false);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(dirname(path))).toBe(false);
    // bytes no dataset has yet (the sample month's are one since the first test)
    const fresh = join(tempDir('meter-upload-src-'), 'jan.parquet');
    pl.readParquet(SAMPLE.train).head(4000).writeParquet(fresh);
    const kept = (await (await upload('jan.parquet', readFileSync(fresh))).json()) as { path: string };
    await fetch(`${base()}/api/call/data.import`, { method: 'POST', body: JSON.stringify({ path: kept.path }), headers: { authorization: `Bearer ${s.token}` } });
    expect(existsSync(kept.path)).toBe(true);
  });

  it('serves a run\'s artifact by its path inside the run folder, and nothing outside it', async () => {
    const runId = '0123456789abcdef0123456789abcdef';
    const dir = h.ctx.artifactsDir(runId);
    mkdirSync(join(dir, 'search'), { recursive: true });
    writeFileSync(join(dir, 'search', 'best.json'), '{"trial": 3}');
    writeFileSync(join(h.home, 'secret.txt'), 'not an artifact');
    symlinkSync(join(h.home, 'secret.txt'), join(dir, 'link.txt'));
    const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${s.token}` }, run = runId) =>
      fetch(`${base()}/api/artifact?run=${run}&path=${encodeURIComponent(path)}`, { headers });
    const ok = await get('search/best.json');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/application\/json/);
    expect(ok.headers.get('content-disposition')).toBe('attachment; filename="best.json"');
    expect(await ok.text()).toBe('{"trial": 3}');
    for (const bad of ['../../secret.txt', '/etc/passwd', 'search/../../../secret.txt', 'link.txt', 'a\\..\\b']) {
      expect((await get(bad)).status, bad).toBe(400);
    }
    expect((await get('search/none.json')).status).toBe(404);
    expect((await get('search/best.json', { authorization: `Bearer ${s.token}` }, '..')).status).toBe(400);
    expect((await get('search/best.json', {})).status).toBe(401);
    // predictions are served by their scoring record only (no path from the client)
    expect((await fetch(`${base()}/api/output?scoringId=nope`, { headers: { authorization: `Bearer ${s.token}` } })).status).toBe(404);
    expect((await fetch(`${base()}/api/output?scoringId=nope`)).status).toBe(401);
  });
});

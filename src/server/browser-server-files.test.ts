// Browser mode's file side: the renderer's static files behind the session cookie, uploads of dropped files,
// and the Host check that stops DNS-rebinding pages from reaching the API.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
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
});

// Serves the built renderer (out/renderer) in browser mode, with the same CSP the Electron window gets.
// Paths are resolved inside the folder only; unknown paths without an extension get index.html.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export const BROWSER_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
  "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

export function staticFiles(dir: string): (req: IncomingMessage, res: ServerResponse, extraHeaders: Record<string, string>) => boolean {
  const root = normalize(dir + sep);
  return (req, res, extraHeaders) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return false; // not a path (`/%`, `//a:99999`): no such file
    }
    if (pathname.includes('\0')) return false;
    let file = normalize(join(root, pathname));
    if (!file.startsWith(root)) return false;
    if (pathname === '/' || (!extname(pathname) && !existsSync(file))) file = join(root, 'index.html');
    if (!existsSync(file) || !statSync(file, { throwIfNoEntry: false })?.isFile()) return false;
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': BROWSER_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
      ...extraHeaders,
    });
    if (req.method === 'HEAD') res.end();
    // A file that vanishes or can't be read after the headers went out ends the response, not the server.
    else createReadStream(file).on('error', () => res.destroy()).pipe(res);
    return true;
  };
}

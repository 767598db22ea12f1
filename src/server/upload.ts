// Browser mode can't see a dropped file's path, so the page streams it here. It is written to a temp file
// under <home>/datasets while hashed, then renamed to <sha256 prefix>/<name>: the file keeps its own name,
// and the same bytes uploaded twice are one file (and so one dataset record). An aborted or oversized upload leaves nothing behind.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { basename, dirname, join, normalize, sep } from 'node:path';
import type { UploadResult } from '../shared/bridge';
import { MeterError } from '../shared/errors';

export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

export function safeFileName(raw: string | null): string {
  const base = basename((raw ?? '').replace(/\\/g, '/')).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '');
  if (!base) throw new MeterError('INVALID_ARGUMENT', 'The upload has no file name.');
  return base.slice(0, 120);
}

/**
 * Every failure, from a bad name on, is the returned promise's rejection: nothing here throws. `onStored(path)`
 * is called as the file is in place, in the same tick as the check that it is there (see browser-server.ts: a
 * copy shared by two uploads must not be removed under the second).
 */
export function receiveUpload(req: IncomingMessage, home: string, rawName: string | null, onStored: (path: string) => void = () => {}): Promise<UploadResult> {
  try {
    return receive(req, home, safeFileName(rawName), onStored);
  } catch (err) {
    req.resume(); // let the body drain so the answer reaches the client
    return Promise.reject(err instanceof MeterError ? err : new MeterError('FILE_UNREADABLE', `Cannot store the upload under ${home}: ${(err as Error).message}`));
  }
}

function receive(req: IncomingMessage, home: string, name: string, onStored: (path: string) => void): Promise<UploadResult> {
  const dir = join(home, 'datasets');
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.incoming-${randomBytes(6).toString('hex')}`);
  const hash = createHash('sha256');
  const out = createWriteStream(temp, { flags: 'wx' });
  let size = 0;
  return new Promise<UploadResult>((resolve, reject) => {
    const fail = (err: Error): void => {
      req.unpipe(out);
      out.destroy();
      rmSync(temp, { force: true });
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_UPLOAD_BYTES) { fail(new MeterError('INVALID_ARGUMENT', `${name} is over the ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB upload limit.`)); req.destroy(); return; }
      hash.update(chunk);
    });
    req.on('aborted', () => fail(new MeterError('CANCELLED', `The upload of ${name} was interrupted.`)));
    req.on('error', fail);
    out.on('error', (err) => fail(new MeterError('FILE_UNREADABLE', `Cannot write ${name} under ${dir}: ${err.message}`)));
    out.on('finish', () => {
      if (!req.complete) return;
      const sha256 = hash.digest('hex');
      const path = join(dir, sha256.slice(0, 12), name);
      try {
        if (existsSync(path)) rmSync(temp, { force: true });
        else { mkdirSync(dirname(path), { recursive: true }); renameSync(temp, path); }
      } catch (err) {
        fail(new MeterError('FILE_UNREADABLE', `Cannot store ${name} under ${dir}: ${(err as Error).message}`));
        return;
      }
      onStored(path);
      resolve({ path, sha256, sizeBytes: size });
    });
    req.pipe(out);
  });
}

/**
 * A file uploaded by the page and then refused by data.import (not parquet, a missing column…) is removed,
 * with its <sha256 prefix> folder when that is left empty; a file some dataset record names is kept.
 */
export function removeRejectedUpload(home: string, path: string, recorded: (path: string) => boolean): boolean {
  const root = join(home, 'datasets') + sep;
  const file = normalize(path);
  if (!file.startsWith(root) || file.slice(root.length).split(sep).length !== 2 || recorded(file) || !existsSync(file)) return false;
  rmSync(file, { force: true });
  try { rmdirSync(dirname(file)); } catch { /* not empty: another upload with the same content prefix */ }
  return true;
}

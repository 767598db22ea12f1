// A dataset is known by its bytes: the sha256 of the file, streamed so a 3-million-row month never sits in memory.
// The file is opened once and its size read from that descriptor, so hash and size always describe the same
// file; a file deleted, moved or made unreadable between the check and the hash is FILE_UNREADABLE naming it,
// never a raw ENOENT (which would reach the user as "Internal error").
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { MeterError } from '../../shared/errors';

/** The error for a data file that could be read a moment ago (it passed the import check) and now can't. */
export function vanishedFile(err: unknown, path: string): MeterError {
  if (err instanceof MeterError) return err;
  const name = basename(path);
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'was deleted or moved while Meter was reading it'
    : code === 'EACCES' || code === 'EPERM' ? 'stopped being readable (permission denied) while Meter was reading it'
      : `could not be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  return new MeterError('FILE_UNREADABLE', `${name} ${why} (${path}); put it back and try again.`, { file: name });
}

/** sha256 and size of one file, read through one descriptor. */
export async function hashDataFile(path: string): Promise<{ sha256: string; sizeBytes: number }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw vanishedFile(err, path);
  }
  try {
    const { size } = await handle.stat();
    const hash = createHash('sha256');
    await new Promise<void>((res, rej) => {
      createReadStream('', { fd: handle.fd, autoClose: false, start: 0 })
        .on('data', (c) => hash.update(c)).on('error', rej).on('end', () => res());
    });
    return { sha256: hash.digest('hex'), sizeBytes: size };
  } catch (err) {
    throw vanishedFile(err, path);
  } finally {
    await handle.close().catch(() => {});
  }
}

export async function sha256File(path: string): Promise<string> {
  return (await hashDataFile(path)).sha256;
}

/** The same, blocking: for workers, which have nothing else to do meanwhile. */
export function sha256FileSync(path: string): string {
  const hash = createHash('sha256');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw vanishedFile(err, path);
  }
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n));
  } catch (err) {
    throw vanishedFile(err, path);
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * Whether the file at `path` holds exactly these bytes now: the recorded size is compared first (a stat, so a
 * file overwritten with another month is told apart without reading it), then the sha256. A file that is gone
 * or unreadable does not hold them.
 */
export async function holdsBytes(path: string, sha256: string, sizeBytes: number): Promise<boolean> {
  try {
    const { size } = await stat(path);
    return size === sizeBytes && (await hashDataFile(path)).sha256 === sha256;
  } catch {
    return false;
  }
}

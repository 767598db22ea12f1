// The run page's artifact preview: what of one artifact file the browser shows, read here in core so the
// renderer never receives a whole file: a text/JSON head (64 KiB), an image (up to 8 MiB, shown through a blob
// URL), or a parquet file's schema and first 20 rows (read lazily with polars: only those rows are decoded).
// The path is checked as every artifact path is (no "..", absolute, backslash or NUL; no symlink out).
import { existsSync, openSync, readSync, closeSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import pl from 'nodejs-polars';
import type { ArtifactPreview } from '../../shared/contract';
import type { RunId } from '../../shared/domain';
import { MeterError } from '../../shared/errors';
import type { CoreContext } from '../context';
import { cleanParts } from '../mlflow/artifacts';
import { getRun } from '../store/runs-repo';

export const TEXT_PREVIEW_BYTES = 64 * 1024;
export const IMAGE_PREVIEW_BYTES = 8 * 1024 * 1024;
export const TABLE_PREVIEW_ROWS = 20;

const TEXT = new Set(['.json', '.txt', '.md', '.csv', '.tsv', '.log', '.yaml', '.yml', '.py', '.toml', '.ini', '.cfg', '.mlmodel']);
const IMAGES = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml' } as const;
const TEXT_NAMES = new Set(['MLmodel', 'requirements.txt', 'conda.yaml', 'python_env.yaml']);

/** The artifact's file on disk, inside the run's artifact folder, or a MeterError saying why not. */
export function artifactPath(ctx: CoreContext, runId: RunId, path: string): string {
  getRun(ctx.db, runId); // NOT_FOUND for an unknown run
  const parts = cleanParts(path);
  if (parts.length === 0) throw new MeterError('INVALID_ARGUMENT', 'Name an artifact file inside the run.');
  const root = ctx.artifactsDir(runId);
  const file = join(root, ...parts);
  if (!existsSync(file) || !statSync(file).isFile()) throw new MeterError('NOT_FOUND', `Run ${runId} has no artifact file ${path}.`);
  const realRoot = realpathSync(root);
  if (!realpathSync(file).startsWith(realRoot + sep)) throw new MeterError('INVALID_ARGUMENT', `The artifact ${path} points outside the run's folder.`);
  return file;
}

function head(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** A cell as JSON-safe data: dates as ISO text, big integers as numbers when exact, nested values as JSON. */
function cell(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().replace(/\.000Z$/, 'Z');
  try { return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)); } catch { return String(v); }
}

/** DataType(Datetime(us,)) → Datetime(us) */
const typeName = (t: unknown): string => String(t).replace(/^DataType\((.*)\)$/, '$1').replace(/,\)/g, ')');

function parquetHead(file: string, path: string, sizeBytes: number): ArtifactPreview {
  try {
    const df = pl.scanParquet(file).head(TABLE_PREVIEW_ROWS).collectSync();
    const first = df.columns[0];
    // every row counted by a null test on one column (no other column is decoded)
    const totalRows = first === undefined ? 0 : Number(pl.scanParquet(file).select(pl.col(first).isNull().count().alias('n')).collectSync().getColumn('n').get(0));
    return {
      kind: 'table', path, sizeBytes, totalRows,
      columns: df.columns.map((name, i) => ({ name, type: typeName(df.dtypes[i]) })),
      rows: df.rows().map((r) => (r as unknown[]).map(cell)),
    };
  } catch (err) {
    throw new MeterError('FILE_UNREADABLE', `${path} could not be read as parquet: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** at most this much is sent whole over the contract (the desktop app's Download); browser mode streams any size */
export const ARTIFACT_FILE_MAX = 64 * 1024 ** 2;

export function readArtifactFile(ctx: CoreContext, runId: RunId, path: string): { path: string; sizeBytes: number; base64: string } {
  const file = artifactPath(ctx, runId, path);
  const sizeBytes = statSync(file).size;
  if (sizeBytes > ARTIFACT_FILE_MAX) {
    throw new MeterError('INVALID_ARGUMENT', `${path} is ${Math.round(sizeBytes / 1024 ** 2)} MiB; files over ${ARTIFACT_FILE_MAX / 1024 ** 2} MiB are not sent whole: copy its path instead.`);
  }
  return { path, sizeBytes, base64: readFileSync(file).toString('base64') };
}

export function previewArtifact(ctx: CoreContext, runId: RunId, path: string): ArtifactPreview {
  const file = artifactPath(ctx, runId, path);
  const sizeBytes = statSync(file).size;
  const ext = extname(file).toLowerCase();
  const name = path.split('/').pop() ?? path;
  if (ext === '.parquet') return parquetHead(file, path, sizeBytes);
  if (ext in IMAGES) {
    if (sizeBytes > IMAGE_PREVIEW_BYTES) return { kind: 'none', path, sizeBytes, reason: `An image over ${IMAGE_PREVIEW_BYTES / 1024 ** 2} MiB is not previewed; download it.` };
    return { kind: 'image', path, sizeBytes, mime: IMAGES[ext as keyof typeof IMAGES], base64: readFileSync(file).toString('base64') };
  }
  if (TEXT.has(ext) || TEXT_NAMES.has(name)) {
    const bytes = head(file, TEXT_PREVIEW_BYTES);
    const truncated = sizeBytes > bytes.length;
    // a multi-byte character cut at the end decodes as U+FFFD; drop it
    let text = bytes.toString('utf8');
    if (truncated) text = text.replace(/\uFFFD$/, '');
    return { kind: 'text', path, sizeBytes, text, truncated, json: ext === '.json' };
  }
  return { kind: 'none', path, sizeBytes, reason: 'No preview for this kind of file; download it.' };
}

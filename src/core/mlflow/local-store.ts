// Issue 20 part 3: import an MLflow user's history without a server — `mlflow.db`, the SQLite store that
// `mlflow ui --backend-store-uri sqlite:///mlflow.db` writes, or an ./mlruns file store (its meta.yaml files
// and one file per param, tag and metric), read directly (read-only) and fed through the
// same mapping as a server import (import.ts: importRun / importModel, tagged mlflow.imported_run_id and
// mlflow.imported_version, so importing again adds nothing). The store's alembic revision says which schema
// it has (mlflow-db-revisions.ts: MLflow 2.17 through 3.x); one this reader doesn't know is refused by name
// before anything is read. A model MLflow 3.x logged is a logged model with its own artifact folder (a row of
// mlflow.db's logged_models; in a file store <experiment>/models/<model id>/meta.yaml, the layout MLflow's own
// fs2db migration reads, mlflow/store/fs2db/_tracking.py): its files land in its run's artifacts under
// models/<model id>, and a version registered from it (source models:/<model id>) is imported from there.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { MeterError, messageOf } from '../../shared/errors';
import type { CoreContext } from '../context';
import type { SourceFile } from './artifact-fill';
import { knownRevision, revisionsRead } from './mlflow-db-revisions';
import { importCounted, type ImportReport, type MlflowSource } from './import';
import type { TransferCounts, TransferHooks } from './transfer';
import type { Json } from './remote';

export interface LocalImportRequest { source: string; artifactsDir?: string }

function sqlitePath(uri: string): string | null {
  const m = /^sqlite:\/\/\/(.*)$/.exec(uri);
  if (!m) return null;
  return resolve(m[1] === '' ? '.' : m[1]);
}

/** Where a run's artifact files are: below --artifacts DIR as <experiment>/<run>/artifacts, else the recorded path. */
function artifactFolder(uri: string, expId: string, runId: string, artifactsDir: string | undefined, base: string): string | null {
  if (artifactsDir) {
    const tail = /(?:^|\/)([^/]+\/[^/]+\/artifacts)\/?$/.exec(uri)?.[1] ?? `${expId}/${runId}/artifacts`;
    const p = join(resolve(artifactsDir), ...tail.split('/'));
    if (existsSync(p)) return p;
  }
  let p: string | null = null;
  if (uri.startsWith('file://')) p = fileURLToPath(uri);
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(uri) && uri) p = isAbsolute(uri) ? uri : resolve(base, uri);
  return p && existsSync(p) ? p : null;
}

/** The files below root/rel as the run's artifacts, below `into` (a folder of the run's artifacts, '' for their top). */
function treeFiles(root: string, rel = '', into = ''): SourceFile[] {
  const out: SourceFile[] = [];
  for (const name of readdirSync(rel ? join(root, ...rel.split('/')) : root).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const src = join(root, ...path.split('/'));
    const st = statSync(src);
    if (st.isDirectory()) { out.push(...treeFiles(root, path, into)); continue; }
    out.push({ path: into ? `${into}/${path}` : path, size: st.size, cheap: true, read: async () => readFileSync(src) });
  }
  return out;
}

/** A 3.x logged model's artifact folder: below --artifacts DIR as <experiment>/models/<id>/artifacts, else its recorded location. */
function loggedModelFolder(location: string, expId: string, modelId: string, artifactsDir: string | undefined, base: string): string | null {
  if (artifactsDir) {
    const tail = /(?:^|\/)([^/]+\/models\/[^/]+\/artifacts)\/?$/.exec(location)?.[1] ?? `${expId}/models/${modelId}/artifacts`;
    const p = join(resolve(artifactsDir), ...tail.split('/'));
    if (existsSync(p)) return p;
  }
  return artifactFolder(location, expId, modelId, undefined, base);
}

/** A 3.x logged model as both stores record it: its id, experiment, artifact location and the run it came from. */
interface LoggedModel { model_id: string; experiment_id: string; artifact_location: string; source_run_id: string }

/**
 * A run's files: its artifact folder's, then its logged models' under models/<id>; and what could not be found.
 * Where they are: below --artifacts DIR (lookIn), else where the store recorded them (relative to base).
 */
function runFiles(run: Json, models: LoggedModel[], lookIn: string | undefined, artifactsDir: string | undefined, base: string): { files: SourceFile[]; unreachable?: string } {
  const uri = String(run.info.artifact_uri ?? '');
  const missing: string[] = [];
  const files: SourceFile[] = [];
  const folder = artifactFolder(uri, String(run.info.experiment_id), String(run.info.run_id), lookIn, base);
  if (folder) files.push(...treeFiles(folder));
  else missing.push(`no artifact folder at ${uri}${artifactsDir ? ` nor under ${artifactsDir}` : ''} (a run that logged none has none; otherwise say where with --artifacts DIR)`);
  for (const m of models) {
    const at = loggedModelFolder(m.artifact_location, m.experiment_id, m.model_id, lookIn, base);
    if (at) files.push(...treeFiles(at, '', `models/${m.model_id}`));
    else missing.push(`no folder for its logged model ${m.model_id} at ${m.artifact_location}`);
  }
  return { files, ...(missing.length ? { unreachable: missing.join('; ') } : {}) };
}

/** A version registered from a logged model (source models:/<id>) is imported from its run's models/<id> folder. */
function fromLoggedModel(v: Json, byId: Map<string, LoggedModel>): Json {
  const m = byId.get(/^models:\/(m-[0-9a-f]+)$/.exec(String(v.source))?.[1] ?? '');
  return m ? { ...v, source: `runs:/${m.source_run_id}/models/${m.model_id}`, run_id: m.source_run_id } : v;
}

function openMlflowDb(path: string): Database.Database {
  if (!existsSync(path)) throw new MeterError('NOT_FOUND', `No MLflow store at ${path}.`);
  let db: Database.Database;
  try { db = new Database(path, { readonly: true, fileMustExist: true }); } catch (err) {
    throw new MeterError('FILE_UNREADABLE', `Cannot open ${path} as an MLflow SQLite store: ${messageOf(err)}`);
  }
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").get();
    if (!has) throw new MeterError('FILE_UNREADABLE', `${path} is not an MLflow store: it has no alembic_version table.`);
    const rev = db.prepare('SELECT version_num FROM alembic_version').pluck().get() as string | undefined;
    if (!rev || !knownRevision(rev)) {
      throw new MeterError('INVALID_ARGUMENT', `${path} has MLflow schema revision ${rev ?? '(none)'}, which Meter cannot read; it reads ` +
        `${revisionsRead()}. Serve the store with \`mlflow server\` and import over HTTP with \`meter mlflow import --from http://…\`, or use a Meter that knows it.`);
    }
  } catch (err) {
    db.close();
    throw err instanceof MeterError ? err : new MeterError('FILE_UNREADABLE', `Cannot read ${path} as an MLflow store: ${messageOf(err)}`);
  }
  return db;
}

function sqliteSource(db: Database.Database, path: string, artifactsDir: string | undefined): { source: MlflowSource; runs: Json[]; models: string[] } {
  const all = <T>(sql: string, ...args: unknown[]): T[] => db.prepare(sql).all(...args) as T[];
  const kv = (rows: { key: string; value: string | null }[]) => rows.map((r) => ({ key: r.key, value: r.value ?? '' }));
  const runs = all<Json>(`SELECT r.run_uuid, r.name, r.status, r.start_time, r.end_time, r.artifact_uri, r.experiment_id FROM runs r
    JOIN experiments e ON e.experiment_id = r.experiment_id
    WHERE r.lifecycle_stage = 'active' AND e.lifecycle_stage = 'active' ORDER BY r.start_time, r.run_uuid`).map((r) => {
    const id = r.run_uuid as string;
    const inputs = all<Json>(`SELECT i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile
      FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id WHERE i.destination_type = 'RUN' AND i.destination_id = ? AND i.source_type = 'DATASET'`, id)
      .map((i) => ({
        tags: all<{ name: string; value: string }>('SELECT name, value FROM input_tags WHERE input_uuid = ?', i.input_uuid).map((t) => ({ key: t.name, value: t.value })),
        dataset: { name: i.name, digest: i.digest, source_type: i.dataset_source_type, source: i.dataset_source, schema: i.dataset_schema ?? undefined, profile: i.dataset_profile ?? undefined },
      }));
    return {
      info: { run_id: id, run_name: r.name ?? '', experiment_id: String(r.experiment_id), status: r.status, start_time: r.start_time ?? undefined, end_time: r.end_time ?? undefined, artifact_uri: r.artifact_uri ?? '' },
      data: {
        params: kv(all('SELECT key, value FROM params WHERE run_uuid = ?', id)),
        tags: kv(all('SELECT key, value FROM tags WHERE run_uuid = ?', id)),
        metrics: all<{ key: string }>('SELECT DISTINCT key FROM metrics WHERE run_uuid = ? ORDER BY key', id),
      },
      inputs: { dataset_inputs: inputs },
    };
  });
  const models = all<{ name: string }>('SELECT name FROM registered_models ORDER BY name').map((m) => m.name);
  const base = dirname(path);
  // MLflow 3.x (revision 400f98739977 on): models logged from a run are logged models, by their run.
  const hasLoggedModels = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'logged_models'").get() !== undefined;
  const logged = hasLoggedModels ? all<LoggedModel>(
    `SELECT model_id, CAST(experiment_id AS TEXT) AS experiment_id, artifact_location, source_run_id FROM logged_models
    WHERE source_run_id IS NOT NULL AND (lifecycle_stage IS NULL OR lifecycle_stage = 'active') ORDER BY creation_timestamp_ms, model_id`) : [];
  const loggedById = new Map(logged.map((m) => [m.model_id, m]));
  const source: MlflowSource = {
    label: `MLflow store ${path}`,
    experimentName: async (id) => (db.prepare('SELECT name FROM experiments WHERE experiment_id = ?').pluck().get(Number(id)) as string | undefined) ?? `experiment ${id}`,
    metricHistory: async (runId, key) => all<{ value: number; is_nan: number; step: number; timestamp: number }>(
      'SELECT value, is_nan, step, timestamp FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp, rowid', runId, key)
      .map((m) => ({ value: m.is_nan ? NaN : m.value, step: Number(m.step), timestampMs: Number(m.timestamp) })),
    artifactFiles: async (run) => runFiles(run, logged.filter((l) => l.source_run_id === run.info.run_id), artifactsDir, artifactsDir, base),
    async model(name) {
      const m = db.prepare('SELECT name, description FROM registered_models WHERE name = ?').get(name) as Json;
      return { ...m, aliases: all('SELECT alias, version FROM registered_model_aliases WHERE name = ?', name) };
    },
    versions: async (name) => all<Json>('SELECT name, version, description, source, run_id FROM model_versions WHERE name = ? AND current_stage != \'Deleted_Internal\'', name)
      .map((v) => fromLoggedModel({ ...v, tags: kv(all('SELECT key, value FROM model_version_tags WHERE name = ? AND version = ?', name, v.version)) }, loggedById)),
  };
  return { source, runs, models };
}

/** The few shapes of YAML that MLflow's file store writes (yaml.safe_dump of flat dicts): `key: scalar`,
 * one level of nested `key:` maps, plain, quoted and folded scalars, null, [] and {}. */
export function parseMlflowYaml(text: string): Json {
  const lines = text.split(/\r?\n/);
  const out: Json = {};
  let nested: Json | null = null;
  const scalar = (raw: string): unknown => {
    const v = raw.trim();
    if (v === '' || v === 'null' || v === '~') return null;
    if (v === '[]') return [];
    if (v === '{}') return {};
    if (v.startsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
    if (v.startsWith('"')) { try { return JSON.parse(v) as unknown; } catch { return v.slice(1, -1); } }
    return v;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    const m = /^\s*('(?:[^']|'')*'|"[^"]*"|[^:]+?):(?:\s+(.*))?$/.exec(line);
    if (!m) throw new MeterError('FILE_UNREADABLE', `Cannot read this line of an MLflow meta.yaml: ${line.slice(0, 120)}`);
    let value = m[2] ?? '';
    // a folded scalar continues on more-indented lines that are not keys of their own
    while (value && i + 1 < lines.length && lines[i + 1].trim() && lines[i + 1].length - lines[i + 1].trimStart().length > indent &&
      (/^['"]/.test(value.trim()) ? !/(^'(?:[^']|'')*'$)|(^"(?:[^"\\]|\\.)*"$)/.test(value.trim()) : true)) {
      value = value.endsWith('\\') ? value.slice(0, -1) + lines[++i].trim() : `${value} ${lines[++i].trim()}`;
    }
    const key = scalar(m[1]) as string;
    if (indent > 0 && nested) { nested[key] = scalar(value); continue; }
    if (!value.trim()) { nested = {}; out[key] = nested; continue; }
    nested = null;
    out[key] = scalar(value);
  }
  return out;
}

const RUN_STATUS: Record<string, string> = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };
const readYaml = (path: string): Json => parseMlflowYaml(readFileSync(path, 'utf8'));
const dirs = (path: string): string[] => (existsSync(path) ? readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : []);
const files = (path: string): string[] => (existsSync(path) ? readdirSync(path, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name).sort() : []);
/** A key's file below params/ or tags/: the key may hold slashes, which are folders. */
function keyFiles(root: string, rel = ''): { key: string; value: string }[] {
  const here = rel ? join(root, ...rel.split('/')) : root;
  return [...files(here).map((f) => ({ key: rel ? `${rel}/${f}` : f, value: readFileSync(join(here, f), 'utf8') })),
    ...dirs(here).flatMap((d) => keyFiles(root, rel ? `${rel}/${d}` : d))];
}
const pyFloat = (v: string): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v));

function fileSource(root: string, artifactsDir: string | undefined): { source: MlflowSource; runs: Json[]; models: string[] } {
  if (!existsSync(join(root, '0', 'meta.yaml')) && !dirs(root).some((d) => existsSync(join(root, d, 'meta.yaml')) && d !== 'models')) {
    throw new MeterError('FILE_UNREADABLE', `${root} is not an MLflow file store (./mlruns): no experiment folder with a meta.yaml.`);
  }
  const experiments = new Map<string, Json>();
  const runDirs = new Map<string, string>();
  const runs: Json[] = [];
  const logged: LoggedModel[] = [];
  for (const e of dirs(root)) {
    if (e === 'models' || e.startsWith('.') || !existsSync(join(root, e, 'meta.yaml'))) continue;
    const exp = readYaml(join(root, e, 'meta.yaml'));
    if (exp.lifecycle_stage === 'deleted') continue;
    experiments.set(String(exp.experiment_id ?? e), exp);
    // MLflow 3.x: a model logged from a run is a logged model, <experiment>/models/<model id>/meta.yaml (its
    // files at its artifact_location, by default <experiment>/models/<model id>/artifacts)
    for (const id of dirs(join(root, e, 'models'))) {
      const metaPath = join(root, e, 'models', id, 'meta.yaml');
      if (!existsSync(metaPath)) continue;
      const m = readYaml(metaPath);
      if (m.lifecycle_stage === 'deleted' || !m.source_run_id) continue;
      logged.push({ model_id: String(m.model_id ?? id), experiment_id: String(m.experiment_id ?? e), artifact_location: String(m.artifact_location ?? ''), source_run_id: String(m.source_run_id) });
    }
    for (const r of dirs(join(root, e))) {
      const dir = join(root, e, r);
      if (r === 'datasets' || !existsSync(join(dir, 'meta.yaml'))) continue;
      const meta = readYaml(join(dir, 'meta.yaml'));
      if (meta.lifecycle_stage === 'deleted') continue;
      const id = String(meta.run_id ?? meta.run_uuid ?? r);
      runDirs.set(id, dir);
      const inputs = dirs(join(dir, 'inputs')).map((i) => readYaml(join(dir, 'inputs', i, 'meta.yaml')))
        .filter((i) => i.source_type === 'DATASET' && existsSync(join(root, e, 'datasets', String(i.source_id), 'meta.yaml')))
        .map((i) => {
          const d = readYaml(join(root, e, 'datasets', String(i.source_id), 'meta.yaml'));
          return { tags: Object.entries((i.tags ?? {}) as Json).map(([key, value]) => ({ key, value: String(value ?? '') })),
            dataset: { name: d.name, digest: d.digest, source_type: d.source_type, source: d.source, schema: d.schema ?? undefined, profile: d.profile ?? undefined } };
        });
      runs.push({
        info: { run_id: id, run_name: meta.run_name ?? '', experiment_id: String(meta.experiment_id ?? e), status: RUN_STATUS[String(meta.status)] ?? String(meta.status),
          start_time: meta.start_time ?? undefined, end_time: meta.end_time ?? undefined, artifact_uri: meta.artifact_uri ?? '' },
        data: { params: keyFiles(join(dir, 'params')), tags: keyFiles(join(dir, 'tags')), metrics: keyFiles(join(dir, 'metrics')).map((m) => ({ key: m.key })) },
        inputs: { dataset_inputs: inputs },
      });
    }
  }
  runs.sort((a, b) => Number(a.info.start_time ?? 0) - Number(b.info.start_time ?? 0) || String(a.info.run_id).localeCompare(String(b.info.run_id)));
  const loggedById = new Map(logged.map((m) => [m.model_id, m]));
  // Artifacts the store keeps itself (the default root) sit below it as <experiment>/<run>/artifacts and
  // <experiment>/models/<id>/artifacts: found there too when the recorded absolute paths are stale (the
  // folder was moved or copied), as below --artifacts DIR.
  const lookIn = artifactsDir ?? root;
  const loggedOf = (run: Json | undefined) => logged.filter((l) => l.source_run_id === run?.info.run_id);
  const modelDirs = new Map<string, string>();
  for (const d of dirs(join(root, 'models'))) {
    const p = join(root, 'models', d);
    if (existsSync(join(p, 'meta.yaml'))) modelDirs.set(String(readYaml(join(p, 'meta.yaml')).name ?? d), p);
  }
  const source: MlflowSource = {
    label: `MLflow store ${root}`,
    experimentName: async (id) => String(experiments.get(id)?.name ?? `experiment ${id}`),
    async metricHistory(runId, key) {
      const text = readFileSync(join(runDirs.get(runId)!, 'metrics', ...key.split('/')), 'utf8');
      return text.split('\n').filter((l) => l.trim()).map((l) => {
        const [ts, value, step] = l.trim().split(/\s+/);
        return { value: pyFloat(value), step: Number(step ?? 0), timestampMs: Number(ts) };
      });
    },
    artifactFiles: async (run) => runFiles(run, loggedOf(run), lookIn, artifactsDir, dirname(root)),
    async model(name) {
      const dir = modelDirs.get(name)!;
      const meta = readYaml(join(dir, 'meta.yaml'));
      // aliases/<alias> (its text the version) is what MLflow's store reads them from; meta.yaml keeps a copy
      const aliases = existsSync(join(dir, 'aliases'))
        ? files(join(dir, 'aliases')).map((alias) => ({ alias, version: readFileSync(join(dir, 'aliases', alias), 'utf8').trim() }))
        : Object.entries((meta.aliases ?? {}) as Json).map(([alias, version]) => ({ alias, version: String(version) }));
      return { name, description: meta.description ?? '', aliases };
    },
    async versions(name) {
      const dir = modelDirs.get(name)!;
      return dirs(dir).filter((v) => /^version-\d+$/.test(v) && existsSync(join(dir, v, 'meta.yaml'))).map((v): Json => ({ ...readYaml(join(dir, v, 'meta.yaml')), tags: keyFiles(join(dir, v, 'tags')) }))
        .filter((v) => v.current_stage !== 'Deleted_Internal')
        .map((v) => fromLoggedModel({ name, version: String(v.version), description: v.description ?? '', source: v.source, run_id: v.run_id, tags: v.tags }, loggedById));
    },
  };
  return { source, runs, models: [...modelDirs.keys()].sort() };
}

/** Imports every active experiment's runs and every registered model from an MLflow store on disk:
 * sqlite:///path/mlflow.db, or a file store's folder (./mlruns, or file:///…/mlruns). */
export async function importFromMlflowStore(ctx: CoreContext, req: LocalImportRequest): Promise<ImportReport> {
  return (await importFromStoreCounted(ctx, req)).report;
}

/** The same, with the tally, progress and cancel between runs (the app's import job); dryRun only counts. */
export async function importFromStoreCounted(ctx: CoreContext, req: LocalImportRequest, hooks: TransferHooks = {}, dryRun = false): Promise<{ report: ImportReport; counts: TransferCounts }> {
  const path = sqlitePath(req.source);
  let db: Database.Database | null = null;
  try {
    let found: { source: MlflowSource; runs: Json[]; models: string[] };
    if (path) {
      db = openMlflowDb(path);
      found = sqliteSource(db, path, req.artifactsDir);
    } else {
      let dir: string;
      try { dir = req.source.startsWith('file:') ? fileURLToPath(req.source.startsWith('file://') ? req.source : `file://${resolve(req.source.slice(5))}`) : resolve(req.source); } catch {
        throw new MeterError('INVALID_ARGUMENT', `Import from an MLflow store: sqlite:///path/mlflow.db or an ./mlruns folder; got "${req.source}".`);
      }
      if (/^[a-z][a-z0-9+.-]+:/i.test(req.source) && !req.source.startsWith('file:')) throw new MeterError('INVALID_ARGUMENT', `Import from an MLflow store: sqlite:///path/mlflow.db or an ./mlruns folder; got "${req.source}".`);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MeterError('NOT_FOUND', `No MLflow store at ${dir}.`);
      found = fileSource(dir, req.artifactsDir);
    }
    return await importCounted(ctx, found.source, found.runs, found.models, hooks, dryRun);
  } finally {
    db?.close();
  }
}

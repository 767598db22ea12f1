// Reading and writing registry rows. Callers wrap multi-step changes in one transaction.
import { MeterError } from '../../shared/errors';
import type { LegacyStage, ModelVersion, RegisteredModel, RegisteredModelSummary, AliasEvent } from '../../shared/domain';
import type { Db } from '../store/db';
import { runExists } from '../store/runs-repo';

interface VersionRow {
  name: string; version: number; description: string; status: 'READY' | 'ARCHIVED'; run_id: string; run_name: string;
  experiment_name: string; model_file: string; model_sha256: string; model_bytes: number; signature_json: string;
  metrics_json: string; params_json: string; datasets_json: string; created_ms: number;
}
interface ModelRow { name: string; description: string; created_ms: number; updated_ms: number }

export function stageOf(status: string, aliases: string[]): LegacyStage {
  if (status === 'ARCHIVED') return 'Archived';
  const lower = aliases.map((a) => a.toLowerCase());
  if (lower.some((a) => ['champion', 'production', 'prod'].includes(a))) return 'Production';
  if (lower.some((a) => ['challenger', 'staging'].includes(a))) return 'Staging';
  return 'None';
}

export function getModelRow(db: Db, name: string): ModelRow {
  const row = db.prepare('SELECT * FROM registered_models WHERE name = ?').get(name) as ModelRow | undefined;
  if (!row) {
    const other = db.prepare('SELECT name FROM registered_models WHERE name_key = ?').get(name.toLowerCase()) as { name: string } | undefined;
    throw new MeterError('NOT_FOUND', `No registered model named "${name}"${other ? `; did you mean "${other.name}"?` : '.'}`);
  }
  return row;
}

export function createModelRow(db: Db, name: string, description: string): void {
  const clash = db.prepare('SELECT name FROM registered_models WHERE name_key = ?').get(name.toLowerCase()) as { name: string } | undefined;
  if (clash) throw new MeterError('ALREADY_EXISTS', clash.name === name ? `A registered model named "${name}" already exists.` : `"${name}" clashes with the registered model "${clash.name}" (names differ only in case).`);
  const now = Date.now();
  db.prepare('INSERT INTO registered_models (name, name_key, description, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)').run(name, name.toLowerCase(), description, now, now);
}

export function touchModel(db: Db, name: string): void {
  db.prepare('UPDATE registered_models SET updated_ms = ? WHERE name = ?').run(Date.now(), name);
}

function aliasMap(db: Db, name: string): Record<string, number> {
  const rows = db.prepare('SELECT alias, version FROM model_aliases WHERE name = ? ORDER BY alias').all(name) as { alias: string; version: number }[];
  return Object.fromEntries(rows.map((r) => [r.alias, r.version]));
}

function toVersion(db: Db, r: VersionRow, aliases: Record<string, number>): ModelVersion {
  const mine = Object.entries(aliases).filter(([, v]) => v === r.version).map(([a]) => a);
  const tags = Object.fromEntries((db.prepare('SELECT key, value FROM model_version_tags WHERE name = ? AND version = ?').all(r.name, r.version) as { key: string; value: string }[]).map((t) => [t.key, t.value]));
  return {
    name: r.name, version: r.version, description: r.description, status: r.status, stage: stageOf(r.status, mine), aliases: mine, tags,
    createdMs: r.created_ms, runId: r.run_id, runName: r.run_name, experimentName: r.experiment_name,
    runExists: runExists(db, r.run_id),
    signature: JSON.parse(r.signature_json), metrics: JSON.parse(r.metrics_json), params: JSON.parse(r.params_json),
    datasets: JSON.parse(r.datasets_json), modelSha256: r.model_sha256, modelBytes: r.model_bytes, uri: `models:/${r.name}/${r.version}`,
  };
}

export function versionFile(db: Db, name: string, version: number): string {
  return getVersionRow(db, name, version).model_file;
}

function getVersionRow(db: Db, name: string, version: number): VersionRow {
  getModelRow(db, name);
  const row = db.prepare('SELECT * FROM model_versions WHERE name = ? AND version = ?').get(name, version) as VersionRow | undefined;
  if (!row) {
    const latest = (db.prepare('SELECT MAX(version) AS v FROM model_versions WHERE name = ?').get(name) as { v: number | null }).v;
    throw new MeterError('NOT_FOUND', `${name} has no version ${version}${latest ? ` (versions 1–${latest})` : ' (no versions yet)'}.`);
  }
  return row;
}

export function getVersion(db: Db, name: string, version: number): ModelVersion {
  return toVersion(db, getVersionRow(db, name, version), aliasMap(db, name));
}

export function latestVersion(db: Db, name: string): number | null {
  return (db.prepare('SELECT MAX(version) AS v FROM model_versions WHERE name = ?').get(name) as { v: number | null }).v;
}

export function aliasHistory(db: Db, name: string, alias?: string): AliasEvent[] {
  const rows = (alias
    ? db.prepare('SELECT * FROM alias_history WHERE name = ? AND alias = ? ORDER BY id DESC').all(name, alias)
    : db.prepare('SELECT * FROM alias_history WHERE name = ? ORDER BY id DESC').all(name)) as { alias: string; action: AliasEvent['action']; from_version: number | null; to_version: number | null; at_ms: number }[];
  return rows.map((r) => ({ alias: r.alias, action: r.action, fromVersion: r.from_version, toVersion: r.to_version, atMs: r.at_ms }));
}

function summary(db: Db, m: ModelRow): RegisteredModelSummary {
  const counts = db.prepare('SELECT COUNT(*) AS n, MAX(version) AS v FROM model_versions WHERE name = ?').get(m.name) as { n: number; v: number | null };
  return { name: m.name, description: m.description, latestVersion: counts.v, versionCount: counts.n, aliases: aliasMap(db, m.name), updatedMs: m.updated_ms };
}

export function listModels(db: Db): RegisteredModelSummary[] {
  return (db.prepare('SELECT * FROM registered_models ORDER BY updated_ms DESC').all() as ModelRow[]).map((m) => summary(db, m));
}

export function getModel(db: Db, name: string): RegisteredModel {
  const m = getModelRow(db, name);
  const aliases = aliasMap(db, name);
  const versions = (db.prepare('SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC').all(name) as VersionRow[]).map((r) => toVersion(db, r, aliases));
  const tags = Object.fromEntries((db.prepare('SELECT key, value FROM registered_model_tags WHERE name = ?').all(name) as { key: string; value: string }[]).map((t) => [t.key, t.value]));
  return { ...summary(db, m), createdMs: m.created_ms, tags, versions, history: aliasHistory(db, name) };
}

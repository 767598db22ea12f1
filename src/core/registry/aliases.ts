// Aliases: one per name per model, moved by promotion, every move recorded. Rollback walks the record
// back: the alias returns to the version it held before the move that gave it its current holder.
import { MeterError } from '../../shared/errors';
import type { AliasEvent } from '../../shared/domain';
import { previousHolder } from '../../shared/domain/registry';
import type { Db } from '../store/db';
import { inTransaction } from '../store/db';
import { checkAlias, checkVersion } from './names';
import { aliasHistory, getModelRow, getVersion, touchModel } from './registry-repo';

function record(db: Db, name: string, alias: string, action: AliasEvent['action'], from: number | null, to: number | null): void {
  db.prepare('INSERT INTO alias_history (name, alias, action, from_version, to_version, at_ms) VALUES (?, ?, ?, ?, ?, ?)').run(name, alias, action, from, to, Date.now());
  touchModel(db, name);
}

const holder = (db: Db, name: string, alias: string): number | null =>
  (db.prepare('SELECT version FROM model_aliases WHERE name = ? AND alias = ?').get(name, alias) as { version: number } | undefined)?.version ?? null;

export function setAlias(db: Db, name: string, rawAlias: string, rawVersion: number): AliasEvent {
  const alias = checkAlias(rawAlias);
  const version = checkVersion(rawVersion);
  return inTransaction(db, () => {
    const v = getVersion(db, name, version);
    if (v.status === 'ARCHIVED') throw new MeterError('INVALID_STATE', `${name} version ${version} is archived; restore it before giving it @${alias}.`);
    const from = holder(db, name, alias);
    if (from === version) throw new MeterError('INVALID_STATE', `@${alias} already points at ${name} version ${version}.`);
    db.prepare('INSERT INTO model_aliases (name, alias, version) VALUES (?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version').run(name, alias, version);
    record(db, name, alias, from === null ? 'set' : 'move', from, version);
    return aliasHistory(db, name, alias)[0];
  });
}

export function removeAlias(db: Db, name: string, rawAlias: string): AliasEvent {
  const alias = checkAlias(rawAlias);
  return inTransaction(db, () => {
    getModelRow(db, name);
    const from = holder(db, name, alias);
    if (from === null) throw new MeterError('NOT_FOUND', `${name} has no alias @${alias}.`);
    db.prepare('DELETE FROM model_aliases WHERE name = ? AND alias = ?').run(name, alias);
    record(db, name, alias, 'remove', from, null);
    return aliasHistory(db, name, alias)[0];
  });
}

// The rule lives in shared: the app greys out Roll back by the same rule that refuses it here.
export { previousHolder };

export function rollbackAlias(db: Db, name: string, rawAlias: string): AliasEvent {
  const alias = checkAlias(rawAlias);
  return inTransaction(db, () => {
    getModelRow(db, name);
    const current = holder(db, name, alias);
    if (current === null) throw new MeterError('NOT_FOUND', `${name} has no alias @${alias} to roll back.`);
    const previous = previousHolder(aliasHistory(db, name, alias), current);
    if (previous === null) throw new MeterError('INVALID_STATE', `@${alias} has had no other version before ${name} version ${current}; nothing to roll back to.`);
    const v = getVersion(db, name, previous);
    if (v.status === 'ARCHIVED') throw new MeterError('INVALID_STATE', `@${alias} would roll back to ${name} version ${previous}, which is archived; restore it first.`);
    db.prepare('UPDATE model_aliases SET version = ? WHERE name = ? AND alias = ?').run(previous, name, alias);
    record(db, name, alias, 'rollback', current, previous);
    return aliasHistory(db, name, alias)[0];
  });
}

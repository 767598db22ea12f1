// Whether "Roll back @alias" can do anything: a newcomer was offered it on a model's first version and got an
// error for pressing it (trial 3). The button is shown disabled with this reason instead, by the rule core
// refuses the rollback with (previousHolder), so the two never disagree.
import { previousHolder, type RegisteredModel } from '../../../shared/domain';

/** Why @alias (held by `holder`) can't be rolled back now, or null when it can; shown by its button, which names the alias. */
export function rollbackBlocked(model: Pick<RegisteredModel, 'history' | 'versions'>, alias: string, holder: number): string | null {
  const previous = previousHolder(model.history.filter((e) => e.alias === alias), holder);
  if (previous === null) return 'No earlier version to roll back to';
  if (model.versions.find((v) => v.version === previous)?.status === 'ARCHIVED') return `Its earlier version, v${previous}, is archived: restore it first`;
  return null;
}

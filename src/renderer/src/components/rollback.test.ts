// Roll back is offered only when core would do it: the alias held an earlier version, and it isn't archived.
import { describe, expect, it } from 'vitest';
import type { AliasEvent, ModelVersion } from '../../../shared/domain';
import { rollbackBlocked } from './rollback';

const at = (alias: string, action: AliasEvent['action'], fromVersion: number | null, toVersion: number | null): AliasEvent => ({ alias, action, fromVersion, toVersion, atMs: 0 });
const versions = (archived: number[] = []) => [1, 2, 3].map((version) => ({ version, status: archived.includes(version) ? 'ARCHIVED' : 'READY' }) as ModelVersion);

describe('rollbackBlocked', () => {
  it('blocks an alias set once (the first version, nothing before it) with the reason', () => {
    expect(rollbackBlocked({ history: [at('champion', 'set', null, 1)], versions: versions() }, 'champion', 1)).toBe('No earlier version to roll back to');
  });

  it('allows it after a move, per alias, and blocks again once rolled back to the first holder', () => {
    const history = [at('champion', 'move', 1, 2), at('challenger', 'set', null, 2), at('champion', 'set', null, 1)]; // newest first
    expect(rollbackBlocked({ history, versions: versions() }, 'champion', 2)).toBeNull();
    expect(rollbackBlocked({ history, versions: versions() }, 'challenger', 2)).not.toBeNull();
    expect(rollbackBlocked({ history: [at('champion', 'rollback', 2, 1), ...history], versions: versions() }, 'champion', 1)).not.toBeNull();
  });

  it('says to restore an archived earlier version first', () => {
    const history = [at('champion', 'move', 1, 2), at('champion', 'set', null, 1)];
    expect(rollbackBlocked({ history, versions: versions([1]) }, 'champion', 2)).toBe('Its earlier version, v1, is archived: restore it first');
  });
});

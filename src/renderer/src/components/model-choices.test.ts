// The Score and Monitor screens' model list and the model they start on (newcomer trial 4: they started on
// @challenger, the first alias by name, not on @champion).
import { describe, expect, it } from 'vitest';
import type { RegisteredModelSummary } from '../../../shared/domain';
import { defaultModelUri, modelUris } from './model-choices';

const model = (name: string, aliases: Record<string, number>, latestVersion: number | null): RegisteredModelSummary =>
  ({ name, description: '', latestVersion, versionCount: latestVersion ?? 0, aliases, updatedMs: 0 });

describe('model choices', () => {
  it('starts on @champion, even when another alias sorts first or another model comes first', () => {
    expect(defaultModelUri([model('taxi', { challenger: 3, champion: 2 }, 3)])).toBe('models:/taxi@champion');
    expect(defaultModelUri([model('a', { challenger: 1 }, 1), model('taxi', { champion: 2 }, 2)])).toBe('models:/taxi@champion');
  });

  it('else another alias, else the newest version, else nothing', () => {
    expect(defaultModelUri([model('a', {}, 4), model('taxi', { shadow: 2, canary: 1 }, 2)])).toBe('models:/taxi@canary');
    expect(defaultModelUri([model('empty', {}, null), model('taxi', {}, 3)])).toBe('models:/taxi/3');
    expect(defaultModelUri([])).toBe('');
  });

  it('lists @champion first among the aliases, then latest, then versions newest first', () => {
    expect(modelUris([model('taxi', { challenger: 3, champion: 2 }, 3)], true))
      .toEqual(['models:/taxi@champion', 'models:/taxi@challenger', 'models:/taxi/latest', 'models:/taxi/3', 'models:/taxi/2', 'models:/taxi/1']);
    expect(modelUris([model('taxi', { b: 1 }, 1)], false)).toEqual(['models:/taxi@b', 'models:/taxi/1']);
  });
});

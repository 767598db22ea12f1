// Pruned trials feed TPE as "bad" trials whatever their last intermediate value (Optuna's _split_trials).
import { expect, it } from 'vitest';
import { seededRandom as rng } from '../../shared/random';
import { flattenSpace, sampleRandom } from './space';
import { suggestTpe, type Observation } from './tpe';

it('learns away from the region whose trials were pruned, even though their last values look low', () => {
  const nodes = flattenSpace({ x: { uniform: [0, 10] } });
  const rand = rng(11);
  const history: Observation[] = [];
  for (let i = 0; i < 40; i++) {
    const draws = sampleRandom(nodes, rand);
    const x = draws.get('x')!;
    // x < 5 was pruned early (a small early value); x ≥ 5 completed with loss x − 5 (best just above 5)
    history.push(x < 5 ? { draws, loss: 0.01, pruned: { step: 10 } } : { draws, loss: x - 5 });
  }
  const suggest = (h: Observation[]) => Array.from({ length: 30 }, () => suggestTpe(nodes, h, rand).get('x')!);
  const withPruned = suggest(history);
  expect(withPruned.filter((x) => x >= 5).length).toBeGreaterThanOrEqual(18); // random search: 15 of 30
  // the same values taken as final losses send TPE into the pruned region: the test can tell the difference
  const asFinal = suggest(history.map(({ draws, loss }) => ({ draws, loss })));
  expect(asFinal.filter((x) => x < 5).length).toBeGreaterThanOrEqual(27);
});

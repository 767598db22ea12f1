// The median pruner's rule, step by step (Optuna's MedianPruner semantics).
import { describe, expect, it } from 'vitest';
import { median, shouldPrune, type Intermediates } from './pruner';

const curve = (pairs: [number, number][]): Intermediates => new Map(pairs);
// three completed trials reporting at steps 10, 20, 30
const completed = [curve([[10, 5], [20, 4], [30, 3.5]]), curve([[10, 6], [20, 5], [30, 4.5]]), curve([[10, 7], [20, 6]])];
const opts = { startupTrials: 3, warmupSteps: 0 };

describe('median pruner', () => {
  it('takes the median of an odd and an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('prunes a trial worse than the median of completed trials at the same step', () => {
    expect(shouldPrune(curve([[10, 6.5]]), 10, completed, opts)).toBe(true); // median at 10 is 6
    expect(shouldPrune(curve([[10, 5.5]]), 10, completed, opts)).toBe(false);
    expect(shouldPrune(curve([[10, 6]]), 10, completed, opts)).toBe(false); // equal to the median is not worse
  });
  it('compares the trial\'s best value so far, not its latest', () => {
    // latest (20: 9) is far worse than the median at 20 (5), but its best so far (4.5) is not
    expect(shouldPrune(curve([[10, 4.5], [20, 9]]), 20, completed, opts)).toBe(false);
  });
  it('uses only the completed trials that reached the step', () => {
    // at step 30 only two completed trials reported: median 4
    expect(shouldPrune(curve([[30, 4.2]]), 30, completed, opts)).toBe(true);
    expect(shouldPrune(curve([[30, 3.9]]), 30, completed, opts)).toBe(false);
  });
  it('does not prune before enough trials completed, in warm-up, or where no completed trial reported', () => {
    expect(shouldPrune(curve([[10, 100]]), 10, completed, { startupTrials: 4, warmupSteps: 0 })).toBe(false);
    expect(shouldPrune(curve([[10, 100]]), 10, [], { startupTrials: 0, warmupSteps: 0 })).toBe(false);
    expect(shouldPrune(curve([[10, 100]]), 10, completed, { startupTrials: 3, warmupSteps: 11 })).toBe(false);
    expect(shouldPrune(curve([[40, 100]]), 40, completed, opts)).toBe(false);
  });
  it('prunes a trial whose values are all NaN', () => {
    expect(shouldPrune(curve([[10, NaN]]), 10, completed, opts)).toBe(true);
  });
});

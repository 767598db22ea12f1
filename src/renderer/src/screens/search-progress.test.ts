// The search's progress line: progress while it runs, a finished tally once it has ended.
import { describe, expect, it } from 'vitest';
import { asRunId, type RunStatus, type TrialInfo, type TuningStatus } from '../../../shared/domain';
import { searchProgressText } from './search-progress';

const trial = (n: number, status: RunStatus, pruned = false): TrialInfo => ({
  trial: n, runId: asRunId(`r${n}`), status, params: {}, rmseVal: status === 'FINISHED' ? 7 : null, trainSeconds: 1, pruned: pruned ? { step: 10, value: 9 } : null,
});
const search = (status: RunStatus, maxTrials: number, trials: TrialInfo[]): Pick<TuningStatus, 'status' | 'maxTrials' | 'algo' | 'trials'> => ({ status, maxTrials, algo: 'tpe', trials });
const finished = (n: number) => Array.from({ length: n }, (_, i) => trial(i + 1, 'FINISHED'));

describe('search progress line', () => {
  it('while running: how many of the planned trials are done, pruned and running', () => {
    expect(searchProgressText(search('RUNNING', 12, [...finished(7), trial(8, 'KILLED', true), trial(9, 'RUNNING')])))
      .toBe('7 of 12 trials done · 1 pruned · 1 running · TPE');
  });

  it('once finished: says it is done and how each trial ended (pruned trials are not missing)', () => {
    const s = search('FINISHED', 12, [...finished(10), trial(11, 'KILLED', true), trial(12, 'KILLED', true)]);
    expect(searchProgressText(s)).toBe('Done: 12 trials — 10 complete, 2 pruned · TPE');
    expect(searchProgressText(s)).not.toMatch(/of 12/);
    expect(searchProgressText(search('FINISHED', 10, finished(10)))).toBe('Done: 10 trials — all complete · TPE');
    expect(searchProgressText(search('FINISHED', 1, finished(1)))).toBe('Done: 1 trial — all complete · TPE');
    expect(searchProgressText(search('FINISHED', 3, [...finished(2), trial(3, 'FAILED')]))).toBe('Done: 3 trials — 2 complete, 1 failed · TPE');
  });

  it('cancelled: how far it got and what became of the trials that were running', () => {
    expect(searchProgressText(search('KILLED', 4, [trial(1, 'KILLED'), trial(2, 'KILLED')]))).toBe('Cancelled after 2 of 4 trials — 0 complete, 2 killed · TPE');
    expect(searchProgressText(search('FAILED', 5, [...finished(1), trial(2, 'FAILED')]))).toBe('Failed after 2 of 5 trials — 1 complete, 1 failed · TPE');
  });
});

// Train and Tune's starting datasets: consecutive months of one kind, and the warnings for odd pairs.
import { dataset } from './store/test-support';
import { describe, expect, it } from 'vitest';
import type { Dataset, TlcKind } from '../../shared/domain';
import { defaultPair, initialSets, pairWarnings, recallSets, rememberSets, setWarnings } from './dataset-choice';

const ds = (id: string, month: string, kind: TlcKind, createdMs: number): Dataset => ({ ...dataset(id, month), kind, createdMs });

describe('default train/validation pair', () => {
  it('takes consecutive months of one kind, not the last imported file (the yellow cut)', () => {
    const list = [ds('g1', '2023-01', 'green', 1), ds('g2', '2023-02', 'green', 2), ds('y3', '2023-03', 'yellow', 3)];
    expect(defaultPair(list)).toEqual({ train: 'g1', val: 'g2' });
  });

  it('prefers the latest consecutive pair, and of duplicates the newest import', () => {
    const list = [ds('g1', '2023-01', 'green', 1), ds('g2', '2023-02', 'green', 2), ds('g3', '2023-03', 'green', 3), ds('g3b', '2023-03', 'green', 4)];
    expect(defaultPair(list)).toEqual({ train: 'g2', val: 'g3b' });
  });

  it('falls back to one kind in month order when no months are consecutive', () => {
    expect(defaultPair([ds('y5', '2023-05', 'yellow', 1), ds('g1', '2023-01', 'green', 2), ds('g4', '2023-04', 'green', 3)])).toEqual({ train: 'g1', val: 'g4' });
    expect(defaultPair([])).toBeNull();
  });
});

describe('pair warnings', () => {
  const jan = ds('g1', '2023-01', 'green', 1);
  const feb = ds('g2', '2023-02', 'green', 2);
  it('says nothing for the course recipe', () => expect(pairWarnings(jan, feb)).toEqual([]));
  it('names differing kinds, a val month before train, a gap and the same file', () => {
    expect(pairWarnings(ds('y3', '2023-03', 'yellow', 1), jan).join(' ')).toMatch(/Train is yellow but validation is green.*comes before the train month/);
    expect(pairWarnings(jan, ds('g4', '2023-04', 'green', 1))[0]).toMatch(/2023-04 is not the month after the train month 2023-01/);
    expect(pairWarnings(jan, jan)[0]).toMatch(/same file/);
  });
});

describe('several datasets per role (a year of months)', () => {
  const months = ['2023-01', '2023-02', '2023-03', '2023-04'].map((m, k) => ds(`g${k + 1}`, m, 'green', k + 1));
  const store = new Map<string, string>();
  const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
  (globalThis as { localStorage?: unknown }).localStorage = storage;

  it('remembers sets, drops ids that no longer exist, and reads a pair remembered before sets existed', () => {
    rememberSets('train', { train: ['g1', 'g2', 'gone'], val: ['g3'] });
    expect(recallSets('train', months)).toEqual({ train: ['g1', 'g2'], val: ['g3'] });
    store.set('meter.datasets.train', JSON.stringify({ train: 'g2', val: 'g3' }));
    expect(recallSets('train', months)).toEqual({ train: ['g2'], val: ['g3'] });
    store.set('meter.datasets.train', JSON.stringify({ train: ['gone'], val: ['g3'] }));
    expect(recallSets('train', months)).toBeNull();
    expect(initialSets('train', months)).toEqual({ train: ['g3'], val: ['g4'] });
  });

  it('warns about a role mixing kinds, a file in both roles, and judges months from the latest train month', () => {
    const y = ds('y2', '2023-02', 'yellow', 9);
    expect(setWarnings([months[0], y], [months[2]])[0]).toMatch(/Train files mix kinds \(green, yellow\)/);
    expect(setWarnings(months.slice(0, 2), [months[1], months[2]])).toEqual([expect.stringMatching(/g2\.parquet is in both train and validation/)]);
    expect(setWarnings(months.slice(0, 3), [months[3]])).toEqual([]);
    expect(setWarnings(months.slice(0, 2), [months[3]])).toEqual([expect.stringMatching(/2023-04 is not the month after the train month 2023-02/)]);
  });
});

import { describe, expect, it } from 'vitest';
import { displayCount, displayIndex, expansions, slotAt, type Slot } from './run-tree';

describe('runs table as a tree', () => {
  // 6 top-level rows; rows 1 and 4 expanded with 2 and 3 children; 'c' expanded but not loaded yet
  const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
  const exps = expansions((id) => { const i = ids.indexOf(id); return i < 0 ? undefined : i; }, { e: [1, 2, 3], b: [1, 2], c: null, zz: [1] });

  it('orders expansions by their parent and skips unloaded or unknown parents', () => {
    expect(exps).toEqual([{ top: 1, count: 2 }, { top: 4, count: 3 }]);
    expect(displayCount(6, exps)).toBe(11);
  });

  it('maps every display index to its row, children right below their parent, and back', () => {
    const expected: Slot[] = [
      { top: 0, child: null }, { top: 1, child: null }, { top: 1, child: 0 }, { top: 1, child: 1 }, { top: 2, child: null }, { top: 3, child: null },
      { top: 4, child: null }, { top: 4, child: 0 }, { top: 4, child: 1 }, { top: 4, child: 2 }, { top: 5, child: null },
    ];
    expect(Array.from({ length: 11 }, (_, i) => slotAt(i, exps))).toEqual(expected);
    expect(expected.map((s) => displayIndex(s, exps))).toEqual(expected.map((_, i) => i));
  });

  it('is the identity with nothing expanded', () => {
    expect(slotAt(7, [])).toEqual({ top: 7, child: null });
    expect(displayIndex({ top: 7, child: null }, [])).toBe(7);
  });
});

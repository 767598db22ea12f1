// The data behind the study plots: varying parameters, slice points, EDF steps and the contour grid.
import { describe, expect, it } from 'vitest';
import { asRunId, type TrialInfo } from '../../../shared/domain';
import { contourGrid, edfPoints, slicePoints, varyingParams } from './study-plots';

const trial = (n: number, params: Record<string, string>, rmseVal: number | null, pruned: TrialInfo['pruned'] = null): TrialInfo => ({
  trial: n, runId: asRunId(`r${n}`), status: rmseVal === null ? 'KILLED' : 'FINISHED', params: { model: 'gbt', ...params }, rmseVal, trainSeconds: 1, pruned,
});

describe('study plots', () => {
  const trials = [
    trial(1, { lr: '0.001', depth: '3', fs: 'basic' }, 6),
    trial(2, { lr: '0.01', depth: '5', fs: 'pu_do' }, 5),
    trial(3, { lr: '0.3', depth: '5', fs: 'basic' }, 4),
    trial(4, { lr: '0.5', depth: '9', fs: 'basic' }, null, { step: 10, value: 9 }),
  ];

  it('lists the parameters that varied among completed trials, with their kind and scale', () => {
    const axes = varyingParams(trials);
    expect(axes.map((a) => a.param)).toEqual(['depth', 'fs', 'lr']); // model is fixed
    expect(axes.find((a) => a.param === 'lr')).toMatchObject({ numeric: true, log: true });
    expect(axes.find((a) => a.param === 'depth')).toMatchObject({ numeric: true, log: false });
    expect(axes.find((a) => a.param === 'fs')).toMatchObject({ numeric: false, categories: ['basic', 'pu_do'] });
    // a loguniform parameter of the space is drawn on a log axis even over a narrow range (3 to 5 here)
    expect(varyingParams(trials, ['depth']).find((a) => a.param === 'depth')).toMatchObject({ log: true });
  });

  it('slices: one point per completed trial (pruned ones have no objective), categories at their index', () => {
    const [depth, fs] = varyingParams(trials);
    expect(slicePoints(trials, depth)).toEqual([{ x: 3, y: 6, trial: 1 }, { x: 5, y: 5, trial: 2 }, { x: 5, y: 4, trial: 3 }]);
    expect(slicePoints(trials, fs).map((p) => p.x)).toEqual([0, 1, 0]);
  });

  it('EDF: the share of trials at or below each objective, ties as one step', () => {
    const t = [trial(1, {}, 5), trial(2, {}, 4), trial(3, {}, 5), trial(4, {}, 7), trial(5, {}, null)];
    expect(edfPoints(t)).toEqual([[4, 0.25], [5, 0.75], [7, 1]]);
    expect(edfPoints([])).toEqual([]);
  });

  it('contour: interpolates between trials, exact near a trial, in the log of a log axis', () => {
    const t = [
      trial(1, { a: '0.001', b: '0' }, 10), trial(2, { a: '0.1', b: '0' }, 2),
      trial(3, { a: '0.001', b: '1' }, 10), trial(4, { a: '0.1', b: '1' }, 2),
    ];
    const [a, b] = varyingParams(t);
    expect(a.log).toBe(true);
    const g = contourGrid(t, a, b, 4)!;
    // 5% past the extreme trials, in log: 0.001 / 100^0.05 … 0.1 · 100^0.05
    expect(g.xEdges[0]).toBeCloseTo(0.001 / 100 ** 0.05, 6);
    expect(g.xEdges[2]).toBeCloseTo(0.01); // the middle edge is the geometric mean
    expect(g.xEdges[4]).toBeCloseTo(0.1 * 100 ** 0.05, 6);
    expect(g.yEdges[0]).toBeCloseTo(-0.05);
    expect(g.yEdges[4]).toBeCloseTo(1.05);
    expect(g.z).toHaveLength(4);
    // low `a` is bad, high `a` good, and `b` doesn't matter: each row falls from left to right
    for (const row of g.z) {
      for (let i = 1; i < row.length; i++) expect(row[i]).toBeLessThan(row[i - 1]);
      expect(row[0]).toBeGreaterThan(6);
      expect(row[3]).toBeLessThan(6);
    }
    expect(g.z[0][1]).toBeCloseTo(g.z[3][1]);
    expect(g.min).toBeGreaterThanOrEqual(2);
    expect(g.max).toBeLessThanOrEqual(10);
    expect(contourGrid(t.slice(0, 2), a, b)).toBeNull();
  });
});

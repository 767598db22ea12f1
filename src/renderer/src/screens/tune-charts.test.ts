// The search history's log toggle and its pruned trials.
import { describe, expect, it } from 'vitest';
import { asRunId, type TrialInfo, type TuningStatus } from '../../../shared/domain';
import { importanceOption, lossOption } from './tune-charts';
import { textsOutside } from './chart-bounds.test-support';

const trial = (n: number, rmseVal: number | null, pruned: TrialInfo['pruned'] = null): TrialInfo => ({
  trial: n, runId: asRunId(`r${n}`), status: rmseVal === null ? 'KILLED' : 'FINISHED', params: {}, rmseVal, trainSeconds: 1, pruned,
});
const status = (trials: TrialInfo[]): TuningStatus => ({
  tuningId: asRunId('s'), name: 's', algo: 'tpe', status: 'FINISHED', maxTrials: trials.length, pruning: true, trials, best: null, importance: [], logParams: [],
});

type Series = { name: string; data: number[][] };
const seriesOf = (o: ReturnType<typeof lossOption>, name: string): Series => (o.series as Series[]).find((x) => x.name === name)!;

describe('loss per trial', () => {
  const s = status([trial(1, 8), trial(2, 5), trial(3, null, { step: 20, value: 9 }), trial(4, 6)]);

  it('draws the best so far as a step line and pruned trials apart at their last value and round', () => {
    const o = lossOption(s);
    expect(seriesOf(o, 'trial rmse_val').data).toEqual([[1, 8], [2, 5], [4, 6]]);
    expect(seriesOf(o, 'best so far').data).toEqual([[1, 8], [2, 5], [4, 5]]);
    expect(seriesOf(o, 'pruned (last value)').data).toEqual([[3, 9, 20]]);
  });

  it('on the log scale plots log10 of the loss and labels the axis in loss units', () => {
    const o = lossOption(s, true);
    expect(seriesOf(o, 'trial rmse_val').data.map((p) => p[1])).toEqual([Math.log10(8), Math.log10(5), Math.log10(6)]);
    expect(seriesOf(o, 'pruned (last value)').data[0][1]).toBeCloseTo(Math.log10(9));
    const label = (o.yAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter;
    expect(label(Math.log10(5))).toBe('5');
    expect(label(1)).toBe('10');
    expect(lossOption(status([trial(1, 8)])).series).toHaveLength(2); // no pruned series without pruned trials
  });
});

describe('parameter importance', () => {
  const withImportance = (importance: TuningStatus['importance']): TuningStatus => ({ ...status([trial(1, 8)]), importance });

  it('keeps every label inside the chart: a bar near 1 keeps its value label, a long parameter name its name', () => {
    // the newcomer's search: one parameter explains nearly all, so its bar (and the value after it) reaches the edge
    const s = withImportance([{ param: 'learningRate', importance: 0.987 }, { param: 'minSamplesLeaf', importance: 0.013 }]);
    for (const width of [340, 480, 760]) expect(textsOutside(importanceOption(s), width), `at ${width} px`).toEqual([]);
    const full = withImportance([{ param: 'alpha', importance: 1 }]);
    expect(textsOutside(importanceOption(full), 340)).toEqual([]);
  });

  it('shortens a parameter name too long for the chart and keeps it whole in the tooltip', () => {
    const long = 'model.gbt.minimumChildWeightPerLeafNode';
    const o = importanceOption(withImportance([{ param: long, importance: 0.6 }, { param: 'alpha', importance: 0.4 }]));
    expect(textsOutside(o, 340)).toEqual([]);
    const tip = (o.tooltip as { formatter: (p: { name: string; value: number }) => string }).formatter;
    expect(tip({ name: long, value: 0.6 })).toContain(long);
  });
});

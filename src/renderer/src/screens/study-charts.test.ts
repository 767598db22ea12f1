// The study plots' axes: a categorical parameter (featureSet) is labelled at its categories, in the slice and
// the contour alike (its ticks started at −0.5 and fell between the categories, so no label showed).
import { describe, expect, it } from 'vitest';
import { asRunId, type TrialInfo } from '../../../shared/domain';
import { contourOption, sliceOption } from './study-charts';
import { contourGrid, varyingParams } from './study-plots';

const trial = (n: number, fs: string, alpha: string, rmseVal: number): TrialInfo => ({
  trial: n, runId: asRunId(`r${n}`), status: 'FINISHED', params: { model: 'ridge', featureSet: fs, alpha }, rmseVal, trainSeconds: 1, pruned: null,
});

describe('study chart axes', () => {
  const trials = [trial(1, 'pu_do', '0.01', 7.1), trial(2, 'basic', '1', 7.6), trial(3, 'pu_do', '10', 7.3), trial(4, 'basic', '0.1', 7.7)];
  const [alpha, fs] = varyingParams(trials, ['alpha']);
  type Axis = { axisLabel: { customValues?: number[]; formatter: (v: number) => string }; axisTick?: { customValues?: number[] }; type: string };

  it('labels a categorical axis at each category, in order, and nowhere else', () => {
    const x = sliceOption(trials, fs, 4).xAxis as Axis;
    expect(x.axisLabel.customValues).toEqual([0, 1]);
    expect(x.axisTick?.customValues).toEqual([0, 1]);
    expect(x.axisLabel.customValues!.map((v) => x.axisLabel.formatter(v))).toEqual(['basic', 'pu_do']);
    const grid = contourGrid(trials, fs, alpha)!;
    const cx = contourOption(trials, fs, alpha, grid).xAxis as Axis;
    expect(cx.axisLabel.customValues!.map((v) => cx.axisLabel.formatter(v))).toEqual(['basic', 'pu_do']);
  });

  it('leaves a numeric axis to echarts\' ticks (log for a loguniform parameter)', () => {
    const x = sliceOption(trials, alpha, 4).xAxis as Axis;
    expect(x.type).toBe('log');
    expect(x.axisLabel.customValues).toBeUndefined();
  });
});

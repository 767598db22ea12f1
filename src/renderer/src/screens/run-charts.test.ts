// A run page's error bars: the axis name whole above the plot (newcomer trial 4: "minutes" was cut at the top).
import { describe, expect, it } from 'vitest';
import { crowdedTexts } from './chart-bounds.test-support';
import { errorBarsOption } from './run-charts';

describe('error bars', () => {
  it("draws the logged errors from 0 with 'minutes' inside the chart, clear of the ticks", () => {
    const o = errorBarsOption({ rmse_train: 7.04, rmse_val: 7.356, mae_val: 5.048, r2_val: 0.38 })!;
    expect(o.xAxis.data).toEqual(['rmse_train', 'rmse_val', 'mae_val']);
    expect(crowdedTexts(o, ['minutes'], 900, 300)).toEqual([]);
    expect(crowdedTexts(o, ['minutes'], 400, 300)).toEqual([]);
  });

  it('is no chart for a run that logged no errors', () => {
    expect(errorBarsOption({ n_features: 3 })).toBeNull();
  });
});

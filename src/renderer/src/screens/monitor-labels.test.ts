// Report names and alert badges in words (newcomer trial: "models:/taxi-duration/1" and a bare "⚠ 3").
import { describe, expect, it } from 'vitest';
import type { MonitoringAlert, ScoringModelRef } from '../../../shared/domain';
import { alertSummary, modelLabel, reportTitle } from './monitor-labels';

const v1: ScoringModelRef = { uri: 'models:/taxi-duration/1', name: 'taxi-duration', version: 1, runId: '0123456789abcdef' };

describe('report names', () => {
  it('names the version with the alias its URI used, else the aliases it holds now', () => {
    expect(reportTitle(v1, '2023-03', { champion: 1, challenger: 2 })).toBe('taxi-duration v1 @champion, 2023-03');
    expect(reportTitle({ ...v1, uri: 'models:/taxi-duration@challenger', version: 2 }, '2023-03', { champion: 2, challenger: 2 })).toBe('taxi-duration v2 @challenger, 2023-03');
    expect(reportTitle(v1, null)).toBe('taxi-duration v1');
    expect(modelLabel({ uri: 'runs:/0123456789abcdef/model', name: null, version: null, runId: '0123456789abcdef' })).toBe('run 01234567');
  });
});

describe('alert badges', () => {
  const share: MonitoringAlert = { rule: { metric: 'drift_share', threshold: 0.5 }, columns: ['PULocationID', 'DOLocationID', 'trip_distance'], value: 1, message: 'Dataset drift share 1.00 ≥ 0.5 (…)' };
  const rmse: MonitoringAlert = { rule: { metric: 'rmse_change', threshold: 0.1 }, columns: [], value: 0.1834, message: 'RMSE up 18.3% against validation (rule: up > 10.0%)' };

  it('says what each alert counts, each once', () => {
    expect(alertSummary([share, rmse])).toBe('3 drifted columns · RMSE +18%');
    expect(alertSummary([{ ...rmse, rule: { metric: 'mae_change', threshold: -0.5 }, value: -0.042 }])).toBe('MAE −4.2%');
    expect(alertSummary([{ rule: { metric: 'column_drift', column: 'prediction' }, columns: ['prediction'], value: 0.2, message: '' }, { ...share, columns: ['PULocationID'] }]))
      .toBe('prediction drifted · 1 drifted column');
    expect(alertSummary([])).toBe('');
    expect(alertSummary([{ ...rmse, value: -0.0004 }])).toBe('RMSE ±0%');
  });

  it('reads the change from the message of a report made before the value was kept', () => {
    expect(alertSummary([{ rule: rmse.rule, columns: [], message: 'RMSE down 3.0% against validation (rule: up > -50.0%)' }])).toBe('RMSE −3%');
  });
});

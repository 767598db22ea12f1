// A pruned trial reads PRUNED (with the step it stopped at); every other run, and a trial tagged PRUNED that
// finished after all (its tag set back to COMPLETE, or a status other than KILLED), reads its stored status.
import { describe, expect, it } from 'vitest';
import { shownStatus } from './run-status';

const run = (status: 'FINISHED' | 'KILLED' | 'FAILED' | 'RUNNING', tags: Record<string, string> = {}, model = 'lasso') => ({ status, tags, params: { model } });

describe('shownStatus', () => {
  it('shows a pruned trial as PRUNED, naming the step in the model\'s terms and how to filter for it', () => {
    const s = shownStatus(run('KILLED', { 'meter.trial_state': 'PRUNED', 'meter.pruned_step': '15', 'meter.pruned_value': '7.25' }));
    expect(s.label).toBe('PRUNED');
    expect(s.title).toBe("The pruner stopped this trial after 15 coordinate-descent sweeps (rmse_val 7.2500 there). Stored as KILLED; find pruned trials with tags.meter.trial_state = 'PRUNED'.");
    expect(shownStatus(run('KILLED', { 'meter.trial_state': 'PRUNED', 'meter.pruned_step': '30' }, 'gbt')).title).toMatch(/^The pruner stopped this trial after 30 boosting rounds\. /);
  });

  it('leaves other runs as stored: a cancelled run is KILLED, a trial that completed is its status', () => {
    expect(shownStatus(run('KILLED'))).toEqual({ label: 'KILLED', title: undefined });
    expect(shownStatus(run('FINISHED', { 'meter.trial_state': 'COMPLETE' }))).toEqual({ label: 'FINISHED', title: undefined });
    expect(shownStatus(run('FINISHED', { 'meter.trial_state': 'PRUNED' }))).toEqual({ label: 'FINISHED', title: undefined });
    expect(shownStatus(run('FAILED')).label).toBe('FAILED');
  });
});

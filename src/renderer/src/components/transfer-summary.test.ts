// The line that says how an MLflow push or import ended: a dry run speaks of its own direction, with counts.
import { describe, expect, it } from 'vitest';
import type { MlflowTransferResult, TransferCounts } from '../../../shared/mlflow-transfer';
import { transferEndedText } from './transfer-summary';

const counts = (c: Partial<TransferCounts>): TransferCounts => ({ experiments: 0, runs: 0, metrics: 0, artifacts: 0, models: 0, versions: 0, skipped: 0, errors: 0, ...c });
const result = (direction: 'push' | 'import', dryRun: boolean, c: Partial<TransferCounts>, problems: string[] = []): MlflowTransferResult =>
  ({ direction, dryRun, cancelled: false, counts: counts(c), problems });

describe('how an MLflow transfer ended', () => {
  it('an import dry run says nothing was imported (not "sent") and what an import would bring', () => {
    const text = transferEndedText({ direction: 'import', state: 'succeeded' }, result('import', true, { skipped: 3 }));
    expect(text).toBe('Dry run: nothing was imported. An import would bring 0 runs and 0 model versions; 3 already in Meter.');
    expect(text).not.toMatch(/sent/);
    expect(transferEndedText({ direction: 'import', state: 'succeeded' }, result('import', true, { runs: 12, versions: 1 })))
      .toBe('Dry run: nothing was imported. An import would bring 12 runs and 1 model version.');
  });

  it('a push dry run says nothing was sent, and what a push would send', () => {
    expect(transferEndedText({ direction: 'push', state: 'succeeded' }, result('push', true, { runs: 1, versions: 2, skipped: 1 })))
      .toBe('Dry run: nothing was sent. A push would send 1 run and 2 model versions; 1 already on the server.');
  });

  it('a real transfer tallies what moved, what was skipped and what was refused', () => {
    expect(transferEndedText({ direction: 'import', state: 'succeeded' }, result('import', false, { runs: 3, skipped: 2, errors: 1 }, ['run x: refused'])))
      .toBe('Done: imported 3 runs and 0 model versions; 2 skipped (already in Meter, or see why below); 1 refused.');
    // a re-import that only brought files a run here lacked says so
    expect(transferEndedText({ direction: 'import', state: 'succeeded' }, result('import', false, { artifacts: 3, versions: 2, skipped: 2 })))
      .toBe('Done: imported 0 runs and 2 model versions, and 3 artifact files for runs already in Meter; 2 already in Meter.');
    expect(transferEndedText({ direction: 'push', state: 'cancelled' }, null)).toBe('Cancelled: what went is kept; push again to send the rest');
    expect(transferEndedText({ direction: 'import', state: 'failed' }, null)).toBe('Stopped');
  });
});

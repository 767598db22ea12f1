// A run's status word, coloured by status (PRUNED for a trial the pruner stopped, with why in its tooltip).
import type { RunRow } from '../../../shared/domain';
import { shownStatus } from './run-status';

export function RunStatus({ run }: { run: Pick<RunRow, 'status' | 'tags' | 'params'> }) {
  const s = shownStatus(run);
  return <span className={`status ${s.label}`} title={s.title}>{s.label}</span>;
}

// Scoring trips of another kind than the model was trained on (yellow with a model trained on green) is
// allowed (a user may compare on purpose), but never silent: each such file's record carries a warning,
// which the CLI prints and the Score screen shows beside the file's result.
import type { TlcKind } from '../../shared/domain';
import type { CoreContext } from '../context';
import type { ResolvedModel } from '../../shared/domain';
import { getVersion } from '../registry/registry-repo';
import { getRun } from '../store/runs-repo';

export interface TrainedOn { kinds: TlcKind[]; months: string[]; model: string }

/** What the model was trained on, from the version's dataset snapshot or the run's inputs; null if unrecorded. */
export function trainedOn(ctx: CoreContext, r: Pick<ResolvedModel, 'kind' | 'name' | 'version' | 'runId' | 'uri'>): TrainedOn | null {
  const train = r.kind === 'version' && r.name !== null && r.version !== null
    ? getVersion(ctx.db, r.name, r.version).datasets.filter((d) => d.role === 'train').map((d) => ({ kind: d.kind, month: d.month }))
    : getRun(ctx.db, r.runId as never).inputs.filter((i) => i.role === 'train').map((i) => ({ kind: i.dataset.kind, month: i.dataset.pickupMonth }));
  if (train.length === 0) return null;
  return {
    kinds: [...new Set(train.map((t) => t.kind))],
    months: [...new Set(train.map((t) => t.month).filter((m): m is string => m !== null))].sort(),
    model: r.uri,
  };
}

/** The warning for a file of `kind` scored by a model trained on other kinds; null when the kinds match. */
export function kindWarning(trained: TrainedOn | null, fileName: string, kind: TlcKind): string | null {
  if (trained === null || trained.kinds.includes(kind)) return null;
  const months = trained.months.length === 0 ? '' : trained.months.length === 1 ? ` (${trained.months[0]})` : ` (${trained.months[0]} to ${trained.months[trained.months.length - 1]})`;
  return `${fileName} holds ${kind} trips but ${trained.model} was trained on ${trained.kinds.join(' and ')} trips${months}; its predictions may be much worse than its validation RMSE says.`;
}

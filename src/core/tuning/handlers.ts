// Hyper-parameter tuning: a search is a task job whose trials are training jobs (child runs of its run).
import type { CoreContext } from '../context';
import type { Handlers } from '../jobs/handler-types';
import { cancelTuning, extendTuning, tuningStatus, startTuning } from './tuning-job';

export function tuningHandlers(ctx: CoreContext): Handlers<'tuning.start' | 'tuning.get' | 'tuning.extend' | 'tuning.cancel'> {
  return {
    'tuning.start': (a) => startTuning(ctx, a),
    'tuning.get': (a) => tuningStatus(ctx, a.tuningId),
    'tuning.extend': (a) => extendTuning(ctx, a.tuningId, a.trials),
    'tuning.cancel': (a) => cancelTuning(ctx, a.tuningId),
  };
}

// Search handlers: the request is checked here; the search itself lives in core/tuning.
import { MeterError } from '../../shared/errors';
import { asDatasetId, asRunId, type SearchAlgo } from '../../shared/domain';
import type { CoreContext } from '../context';
import { cancelSearch, searchStatus, startSearch } from '../tuning/search';
import type { Handlers } from './handlers';
import { argObject, optInt, optStr, str } from './validate';

export function tuningHandlers(ctx: CoreContext): Handlers<'tuning.start' | 'tuning.get' | 'tuning.cancel'> {
  return {
    'tuning.start': (a) => {
      const m = 'tuning.start';
      const o = argObject(a, m);
      if (typeof o.space !== 'object' || o.space === null || Array.isArray(o.space)) throw new MeterError('INVALID_ARGUMENT', `${m}: "space" must be a search-space object.`);
      const maxTrials = optInt(o, 'maxTrials', m) ?? 20;
      const budget = o.timeBudgetSec;
      if (budget !== undefined && (typeof budget !== 'number' || !(budget > 0))) throw new MeterError('INVALID_ARGUMENT', `${m}: "timeBudgetSec" must be a positive number of seconds.`);
      return startSearch(ctx, {
        experiment: str(o, 'experiment', m), runName: optStr(o, 'runName', m), train: asDatasetId(str(o, 'train', m)), val: asDatasetId(str(o, 'val', m)),
        space: o.space as Record<string, unknown>, algo: (optStr(o, 'algo', m) ?? 'tpe') as SearchAlgo, maxTrials,
        timeBudgetSec: budget as number | undefined, parallel: optInt(o, 'parallel', m), seed: optInt(o, 'seed', m),
      });
    },
    'tuning.get': (a) => searchStatus(ctx, asRunId(str(argObject(a, 'tuning.get'), 'searchId', 'tuning.get'))),
    'tuning.cancel': (a) => cancelSearch(ctx, asRunId(str(argObject(a, 'tuning.cancel'), 'searchId', 'tuning.cancel'))),
  };
}

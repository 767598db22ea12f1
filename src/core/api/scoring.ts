// Scoring and export handlers: the two ways a registered model leaves the registry (core/scoring, core/export).
import { asJobId } from '../../shared/domain';
import type { CoreContext } from '../context';
import { exportModel } from '../export/export-bundle';
import { listScoring, startScoring } from '../scoring/scoring-api';
import type { Handlers } from './handlers';
import { argObject, optInt, optStr, str, strList } from './validate';

export function scoringHandlers(ctx: CoreContext): Handlers<'scoring.start' | 'scoring.list' | 'models.export'> {
  return {
    'models.export': (a) => { const o = argObject(a, 'models.export'); return exportModel(ctx, o.uri, o.outDir); },
    'scoring.start': (a) => {
      const o = argObject(a, 'scoring.start');
      return startScoring(ctx, { modelUri: str(o, 'modelUri', 'scoring.start'), inputs: strList(o, 'inputs', 'scoring.start'), outputDir: optStr(o, 'outputDir', 'scoring.start') });
    },
    'scoring.list': (a) => {
      const o = argObject(a, 'scoring.list');
      const jobId = optStr(o, 'jobId', 'scoring.list');
      return listScoring(ctx, { name: optStr(o, 'name', 'scoring.list'), version: optInt(o, 'version', 'scoring.list'), jobId: jobId ? asJobId(jobId) : undefined, limit: optInt(o, 'limit', 'scoring.list') });
    },
  };
}

// The whole training job as a plain function: load → vectorize → fit → evaluate. Workers call it; tests
// call it directly. It reports progress and honours cancellation between phases and sweeps.
import type { CancelToken } from '../../shared/cancel';
import type { PartialFn, ProgressFn, TrainJobResult, TrainJobSpec, WorkerEnv } from '../../shared/jobs';
import { checkFeatureSet, checkModelKind, resolveParams } from '../../shared/model-params';
import type { LinearModelKind } from '../../shared/domain';
import { checkFiniteModel } from './model-file';
import { trainTrees } from './trees/train-trees';
import { trainLinear } from './train-linear';
import { openSources, type Role, type Sources } from './loaded-trips';

export type { Role, Sources };

/** `env.workerDir`: where a forest's tree-builder threads start from (the shell's worker folder); null builds in this thread. */
/** `partial`: where intermediate values go when `spec.reportEvery` asks for them (gbt's rounds, lasso's sweeps). */
export function trainModel(spec: TrainJobSpec, progress: ProgressFn, cancel: CancelToken, env: WorkerEnv = { workerDir: null }, partial?: PartialFn<'train'>): TrainJobResult | Promise<TrainJobResult> {
  const model = checkModelKind(spec.model);
  const featureSet = checkFeatureSet(spec.featureSet);
  const params = resolveParams(model, spec.params);
  // Every file's footer is checked (kinds, features) before any row is read; rows are then streamed.
  const src = openSources(spec, featureSet);
  if (model === 'rf' || model === 'gbt' || model === 'rf_ml') {
    const report = spec.reportEvery && partial ? { every: spec.reportEvery, post: partial } : null;
    return trainTrees(model, params, src, progress, cancel, env, report).then((r) => { checkFiniteModel(r.model, r.metrics, r.history); return r; });
  }
  return trainLinear(model as LinearModelKind, params, src, progress, cancel, spec.reportEvery && partial ? { every: spec.reportEvery, post: partial } : null);
}

// Between a trial's point in the search space and its run: the training request a draw describes, and — to
// continue a search — the draws a finished trial's params describe.
import { MeterError } from '../../shared/errors';
import type { FeatureSet, ModelKind } from '../../shared/domain';
import { checkFeatureSet, checkModelKind, resolveParams } from '../../shared/model-params';
import type { SearchSpace, SpaceValue } from '../../shared/tuning/space';
import { active, buildPoint, valuesOf, type Node } from './space';

export function toTrial(space: SearchSpace, nodes: Node[], draws: Map<string, number>): { model: ModelKind; featureSet: FeatureSet; params: Record<string, number> } {
  const point = buildPoint(space, valuesOf(nodes, draws));
  const { model, featureSet = 'basic', ...rest } = point;
  if (model === undefined) throw new MeterError('INVALID_ARGUMENT', 'Search space: set "model" (a model name, or a choice of sub-spaces each with its "model").');
  const params: Record<string, number> = {};
  for (const [k, v] of Object.entries(rest)) {
    if (typeof v !== 'number') throw new MeterError('INVALID_ARGUMENT', `Search space: ${k} must be numeric for a model parameter; got "${v}".`);
    params[k] = v;
  }
  const kind = checkModelKind(String(model));
  resolveParams(kind, params);
  return { model: kind, featureSet: checkFeatureSet(String(featureSet)), params };
}

/** Does a sub-space option describe these params? Its fixed values (its "model", say) must all match. */
function optionMatches(opt: SpaceValue, params: Record<string, string>): boolean {
  if (typeof opt !== 'object' || opt === null) return String(opt) === params.__value;
  return Object.entries(opt as SearchSpace).every(([k, v]) => (typeof v === 'number' || typeof v === 'string' ? params[k] === String(v) : true));
}

/**
 * The draws (sampling space: log of a log distribution, a choice's index) a trial's logged params describe,
 * or null when they fit no point of the space (the trial came from elsewhere). Quantized values come back as
 * their quantized draw, which TPE takes as any other observation.
 */
export function drawsOf(nodes: Node[], params: Record<string, string>): Map<string, number> | null {
  const draws = new Map<string, number>();
  const chosen = new Map<string, number>();
  for (const n of nodes) {
    if (!active(n, chosen)) continue;
    const raw = params[n.name];
    if (n.kind === 'choice') {
      const index = n.options.findIndex((o) => optionMatches(o, { ...params, __value: raw ?? '' }));
      if (index < 0) return null;
      draws.set(n.path, index);
      chosen.set(n.path, index);
    } else {
      const v = Number(raw);
      if (raw === undefined || !Number.isFinite(v)) return null;
      const log = n.dist.includes('log');
      if (log && v <= 0) { draws.set(n.path, n.low); continue; }
      draws.set(n.path, Math.min(n.high, Math.max(n.low, log ? Math.log(v) : v)));
    }
  }
  return draws;
}


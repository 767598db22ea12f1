// Model parameters: defaults as scikit-learn's, and validation that names the bad value. Used before a run is
// created (so bad input writes nothing) and again in the worker.
import { MeterError } from '../../shared/errors';
import { FEATURE_SETS, MODEL_KINDS, type FeatureSet, type ModelKind } from '../../shared/domain';

interface ParamRule { default: number; min: number; minExclusive: boolean; integer: boolean; help: string; max?: number }

const int = (d: number, min: number, max: number, help: string): ParamRule => ({ default: d, min, max, minExclusive: false, integer: true, help });
const real = (d: number, min: number, help: string, minExclusive = false, max?: number): ParamRule => ({ default: d, min, max, minExclusive, integer: false, help });

const RULES: Record<ModelKind, Record<string, ParamRule>> = {
  linear: {},
  ridge: { alpha: { default: 1, min: 0, minExclusive: true, integer: false, help: 'L2 penalty' } },
  lasso: {
    alpha: { default: 1, min: 0, minExclusive: true, integer: false, help: 'L1 penalty' },
    maxIter: { default: 1000, min: 1, minExclusive: false, integer: true, help: 'coordinate-descent sweeps' },
    tol: { default: 1e-4, min: 0, minExclusive: false, integer: false, help: 'duality-gap tolerance' },
  },
  rf: {
    nTrees: int(100, 1, 5000, 'number of trees'), maxDepth: int(10, 1, 40, 'maximum tree depth'),
    minSamplesLeaf: int(1, 1, 1_000_000, 'minimum trips in a leaf'), seed: int(0, 0, 2 ** 31 - 1, 'random seed'),
  },
  rf_ml: { nTrees: int(20, 1, 500, 'number of trees'), maxDepth: int(10, 1, 40, 'maximum tree depth'), seed: int(0, 0, 2 ** 31 - 1, 'random seed') },
  gbt: {
    nRounds: int(500, 1, 20_000, 'boosting rounds (most)'), learningRate: real(0.1, 0, 'shrinkage per round', true, 1),
    maxDepth: int(6, 1, 30, 'maximum tree depth'), minChildWeight: real(1, 0, 'minimum trips on each side of a split'),
    subsample: real(1, 0, 'fraction of trips per round', true, 1), lambda: real(1, 0, 'L2 penalty on leaf values'),
    alpha: real(0, 0, 'L1 penalty on leaf values'), earlyStopping: int(20, 1, 20_000, 'rounds without validation gain before stopping'),
    seed: int(0, 0, 2 ** 31 - 1, 'random seed'),
  },
};

export function checkModelKind(model: string): ModelKind {
  if (!(MODEL_KINDS as readonly string[]).includes(model)) {
    throw new MeterError('INVALID_ARGUMENT', `Unknown model "${model}"; choose one of ${MODEL_KINDS.join(', ')}.`);
  }
  return model as ModelKind;
}

export function checkFeatureSet(featureSet: string): FeatureSet {
  if (!(FEATURE_SETS as readonly string[]).includes(featureSet)) {
    throw new MeterError('INVALID_ARGUMENT', `Unknown feature set "${featureSet}"; choose one of ${FEATURE_SETS.join(', ')}.`);
  }
  return featureSet as FeatureSet;
}

/** Fills defaults and refuses unknown names and out-of-range values. */
export function resolveParams(model: ModelKind, given: Record<string, number> = {}): Record<string, number> {
  const rules = RULES[model];
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(given)) {
    const rule = rules[name];
    if (!rule) {
      const known = Object.keys(rules);
      throw new MeterError('INVALID_ARGUMENT',
        `${model} has no parameter "${name}"${known.length ? `; it takes ${known.join(', ')}` : '; it takes none'}.`);
    }
    const bad = typeof value !== 'number' || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value)) ||
      (rule.minExclusive ? value <= rule.min : value < rule.min) || (rule.max !== undefined && value > rule.max);
    if (bad) {
      const bound = `${rule.minExclusive ? '>' : '≥'} ${rule.min}${rule.max !== undefined ? ` and ≤ ${rule.max}` : ''}`;
      throw new MeterError('INVALID_ARGUMENT', `${name} (${rule.help}) must be ${rule.integer ? 'an integer ' : 'a number '}${bound}; got ${String(value)}.`);
    }
    out[name] = value;
  }
  for (const [name, rule] of Object.entries(rules)) if (!(name in out)) out[name] = rule.default;
  return out;
}

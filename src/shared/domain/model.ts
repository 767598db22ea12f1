// The saved model format. Scoring and export load this file, so it is versioned: a reader refuses a
// formatVersion it does not know instead of guessing.

export type LinearModelKind = 'linear' | 'ridge' | 'lasso';
export type ModelKind = LinearModelKind;
export const MODEL_KINDS: readonly ModelKind[] = ['linear', 'ridge', 'lasso'];

/** basic: PULocationID and DOLocationID one-hot; pu_do: one PU_DO pair category. trip_distance when present. */
export type FeatureSet = 'basic' | 'pu_do';
export const FEATURE_SETS: readonly FeatureSet[] = ['basic', 'pu_do'];

export type CategoricalFeature = 'PULocationID' | 'DOLocationID' | 'PU_DO';
export type NumericFeature = 'trip_distance';

export interface FeatureSpec {
  featureSet: FeatureSet;
  categorical: CategoricalFeature[];
  numeric: NumericFeature[];
  /** How a missing numeric value is filled (TLC files rarely have any; fhv has no distance at all). */
  numericFill: 0;
}

/**
 * One one-hot group as DictVectorizer would build it: `keys[i]` is the category ("161", "161_141", or
 * "nan" for a missing id) and `coef[i]` its weight. A category not in `keys` contributes nothing.
 */
export interface CategoricalGroupWeights {
  feature: CategoricalFeature;
  keys: string[];
  coef: number[];
}

export interface LinearModelFile {
  format: 'meter.model';
  formatVersion: 1;
  model: LinearModelKind;
  params: Record<string, number>;
  featureSpec: FeatureSpec;
  target: { name: 'duration_minutes'; min: number; max: number };
  intercept: number;
  groups: CategoricalGroupWeights[];
  numeric: { feature: NumericFeature; coef: number }[];
  trainedOn: { rows: number; kind: string };
}

export type ModelFile = LinearModelFile;

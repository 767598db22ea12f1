// Search spaces, as hyperopt writes them (hp.uniform, hp.loguniform, hp.quniform, hp.qloguniform, hp.choice),
// in JSON. loguniform bounds are logs, as in hyperopt: {"loguniform": [-5, 0]} draws exp(U(-5, 0)).
// A choice may hold whole sub-spaces, so model-specific parameters nest under the model chosen:
//   {"model": {"choice": [{"model": "ridge", "alpha": {"loguniform": [-7, 2]}},
//                         {"model": "gbt", "learningRate": {"loguniform": [-4.6, -0.7]}, "maxDepth": {"quniform": [3, 10, 1]}}]}}
export type Dist =
  | { uniform: [number, number] }
  | { loguniform: [number, number] }
  | { quniform: [number, number, number] }
  | { qloguniform: [number, number, number] }
  | { choice: SpaceValue[] };

export type SpaceValue = number | string | Dist | SearchSpace;
export interface SearchSpace { [name: string]: SpaceValue }

/** One sampled point: flat parameter values (a choice of a sub-space merges that sub-space's values in). */
export type Point = Record<string, number | string>;

export const DIST_KINDS = ['uniform', 'loguniform', 'quniform', 'qloguniform', 'choice'] as const;

export function isDist(v: SpaceValue): v is Dist {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (DIST_KINDS as readonly string[]).includes(keys[0]);
}

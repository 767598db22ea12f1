// The DictVectorizer recipe without dictionaries: each categorical feature is a one-hot group stored as one
// column index per row (a CSR matrix whose values are all 1, never densified), plus dense numeric columns.
import { MeterError } from '../../shared/errors';
import type { CategoricalFeature, FeatureSet, FeatureSpec, NumericFeature } from '../../shared/domain';
import type { TripColumns } from '../data/tlc-reader';

export function featureSpecFor(featureSet: FeatureSet, hasDistance: boolean): FeatureSpec {
  const categorical: CategoricalFeature[] = featureSet === 'pu_do' ? ['PU_DO'] : ['PULocationID', 'DOLocationID'];
  const numeric: NumericFeature[] = hasDistance ? ['trip_distance'] : [];
  return { featureSet, categorical, numeric, numericFill: 0 };
}

// Location ids are small integers (1–265; -1 stands for a missing id). A pair packs into one exact
// double so the pair vocabulary is a Map<number, number> rather than a Map of strings.
const PAIR_BASE = 1 << 20;

export function keyColumn(feature: CategoricalFeature, trips: TripColumns): ArrayLike<number> {
  if (feature === 'PULocationID') return trips.pu;
  if (feature === 'DOLocationID') return trips.do;
  const keys = new Float64Array(trips.n);
  for (let i = 0; i < trips.n; i++) {
    const pu = trips.pu[i];
    const dropoff = trips.do[i];
    if (pu >= PAIR_BASE - 1 || dropoff >= PAIR_BASE - 1) {
      throw new MeterError('INVALID_ARGUMENT', `${trips.fileName} has a location id above ${PAIR_BASE - 2}; TLC zone ids are 1–265.`);
    }
    keys[i] = (pu + 1) * PAIR_BASE + (dropoff + 1);
  }
  return keys;
}

/** The category name DictVectorizer would use after `astype(str)`: "161", "nan", "161_141". */
export function keyLabel(feature: CategoricalFeature, key: number): string {
  const id = (v: number): string => (v < 0 ? 'nan' : String(v));
  if (feature !== 'PU_DO') return id(key);
  return `${id(Math.floor(key / PAIR_BASE) - 1)}_${id((key % PAIR_BASE) - 1)}`;
}

/** The inverse of keyLabel, used when a saved model is loaded for scoring. */
export function parseKeyLabel(feature: CategoricalFeature, label: string): number {
  const id = (s: string): number => (s === 'nan' ? -1 : Number(s));
  if (feature !== 'PU_DO') return id(label);
  const [pu, dropoff] = label.split('_');
  return (id(pu) + 1) * PAIR_BASE + (id(dropoff) + 1);
}

export interface Vocabulary {
  feature: CategoricalFeature;
  /** internal keys in column order (sorted, so training is deterministic) */
  keys: number[];
  index: Map<number, number>;
}

export function fitVocabularies(spec: FeatureSpec, trips: TripColumns): Vocabulary[] {
  return spec.categorical.map((feature) => {
    const col = keyColumn(feature, trips);
    const seen = new Set<number>();
    for (let i = 0; i < trips.n; i++) seen.add(col[i]);
    const keys = [...seen].sort((a, b) => a - b);
    return { feature, keys, index: new Map(keys.map((k, j) => [k, j])) };
  });
}

export interface CategoricalGroup {
  feature: CategoricalFeature;
  size: number;
  /** column within the group for each row; -1 when the category was not seen in training */
  codes: Int32Array;
}

export interface EncodedMatrix {
  n: number;
  groups: CategoricalGroup[];
  numeric: { feature: NumericFeature; values: Float64Array }[];
  nCols: number;
}

export function encode(spec: FeatureSpec, vocabs: Vocabulary[], trips: TripColumns): EncodedMatrix {
  const groups = vocabs.map((v) => {
    const col = keyColumn(v.feature, trips);
    const codes = new Int32Array(trips.n);
    for (let i = 0; i < trips.n; i++) codes[i] = v.index.get(col[i]) ?? -1;
    return { feature: v.feature, size: v.keys.length, codes };
  });
  const numeric = spec.numeric.map((feature) => {
    if (!trips.distance) {
      throw new MeterError('SCHEMA_MISMATCH', `${trips.fileName} (${trips.kind}) has no trip_distance, which this model uses.`);
    }
    return { feature, values: trips.distance };
  });
  const nCols = groups.reduce((s, g) => s + g.size, 0) + numeric.length;
  return { n: trips.n, groups, numeric, nCols };
}

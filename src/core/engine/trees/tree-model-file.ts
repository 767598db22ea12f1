// Tree ensembles in the saved model format (shared/domain/model.ts TreeModelFile), and back to a predictor.
import type { FeatureSpec, TreeModelFile, TreeModelKind } from '../../../shared/domain';
import type { TripColumns } from '../../data/tlc-reader';
import { MAX_MINUTES, MIN_MINUTES } from '../../data/tlc-reader';
import type { Tree } from './grow-tree';
import { rawFeatures, treeFeatures } from './tree-data';
import { compileTree, predictTrees } from './tree-predict';

export function buildTreeModelFile(args: {
  model: TreeModelKind; params: Record<string, number>; spec: FeatureSpec; trees: Tree[]; base: number; scale: number; trainRows: number; trainKind: string;
  /** overrides the kinds (ml-random-forest treats every feature as a number) */
  featureKinds?: ('category' | 'number')[] | null;
}): TreeModelFile {
  return {
    format: 'meter.model', formatVersion: 1, model: args.model, params: args.params, featureSpec: args.spec,
    target: { name: 'duration_minutes', min: MIN_MINUTES, max: MAX_MINUTES },
    features: treeFeatures(args.spec).map((f, i) => ({ ...f, kind: args.featureKinds?.[i] ?? f.kind })) as TreeModelFile['features'],
    base: args.base, scale: args.scale,
    trees: args.trees.map((t) => ({ feature: t.feature, value: t.value, left: t.left, right: t.right })),
    trainedOn: { rows: args.trainRows, kind: args.trainKind },
  };
}

export function treePredictor(file: TreeModelFile): { predict(trips: TripColumns): Float64Array } {
  const trees = file.trees.map(compileTree);
  const isCat = Uint8Array.from(file.features.map((f) => (f.kind === 'category' ? 1 : 0)));
  return {
    predict: (trips) => {
      const raw = rawFeatures(file.featureSpec, trips);
      return predictTrees(trees, isCat, raw.columns, raw.n, file.base, file.scale);
    },
  };
}

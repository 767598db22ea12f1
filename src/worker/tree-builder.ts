// A tree model's helper thread: a forest's share of the trees (see core/engine/trees/forest-parallel.ts), or
// shard 1's part of growing boosting's trees and ending its rounds (core/engine/trees/tree-team.ts), or the
// second half of the rows a trained model predicts (core/engine/trees/predict-parallel.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { buildTrees, type TreeBuilderInput, type TreeBuilderMessage } from '../core/engine/trees/forest-parallel';
import { serveTeam, type TeamInput } from '../core/engine/trees/tree-team';
import { servePredict, type PredictHelperInput } from '../core/engine/trees/predict-parallel';

const kind = (workerData as { kind?: string }).kind;
if (kind === 'tree-team') {
  serveTeam(workerData as TeamInput);
} else if (kind === 'tree-predict') {
  parentPort!.postMessage(servePredict(workerData as PredictHelperInput));
} else {
  const post = (m: TreeBuilderMessage) => parentPort!.postMessage(m);
  const finished = buildTrees(workerData as TreeBuilderInput, (t, tree) => post({ type: 'tree', t, tree }));
  post({ type: finished ? 'done' : 'cancelled' });
}

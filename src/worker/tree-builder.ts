// A forest's helper thread: builds its share of the trees (see core/engine/trees/forest-parallel.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { buildTrees, type TreeBuilderInput, type TreeBuilderMessage } from '../core/engine/trees/forest-parallel';

const input = workerData as TreeBuilderInput;
const post = (m: TreeBuilderMessage) => parentPort!.postMessage(m);
const sums = buildTrees(input, (t, tree) => post({ type: 'tree', t, tree }));
post(sums ? { type: 'done', sums } : { type: 'cancelled' });

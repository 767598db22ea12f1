// A forest's helper thread: builds its share of the trees (see core/engine/trees/forest-parallel.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { buildTrees, type TreeBuilderInput, type TreeBuilderMessage } from '../core/engine/trees/forest-parallel';

const post = (m: TreeBuilderMessage) => parentPort!.postMessage(m);
const finished = buildTrees(workerData as TreeBuilderInput, (t, tree) => post({ type: 'tree', t, tree }));
post({ type: finished ? 'done' : 'cancelled' });

// `node out/node/mlflow-only.js` (after `node scripts/build-node.mjs bench/mlflow-only.ts`): the MLflow part of `npm run bench` alone.
import { mlflowBench } from './mlflow-workload';

await mlflowBench();

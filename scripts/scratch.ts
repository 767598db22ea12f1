import { loadTrips } from '../src/core/data/tlc-reader';
import { encode, featureSpecFor, fitVocabularies } from '../src/core/engine/features';
import { solveRidge } from '../src/core/engine/ridge';
const D='/work/shared/data/';
const tr = loadTrips(D+'green_tripdata_2023-01.parquet');
for (const fs of ['basic','pu_do'] as const) {
  const spec = featureSpecFor(fs, true);
  for (let rep=0; rep<5; rep++) {
    let t=performance.now();
    const v = fitVocabularies(spec, tr); const X = encode(spec, v, tr);
    const t1=performance.now()-t; t=performance.now();
    solveRidge(X, tr.duration, 1e-4);
    console.log(fs, rep, t1.toFixed(1), (performance.now()-t).toFixed(1));
  }
}

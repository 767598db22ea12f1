import { loadTrips } from '../src/core/data/tlc-reader';
import { encode, featureSpecFor, fitVocabularies } from '../src/core/engine/features';
const tr = loadTrips('/work/shared/data/green_tripdata_2023-01.parquet');
const spec = featureSpecFor('basic', true);
const X = encode(spec, fitVocabularies(spec, tr), tr);
const m=253, n=X.n; const pu=X.groups[0].codes, dof=X.groups[1].codes, d=X.numeric[0].values;
for (let rep=0;rep<3;rep++){
let t=performance.now();
const C=new Float64Array(m*m), B=new Float64Array(262*m);
for (let i=0;i<n;i++){ const a=pu[i], p=dof[i], x=d[i]; C[a*m+a]+=1; C[a*m+250]+=x; C[a*m+252]+=1; C[250*m+250]+=x*x; B[p*m+a]+=1; B[p*m+250]+=x; B[p*m+252]+=1; }
console.log('direct', (performance.now()-t).toFixed(2));
}

'use strict';
// A Meter model as a web service: POST /predict and GET /health, plain Node, no dependencies.
// Run with `node server.js` (or `npm start`). PORT (default 8080) and HOST (default 127.0.0.1) set where
// it listens; one line is logged per request. Predictions are computed exactly as Meter computes them: for
// a linear model the intercept, then each one-hot group's weight for the ride's category, then each numeric
// weight × value; for a tree ensemble (rf, gbt) base + scale × each tree's leaf, tree by tree.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const MAX_BODY_BYTES = 1 << 20;
/** Rides per request: a bigger batch is refused 413 (send several requests). */
const MAX_RIDES = 1000;
/** A batch is scored this many rides at a time, yielding to the event loop between slices, so a single ride
 * sent while batches are being scored is answered within one slice, not after every batch. */
const SLICE_RIDES = 50;
/** trip_distance in miles: what a taxi ride can be. Outside it (negative, 1e308, …) the model would answer nonsense. */
const MAX_TRIP_MILES = 1000;
const model = JSON.parse(fs.readFileSync(path.join(__dirname, 'model.json'), 'utf8'));
const meta = JSON.parse(fs.readFileSync(path.join(__dirname, 'meter-bundle.json'), 'utf8'));
if (model.format !== 'meter.model' || model.formatVersion !== 1) throw new Error('model.json is not a Meter model (format version 1)');

const isTrees = model.model === 'rf' || model.model === 'gbt' || model.model === 'rf_ml';
const groups = isTrees ? [] : model.groups.map((g) => ({ feature: g.feature, weights: new Map(g.keys.map((k, i) => [k, g.coef[i]])) }));
const numeric = model.featureSpec.numeric.map((feature) => ({ feature, coef: isTrees ? 0 : model.numeric.find((n) => n.feature === feature).coef }));
const trees = isTrees ? model.trees : [];
const PAIR_BASE = 1 << 20;
/** A tree feature's raw value, as Meter's tree engine reads it: zone ids (−1 when missing), the packed pair, or a number. */
function treeValue(ride, name) {
  const id = (v) => (v === null || v === undefined ? -1 : v);
  if (name === 'PU_DO') return (id(ride.PULocationID) + 1) * PAIR_BASE + (id(ride.DOLocationID) + 1);
  if (name === 'PULocationID' || name === 'DOLocationID') return id(ride[name]);
  return ride[name];
}
const identity = { name: meta.name, version: meta.version, run_id: meta.runId };

/** Location ids as the training data spelled them: "161", or "nan" for a missing one. */
const idLabel = (v) => (v === null || v === undefined ? 'nan' : String(v));

/** A zone id as a client may send it: 132, or "132" as the course's Flask service (and a CSV) spells it. */
const DIGITS = /^\s*\d+\s*$/;
const describe = (v) => (typeof v === 'string' ? `"${v}" (a string)` : JSON.stringify(v));

const FIELDS = ['PULocationID', 'DOLocationID', ...numeric.map((n) => n.feature)];
const squash = (name) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
/** Edit distance, capped: only "close enough to be a typo" matters. */
function distance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length];
}
/** The field a key was probably meant to be ("DOLocation", "pulocationid", "trip_distnace"), when that field
 * is absent. Other extra keys are ignored, so a whole TLC record can be sent as it is. */
function misspelt(ride) {
  for (const key of Object.keys(ride)) {
    if (FIELDS.includes(key)) continue;
    const k = squash(key);
    const meant = FIELDS.find((f) => !(f in ride) && k.length >= 4 && (squash(f) === k || squash(f).startsWith(k) || k.startsWith(squash(f)) || distance(k, squash(f)) <= 2));
    if (meant) return { key, meant };
  }
  return null;
}

/** Checks a ride and reads its zone ids as numbers: { ride } to score, or { problem } naming the field. A
 * missing zone id is the unknown zone (the training data has them); a missing numeric feature is refused, and
 * so is a key that looks like a misspelt field (left out, the field would silently be the unknown zone). */
function readRide(ride, where) {
  if (typeof ride !== 'object' || ride === null || Array.isArray(ride)) return { problem: `${where} must be an object with PULocationID, DOLocationID and trip_distance` };
  const typo = misspelt(ride);
  if (typo) return { problem: `${where}.${typo.key} is not a field this model reads: did you mean ${typo.meant}? (the fields are ${FIELDS.join(', ')})` };
  const out = { ...ride };
  for (const f of ['PULocationID', 'DOLocationID']) {
    let v = ride[f];
    if (typeof v === 'string' && DIGITS.test(v)) v = Number(v);
    else if (typeof v === 'string') return { problem: `${where}.${f} must be a zone id (a whole number such as 132, or "132"); got ${describe(v)}` };
    if (v !== null && v !== undefined && !(Number.isInteger(v) && v >= 0 && v < 1048575)) return { problem: `${where}.${f} must be a zone id (a whole number) or null; got ${describe(v)}` };
    out[f] = v;
  }
  for (const n of numeric) {
    const v = ride[n.feature];
    if (v === undefined || v === null) return { problem: `${where}.${n.feature} is missing (a number${n.feature === 'trip_distance' ? ' of miles' : ''})` };
    if (typeof v !== 'number' || !Number.isFinite(v)) return { problem: `${where}.${n.feature} must be a number; got ${describe(v)}` };
    if (n.feature === 'trip_distance' && !(v >= 0 && v <= MAX_TRIP_MILES)) {
      return { problem: `${where}.trip_distance must be from 0 to ${MAX_TRIP_MILES} (miles); got ${v}` };
    }
  }
  return { ride: out };
}

function predictTrees(ride) {
  const x = model.features.map((f) => treeValue(ride, f.name));
  const cat = model.features.map((f) => f.kind === 'category');
  let y = model.base;
  for (const t of trees) {
    let node = 0;
    while (t.feature[node] >= 0) {
      const f = t.feature[node];
      node = (cat[f] ? x[f] === t.value[node] : x[f] <= t.value[node]) ? t.left[node] : t.right[node];
    }
    y += model.scale * t.value[node];
  }
  return y;
}

function predictOne(ride) {
  if (isTrees) return predictTrees(ride);
  let y = model.intercept;
  for (const g of groups) {
    const key = g.feature === 'PU_DO' ? `${idLabel(ride.PULocationID)}_${idLabel(ride.DOLocationID)}` : idLabel(ride[g.feature]);
    const w = g.weights.get(key);
    if (w !== undefined) y += w;
  }
  for (const n of numeric) y += n.coef * ride[n.feature];
  return y;
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Scores a batch SLICE_RIDES at a time, letting other requests in between slices. */
function predictBatch(batch, done) {
  const out = new Array(batch.length);
  let i = 0;
  const step = () => {
    const end = Math.min(i + SLICE_RIDES, batch.length);
    for (; i < end; i++) out[i] = predictOne(batch[i]);
    if (i < batch.length) setImmediate(step);
    else done(out);
  };
  step();
}

function handlePredict(req, res) {
  const chunks = [];
  let size = 0;
  let tooBig = false;
  req.on('data', (c) => {
    size += c.length;
    if (size > MAX_BODY_BYTES) { tooBig = true; return; }
    chunks.push(c);
  });
  req.on('end', () => {
    if (tooBig) return send(res, 413, { error: `request body is over ${MAX_BODY_BYTES} bytes; send at most ${MAX_RIDES} rides per request` });
    let body;
    try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { return send(res, 400, { error: 'the body is not valid JSON' }); }
    const batch = Array.isArray(body) ? body : body && Array.isArray(body.rides) ? body.rides : null;
    if (batch) {
      if (batch.length === 0) return send(res, 400, { error: `rides must hold 1 to ${MAX_RIDES} rides` });
      if (batch.length > MAX_RIDES) return send(res, 413, { error: `a request holds at most ${MAX_RIDES} rides; got ${batch.length}. Split the batch.`, limit: MAX_RIDES });
      const rides = new Array(batch.length);
      for (let i = 0; i < batch.length; i++) {
        const r = readRide(batch[i], `rides[${i}]`);
        if (r.problem) return send(res, 400, { error: r.problem, field: r.problem.split(' ')[0] });
        rides[i] = r.ride;
      }
      return predictBatch(rides, (durations) => { if (!res.destroyed) send(res, 200, { durations, model: identity }); });
    }
    const r = readRide(body, 'ride');
    if (r.problem) return send(res, 400, { error: r.problem, field: r.problem.split(' ')[0] });
    return send(res, 200, { duration: predictOne(r.ride), model: identity });
  });
}

const server = http.createServer((req, res) => {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode} ${ms.toFixed(2)}ms\n`);
  });
  const url = req.url.split('?')[0];
  if (url === '/health') {
    if (req.method !== 'GET') return send(res, 405, { error: 'use GET /health' });
    return send(res, 200, { status: 'ok', ...identity, model_kind: model.model, features: model.featureSpec });
  }
  if (url === '/predict') {
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST /predict with a JSON ride or a list of rides' });
    return handlePredict(req, res);
  }
  return send(res, 404, { error: `no route ${req.method} ${url}; try POST /predict or GET /health` });
});
server.keepAliveTimeout = 65000;

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
server.listen(port, host, () => {
  const a = server.address();
  process.stdout.write(`${identity.name} v${identity.version} listening on http://${a.address}:${a.port}\n`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));

# The MLflow workload of `npm run bench` (bench/mlflow-workload.ts runs it): MLflow's own Python client, the
# same calls against whichever tracking server MLFLOW_TRACKING_URI names (Meter's `meter serve`, or MLflow's
# real server). Prints one line "RESULT {json}" with each operation's times in seconds and what the searches
# returned, so the two servers' answers can be compared.
#   log RUNS REPEATS     experiment "bench": RUNS runs, each create_run + one log_batch (10 metrics, 20 params);
#                        the filtered, ordered searches over them; in experiment "bench-points": 1,000 single
#                        log_metric calls, one 1,000-point log_batch, and that metric's history fetched back
#   search REPEATS       the same searches again (after the bench seeded more runs beside these)
# Each search is timed twice: the best 10 runs (what a script picking the best model asks), and a page of
# 100; the client's own share of each (turning the JSON answer into Run objects, the same work whichever
# server answered) is timed apart too, since it bounds how fast any server can look.
# The client's floor: each timed call again with requests' transport answering from memory with what this
# server answered (floor_* in the result): everything the client does (building the request, MLflow's
# request headers and retry session, requests, parsing the answer) but the socket and the server. No
# server can look faster through this client than its floor. socket_floor_*: the same calls through a
# socket to a stand-in server (Node, METER_BENCH_NODE) that answers each request at once with those bytes:
# what the client's HTTP stack adds, the floor of a real server.
import json
import sys
import time
from contextlib import contextmanager

from mlflow import MlflowClient
from mlflow.entities import Metric, Param

PARAMS = 20
METRICS = 10
POINTS = 1000
MODELS = ["linear", "ridge", "lasso"]
FILTER = "metrics.rmse < 7 and params.model = 'ridge'"
ORDER = ["metrics.rmse ASC"]
PAGES = [10, 100]


def rmse(i):
    # distinct for every run below 2003 (a prime), so the order by rmse has no ties for the stores to break
    # differently; bench/mlflow-workload.ts seeds its runs with the same formula
    return 5 + ((i * 7919) % 2003) / 500


@contextmanager
def answered_from_memory(answers):
    """requests' transport answers each call from `answers` (endpoint path suffix -> the bytes a server sent)."""
    from requests.adapters import HTTPAdapter
    from requests.models import Response
    send = HTTPAdapter.send

    def reply(self, request, **kwargs):
        body = next(b for path, b in answers.items() if request.path_url.split("?")[0].endswith(path))
        r = Response()
        r.status_code, r._content, r.encoding, r.url, r.request, r.connection = 200, body, "utf-8", request.url, request, self
        r.headers["Content-Type"] = "application/json"
        return r

    HTTPAdapter.send = reply
    try:
        yield
    finally:
        HTTPAdapter.send = send


@contextmanager
def recording(answers):
    """Keeps what the server answers, by endpoint path, for answered_from_memory."""
    from requests.adapters import HTTPAdapter
    send = HTTPAdapter.send

    def keep(self, request, **kwargs):
        r = send(self, request, **kwargs)
        answers[request.path_url.split("?")[0]] = r.content
        return r

    HTTPAdapter.send = keep
    try:
        yield
    finally:
        HTTPAdapter.send = send


CANNED_SERVER = """
const http = require('http');
const answers = Object.entries(JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'))).map(([p, b]) => [p, Buffer.from(b, 'base64')]);
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const hit = answers.find(([p]) => req.url.split('?')[0].endsWith(p));
    res.writeHead(hit ? 200 : 404, { 'content-type': 'application/json' });
    res.end(hit ? hit[1] : '{"error_code": "ENDPOINT_NOT_FOUND", "message": "no recorded answer"}');
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
"""


@contextmanager
def served_from_memory(answers):
    """A client of a stand-in server answering from `answers` at once (None without METER_BENCH_NODE)."""
    import base64
    import os
    import subprocess
    import tempfile
    node = os.environ.get("METER_BENCH_NODE")
    if not node:
        yield None
        return
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({p: base64.b64encode(b).decode() for p, b in answers.items()}, f)
    proc = subprocess.Popen([node, "-e", CANNED_SERVER, f.name], stdout=subprocess.PIPE, text=True)
    try:
        yield MlflowClient(tracking_uri=f"http://127.0.0.1:{int(proc.stdout.readline())}")
    finally:
        proc.kill()
        proc.wait()
        os.unlink(f.name)


def run_batch(i, now):
    metrics = [Metric("rmse", rmse(i), now, 0)] + [Metric(f"m{j:02d}", i * 0.25 + j, now, 0) for j in range(1, METRICS)]
    params = [Param("model", MODELS[i % 3])] + [Param(f"p{j:02d}", f"value-{i % 7}-{j}") for j in range(1, PARAMS)]
    return metrics, params


def search(c, eid, page):
    t = time.perf_counter()
    runs = c.search_runs([eid], filter_string=FILTER, order_by=ORDER, max_results=page)
    return time.perf_counter() - t, [r.info.run_name for r in runs]


def client_parse(c, eid, page, repeats):
    # the answer's JSON as the server sent it, then only what the client does with it
    from mlflow.entities import Run
    from mlflow.protos.service_pb2 import SearchRuns
    from mlflow.utils.proto_json_utils import parse_dict
    from mlflow.utils.rest_utils import http_request

    body = {"experiment_ids": [eid], "filter": FILTER, "order_by": ORDER, "max_results": page}
    answer = http_request(c._tracking_client.store.get_host_creds(), "/api/2.0/mlflow/runs/search", "POST", json=body).json()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        proto = SearchRuns.Response()
        parse_dict(answer, proto)
        [Run.from_proto(r) for r in proto.runs]
        times.append(time.perf_counter() - t)
    return times


def searches(c, eid, repeats):
    out = {}
    for page in PAGES:
        times, names = [], None
        for _ in range(repeats):
            s, got = search(c, eid, page)
            times.append(s)
            if names is not None and got != names:
                raise SystemExit("the same search answered differently twice")
            names = got
        out[str(page)] = {"times": times, "names": names}
    out["parse"] = {str(page): client_parse(c, eid, page, repeats) for page in PAGES}
    out["floor"], out["socket_floor"] = {}, {}
    for page in PAGES:
        answers = {}
        with recording(answers):
            search(c, eid, page)
        with answered_from_memory(answers):
            out["floor"][str(page)] = [search(c, eid, page)[0] for _ in range(repeats)]
        with served_from_memory(answers) as stand_in:
            if stand_in:
                search(stand_in, eid, page)  # the connection opened, as the measured client's is
                out["socket_floor"][str(page)] = [search(stand_in, eid, page)[0] for _ in range(repeats)]
    return out


def create_and_log(c, eid, runs):
    # the timed unit of the first line: one run created, then one log_batch of 10 metrics + 20 params into it
    times = []
    for i in range(runs):
        t = time.perf_counter()
        run = c.create_run(eid, run_name=f"run-{i:05d}")
        metrics, params = run_batch(i, int(time.time() * 1000))
        c.log_batch(run.info.run_id, metrics=metrics, params=params)
        times.append(time.perf_counter() - t)
    return times


def log(c, runs, repeats):
    eid = c.create_experiment("bench")
    run_times = create_and_log(c, eid, runs)
    searched = searches(c, eid, repeats)

    # the floor of a run created and logged: the same calls, answered with what this server answered
    answers = {}
    with recording(answers):
        rid = c.create_run(eid, run_name="floor-recorded").info.run_id
        c.log_batch(rid, metrics=run_batch(0, int(time.time() * 1000))[0], params=run_batch(0, 0)[1])
    with answered_from_memory(answers):
        floor_run = create_and_log(c, eid, runs)
    with served_from_memory(answers) as stand_in:
        socket_floor_run = create_and_log(stand_in, eid, runs) if stand_in else []
    c.delete_run(rid)  # not among the searched runs (searches see active runs only)

    points = c.create_experiment("bench-points")
    single = c.create_run(points, run_name="single-calls").info.run_id
    t = time.perf_counter()
    for step in range(POINTS):
        c.log_metric(single, "loss", 1.0 / (step + 1), step=step)
    singles = time.perf_counter() - t

    # one 1,000-point batch, timed `repeats` times (each into a run of its own) since one call is one sample
    batch_times, batch_runs = [], []
    for k in range(repeats):
        batch_runs.append(c.create_run(points, run_name=f"one-batch-{k}").info.run_id)
        now = int(time.time() * 1000)
        batch = [Metric("loss", 1.0 / (step + 1), now + step, step) for step in range(POINTS)]
        t = time.perf_counter()
        c.log_batch(batch_runs[-1], metrics=batch)
        batch_times.append(time.perf_counter() - t)
    batch_run = batch_runs[0]
    floor_batch, socket_floor_batch = [], []
    with answered_from_memory({"/runs/log-batch": b"{}"}):
        for k in range(repeats):
            now = int(time.time() * 1000)
            batch = [Metric("loss", 1.0 / (step + 1), now + step, step) for step in range(POINTS)]
            t = time.perf_counter()
            c.log_batch(batch_runs[0], metrics=batch)
            floor_batch.append(time.perf_counter() - t)
    with served_from_memory({"/runs/log-batch": b"{}"}) as stand_in:
        for k in range(repeats + 1 if stand_in else 0):
            now = int(time.time() * 1000)
            batch = [Metric("loss", 1.0 / (step + 1), now + step, step) for step in range(POINTS)]
            t = time.perf_counter()
            stand_in.log_batch(batch_runs[0], metrics=batch)
            if k > 0:  # the first call opens the connection
                socket_floor_batch.append(time.perf_counter() - t)

    history_times = []
    for _ in range(repeats):
        t = time.perf_counter()
        history = c.get_metric_history(batch_run, "loss")
        history_times.append(time.perf_counter() - t)
        if [m.step for m in history] != list(range(POINTS)):
            raise SystemExit(f"the metric history came back with {len(history)} points, not steps 0..{POINTS - 1}")
    return {"experiment": eid, "run": run_times, "search": searched, "singles": singles, "batch": batch_times,
            "history": history_times, "floor_run": floor_run, "floor_batch": floor_batch,
            "socket_floor_run": socket_floor_run, "socket_floor_batch": socket_floor_batch}


def main():
    c = MlflowClient()
    if sys.argv[1] == "log":
        out = log(c, int(sys.argv[2]), int(sys.argv[3]))
    else:
        eid = c.get_experiment_by_name("bench").experiment_id
        out = {"search": searches(c, eid, int(sys.argv[2]))}
    print("RESULT " + json.dumps(out))


main()

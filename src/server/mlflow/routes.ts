// MLflow's REST API (as its Python client 2.x and 3.x calls it), one entry per route: parse the arguments,
// call src/core/mlflow, shape the answer. Paths are relative to /api/2.0/mlflow (or /ajax-api/2.0/mlflow).
import type { CoreContext } from '../../core/context';
import * as exps from '../../core/mlflow/experiments';
import * as runs from '../../core/mlflow/runs';
import { searchMlflowRuns } from '../../core/mlflow/search-runs';
import * as reg from '../../core/mlflow/registry';
import * as lm from '../../core/mlflow/logged-models';
import { MeterError } from '../../shared/errors';
import { Args } from './http';
import { experimentJson, loggedModelJson, offsetOf, pageToken, registeredModelJson, runInfoJson, runJson, versionJson } from './shapes';

type Handler = (ctx: CoreContext, a: Args, param: string) => unknown;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const runIdOf = (a: Args): string => a.oneOf('run_id', 'run_uuid');
const empty = {};

/** Pages a list in memory (experiments, models, versions: small), with MLflow's max_results and page_token. */
function paged<T>(all: T[], a: Args, defaultMax: number): { items: T[]; token: Record<string, string> } {
  const max = a.optInt('max_results') ?? defaultMax;
  if (max < 1 || max > 200000) throw new MeterError('INVALID_ARGUMENT', `Invalid value ${max} for parameter 'max_results' supplied.`);
  const offset = offsetOf(a.optStr('page_token'));
  const items = all.slice(offset, offset + max);
  return { items, token: pageToken(offset + items.length < all.length ? offset + items.length : null) };
}

function metric(m: unknown): { key: string; value: number; step: number; timestampMs?: number } {
  if (typeof m !== 'object' || m === null) throw new MeterError('INVALID_ARGUMENT', 'Invalid value for parameter \'metrics\': expected {key, value, timestamp, step} objects.');
  const { key, value, timestamp, step } = m as Record<string, unknown>;
  if (typeof key !== 'string' || key === '') throw new MeterError('INVALID_ARGUMENT', 'Missing value for required parameter \'key\' in a metric.');
  const int = (v: unknown, f: string, d: number | undefined): number | undefined => {
    if (v === undefined || v === null) return d;
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new MeterError('INVALID_ARGUMENT', `Invalid value ${JSON.stringify(v)} for parameter '${f}' of metric ${key}: expected an integer.`);
    return n;
  };
  return { key, value: runs.metricValue(value, key), step: int(step, 'step', 0) as number, timestampMs: int(timestamp, 'timestamp', undefined) };
}

/** MLflow's log-batch limits (mlflow/utils/validation.py _validate_batch_log_limits), in its order and words:
 * its client splits by them, so a batch over them is a client that does not, and MLflow refuses it whole. */
function checkBatchLimits(metrics: number, params: number, tags: number): void {
  const limit = (what: string, max: number, n: number) => {
    if (n > max) throw new MeterError('INVALID_ARGUMENT', `A batch logging request can contain at most ${max} ${what}. Got ${n} ${what}. Please split up ${what} across multiple requests and try again.`);
  };
  limit('metrics', 1000, metrics);
  limit('params', 100, params);
  limit('tags', 100, tags);
  limit('metrics, params, and tags', 1000, metrics + params + tags);
}

function datasetInputs(a: Args): runs.MlflowDatasetInput[] {
  return a.list('datasets').map((d) => {
    const o = (typeof d === 'object' && d !== null ? d : {}) as { tags?: unknown; dataset?: Record<string, unknown> };
    const ds = o.dataset;
    const s = (f: string, required: boolean): string | null => {
      const v = ds?.[f];
      if (v === undefined || v === null) { if (required) throw new MeterError('INVALID_ARGUMENT', `Missing value for required parameter 'datasets.dataset.${f}'.`); return null; }
      if (typeof v !== 'string') throw new MeterError('INVALID_ARGUMENT', `Invalid value for parameter 'datasets.dataset.${f}': expected a string.`);
      return v;
    };
    const tags = new Args({ tags: o.tags }).keyValues('tags');
    return { tags, dataset: { name: s('name', true)!, digest: s('digest', true)!, sourceType: s('source_type', true)!, source: s('source', true)!, schema: s('schema', false), profile: s('profile', false) } };
  });
}

const R: Record<string, Partial<Record<Method, Handler>>> = {
  // experiments
  'experiments/create': { POST: (c, a) => ({ experiment_id: exps.createMlflowExperiment(c.db, a.str('name'), a.keyValues('tags')) }) },
  'experiments/get': { GET: (c, a) => ({ experiment: experimentJson(exps.getExperimentById(c.db, a.str('experiment_id'))) }) },
  'experiments/get-by-name': { GET: (c, a) => ({ experiment: experimentJson(exps.getExperimentByName(c.db, a.str('experiment_name'))) }) },
  'experiments/search': {
    POST: (c, a) => searchExperiments(c, a),
    GET: (c, a) => searchExperiments(c, a),
  },
  'experiments/update': { POST: (c, a) => { exps.renameMlflowExperiment(c.db, a.str('experiment_id'), a.str('new_name')); return empty; } },
  'experiments/delete': { POST: (c, a) => { exps.setMlflowExperimentDeleted(c.db, a.str('experiment_id'), true); return empty; } },
  'experiments/restore': { POST: (c, a) => { exps.setMlflowExperimentDeleted(c.db, a.str('experiment_id'), false); return empty; } },
  'experiments/set-experiment-tag': { POST: (c, a) => { exps.setExperimentTag(c.db, a.str('experiment_id'), a.str('key'), a.optStr('value') ?? ''); return empty; } },
  // runs
  'runs/create': {
    POST: (c, a) => {
      const id = runs.createMlflowRun(c.db, { experimentId: a.optStr('experiment_id') ?? '0', runName: a.optStr('run_name'), startTime: a.optInt('start_time'), tags: a.keyValues('tags'), userId: a.optStr('user_id') });
      return { run: runJson(runs.getMlflowRun(c.db, id)) };
    },
  },
  'runs/get': { GET: (c, a) => ({ run: runJson(runs.getMlflowRun(c.db, runIdOf(a))) }) },
  'runs/update': {
    POST: (c, a) => {
      const id = runIdOf(a);
      runs.updateMlflowRun(c.db, id, { status: a.optStr('status'), endTime: a.optInt('end_time'), runName: a.optStr('run_name') });
      return { run_info: runInfoJson(runs.getMlflowRun(c.db, id)) };
    },
  },
  'runs/delete': { POST: (c, a) => { runs.setMlflowRunDeleted(c.db, runIdOf(a), true); return empty; } },
  'runs/restore': { POST: (c, a) => { runs.setMlflowRunDeleted(c.db, runIdOf(a), false); return empty; } },
  'runs/search': {
    POST: (c, a) => {
      const found = searchMlflowRuns(c.db, {
        experimentIds: a.strList('experiment_ids'), filter: a.optStr('filter'), orderBy: a.strList('order_by'),
        view: exps.viewType(a.raw.run_view_type, 'run_view_type'), maxResults: a.optInt('max_results'), offset: offsetOf(a.optStr('page_token')),
      });
      return { runs: found.runs.map(runJson), ...pageToken(found.nextOffset) };
    },
  },
  'runs/log-metric': { POST: (c, a) => { runs.logBatch(c.db, runIdOf(a), { metrics: [metric(a.raw)], params: {}, tags: {} }); return empty; } },
  'runs/log-parameter': { POST: (c, a) => { runs.logBatch(c.db, runIdOf(a), { metrics: [], params: { [a.str('key')]: a.optStr('value') ?? '' }, tags: {} }); return empty; } },
  'runs/set-tag': { POST: (c, a) => { runs.logBatch(c.db, runIdOf(a), { metrics: [], params: {}, tags: { [a.str('key')]: a.optStr('value') ?? '' } }); return empty; } },
  'runs/delete-tag': { POST: (c, a) => { runs.deleteMlflowTag(c.db, runIdOf(a), a.str('key')); return empty; } },
  'runs/log-batch': {
    POST: (c, a) => {
      checkBatchLimits(a.list('metrics').length, a.list('params').length, a.list('tags').length);
      runs.logBatch(c.db, runIdOf(a), { metrics: a.list('metrics').map(metric), params: a.keyValues('params'), tags: a.keyValues('tags') });
      return empty;
    },
  },
  'runs/log-inputs': { POST: (c, a) => { runs.logInputs(c.db, runIdOf(a), datasetInputs(a)); return empty; } },
  'runs/log-model': { POST: (c, a) => { runs.logModel(c.db, runIdOf(a), a.str('model_json')); return empty; } },
  'runs/outputs': {
    POST: (c, a) => {
      const models = a.list('models').map((m) => {
        const o = (m ?? {}) as { model_id?: unknown; step?: unknown };
        if (typeof o.model_id !== 'string') throw new MeterError('INVALID_ARGUMENT', 'Missing value for required parameter \'models.model_id\'.');
        return { modelId: o.model_id, step: typeof o.step === 'number' ? o.step : Number(o.step ?? 0) || 0 };
      });
      runs.logOutputs(c.db, runIdOf(a), models);
      return empty;
    },
  },
  'metrics/get-history': {
    GET: (c, a) => {
      const all = runs.mlflowMetricHistory(c.db, runIdOf(a), a.str('metric_key'));
      const { items, token } = paged(all, a, 25000);
      return { metrics: items, ...token };
    },
  },
  // registry
  'registered-models/create': { POST: (c, a) => ({ registered_model: registeredModelJson(reg.createMlflowModel(c.db, a.str('name'), a.optStr('description') ?? '', a.keyValues('tags'))) }) },
  'registered-models/get': { GET: (c, a) => ({ registered_model: registeredModelJson(reg.getMlflowModel(c.db, a.str('name'))) }) },
  'registered-models/search': {
    GET: (c, a) => searchModels(c, a),
    POST: (c, a) => searchModels(c, a),
  },
  'registered-models/rename': { POST: (c, a) => ({ registered_model: registeredModelJson(reg.renameMlflowModel(c, a.str('name'), a.str('new_name'))) }) },
  'registered-models/update': {
    PATCH: (c, a) => { reg.updateMlflowModel(c.db, a.str('name'), a.optStr('description') ?? ''); return { registered_model: registeredModelJson(reg.getMlflowModel(c.db, a.str('name'))) }; },
  },
  'registered-models/delete': { DELETE: (c, a) => { reg.deleteMlflowModel(c, a.str('name')); return empty; } },
  'registered-models/set-tag': { POST: (c, a) => { reg.setMlflowModelTag(c.db, a.str('name'), undefined, a.str('key'), a.optStr('value') ?? ''); return empty; } },
  'registered-models/delete-tag': { DELETE: (c, a) => { reg.deleteMlflowModelTag(c.db, a.str('name'), undefined, a.str('key')); return empty; } },
  'registered-models/alias': {
    POST: (c, a) => { reg.setMlflowAlias(c.db, a.str('name'), a.str('alias'), a.str('version')); return empty; },
    GET: (c, a) => ({ model_version: versionJson(reg.versionByAlias(c.db, a.str('name'), a.str('alias'))) }),
    DELETE: (c, a) => { reg.deleteMlflowAlias(c.db, a.str('name'), a.str('alias')); return empty; },
  },
  'registered-models/get-latest-versions': {
    POST: (c, a) => latestVersions(c, a),
    GET: (c, a) => latestVersions(c, a),
  },
  'model-versions/create': {
    POST: (c, a) => ({
      model_version: versionJson(reg.createMlflowVersion(c, {
        name: a.str('name'), source: a.str('source'), runId: a.optStr('run_id') || undefined, description: a.optStr('description'), tags: a.keyValues('tags'), modelId: a.optStr('model_id'),
      })),
    }),
  },
  'model-versions/get': { GET: (c, a) => ({ model_version: versionJson(reg.getMlflowVersion(c.db, a.str('name'), a.str('version'))) }) },
  'model-versions/search': {
    GET: (c, a) => searchVersions(c, a),
    POST: (c, a) => searchVersions(c, a),
  },
  'model-versions/update': { PATCH: (c, a) => ({ model_version: versionJson(reg.updateMlflowVersion(c.db, a.str('name'), a.str('version'), a.optStr('description') ?? '')) }) },
  'model-versions/set-tag': { POST: (c, a) => { reg.setMlflowModelTag(c.db, a.str('name'), Number(a.str('version')), a.str('key'), a.optStr('value') ?? ''); return empty; } },
  'model-versions/delete-tag': { DELETE: (c, a) => { reg.deleteMlflowModelTag(c.db, a.str('name'), Number(a.str('version')), a.str('key')); return empty; } },
  'model-versions/delete': { DELETE: (c, a) => { reg.deleteMlflowVersion(c, a.str('name'), a.str('version')); return empty; } },
  'model-versions/get-download-uri': { GET: (c, a) => ({ artifact_uri: reg.versionDownloadUri(c.db, a.str('name'), a.str('version')) }) },
  // 3.x logged models
  'logged-models': {
    POST: (c, a) => ({
      model: loggedModelJson(lm.createLoggedModel(c.db, {
        experimentId: a.str('experiment_id'), name: a.optStr('name'), sourceRunId: a.optStr('source_run_id'), modelType: a.optStr('model_type'), params: a.keyValues('params'), tags: a.keyValues('tags'),
      })),
    }),
  },
  'logged-models/search': {
    POST: (c, a) => {
      const { items, token } = paged(lm.searchLoggedModels(c.db, a.strList('experiment_ids'), a.optStr('filter') ?? ''), a, 100);
      return items.length ? { models: items.map(loggedModelJson), ...token } : {};
    },
  },
  'logged-models/*': {
    GET: (c, _a, id) => ({ model: loggedModelJson(lm.getLoggedModel(c.db, id)) }),
    PATCH: (c, a, id) => ({ model: loggedModelJson(lm.finalizeLoggedModel(c.db, id, a.raw.status)) }),
    DELETE: (c, _a, id) => { lm.deleteLoggedModel(c, id); return empty; },
  },
  'logged-models/*/tags': {
    PATCH: (c, a, id) => { lm.setLoggedModelTags(c.db, id, a.keyValues('tags')); return empty; },
    DELETE: (c, a, id) => { lm.setLoggedModelTags(c.db, id, {}, [a.str('tag_key')]); return empty; },
  },
  'logged-models/*/params': { POST: (c, a, id) => { lm.setLoggedModelParams(c.db, id, a.keyValues('params')); return empty; } },
};

function searchExperiments(c: CoreContext, a: Args): unknown {
  const all = exps.searchMlflowExperiments(c.db, { filter: a.optStr('filter'), view: exps.viewType(a.raw.view_type, 'view_type'), orderBy: a.strList('order_by') });
  const { items, token } = paged(all, a, 1000);
  return { experiments: items.map(experimentJson), ...token };
}

function searchModels(c: CoreContext, a: Args): unknown {
  const { items, token } = paged(reg.searchMlflowModels(c.db, a.optStr('filter') ?? ''), a, 100);
  return { registered_models: items.map(registeredModelJson), ...token };
}

function searchVersions(c: CoreContext, a: Args): unknown {
  const { items, token } = paged(reg.searchMlflowVersions(c.db, a.optStr('filter') ?? ''), a, 10000);
  return { model_versions: items.map(versionJson), ...token };
}

function latestVersions(c: CoreContext, a: Args): unknown {
  const m = reg.getMlflowModel(c.db, a.str('name'));
  const stages = a.strList('stages');
  return { model_versions: m.latestVersions.filter((v) => stages.length === 0 || stages.some((s) => s.toLowerCase() === v.stage.toLowerCase())).map(versionJson) };
}

/** The handler for a path below /api/2.0/mlflow/ and a method, or why there is none. */
export function findRoute(path: string, method: string): { handler: Handler; param: string } | 'method' | null {
  let entry = R[path];
  let param = '';
  const lm3 = /^logged-models\/(m-[0-9a-f]{1,64}|[^/]+)(\/tags|\/params)?$/.exec(path);
  if (!entry && lm3 && lm3[1] !== 'search') {
    entry = R[`logged-models/*${lm3[2] ?? ''}`];
    param = decodeURIComponent(lm3[1]);
  }
  if (!entry) return null;
  const handler = entry[method as Method];
  return handler ? { handler, param } : 'method';
}

// Assembles the one API from every feature's handler slice, refusing duplicate and missing names, and is the
// single entry every transport calls: the method name is checked against the contract, the argument parsed
// with the method's schema (so no handler sees an unchecked value), and every call made async.
import { API_METHODS, CONTRACT, isApiMethod, type Api, type ApiArg, type ApiMethod, type ApiResult } from '../../shared/contract';
import { MeterError } from '../../shared/errors';
import { appHandlers } from '../app/handlers';
import type { CoreContext } from '../context';
import { dataHandlers } from '../data/handlers';
import { exportHandlers } from '../export/handlers';
import type { Handlers } from '../jobs/handler-types';
import { jobHandlers } from '../jobs/handlers';
import { mlflowHandlers } from '../mlflow/handlers';
import { monitoringHandlers } from '../monitoring/handlers';
import { pipelineHandlers } from '../pipelines/handlers';
import { registryHandlers } from '../registry/handlers';
import { scoringHandlers } from '../scoring/handlers';
import { trackingHandlers } from '../tracking/handlers';
import { trainingHandlers } from '../training/handlers';
import { tuningHandlers } from '../tuning/handlers';

export interface CoreApi {
  call<K extends ApiMethod>(name: K, arg: ApiArg<K>): Promise<ApiResult<K>>;
  /** For transports: a name and argument from the wire, both checked against the contract. */
  callUnknown(name: unknown, arg: unknown): Promise<unknown>;
}

function merge(parts: Partial<Handlers<ApiMethod>>[]): Handlers<ApiMethod> {
  const all: Partial<Handlers<ApiMethod>> = {};
  for (const part of parts) {
    for (const [name, fn] of Object.entries(part)) {
      if (name in all) throw new Error(`Duplicate API handler ${name}`);
      (all as Record<string, unknown>)[name] = fn;
    }
  }
  const missing = API_METHODS.filter((m) => !(m in all));
  if (missing.length) throw new Error(`API handlers missing: ${missing.join(', ')}`);
  return all as Handlers<ApiMethod>;
}

export function createApi(ctx: CoreContext): CoreApi {
  const handlers = merge([
    appHandlers(ctx), dataHandlers(ctx), trackingHandlers(ctx), trainingHandlers(ctx), jobHandlers(ctx),
    registryHandlers(ctx), scoringHandlers(ctx), exportHandlers(ctx), tuningHandlers(ctx), monitoringHandlers(ctx), pipelineHandlers(ctx), mlflowHandlers(ctx),
  ]);
  const call = async <K extends ApiMethod>(name: K, arg: ApiArg<K>): Promise<ApiResult<K>> => {
    // Typed callers are checked too: a name and a value from JavaScript can still be anything, and the
    // schema is the one place a value's shape is decided.
    if (!isApiMethod(name)) throw new MeterError('NOT_FOUND', `Unknown API method "${String(name)}".`);
    const parsed = (CONTRACT[name].arg as { parse(v: unknown, at: string): unknown }).parse(arg, name) as ApiArg<K>;
    const fn = handlers[name] as unknown as (a: ApiArg<K>) => ApiResult<K> | Promise<ApiResult<K>>;
    return fn(parsed);
  };
  return {
    call,
    callUnknown: (name, arg) => call(name as ApiMethod, arg as ApiArg<ApiMethod>),
  };
}

export type { Api };

// Merges every area's handlers into the one API, refusing duplicate names, and makes every call async with
// errors as plain data. Transports (CLI, IPC, HTTP) call `call` and nothing else.
import { API_METHODS, type Api, type ApiArg, type ApiMethod, type ApiResult } from '../../shared/contract';
import { MeterError } from '../../shared/errors';
import type { CoreContext } from '../context';
import { sampleFiles } from '../paths';
import { dataHandlers } from './data';
import type { Handlers } from './handlers';
import { trackingHandlers } from './tracking';
import { searchHandlers } from './runs-search';
import { registryHandlers } from './registry';
import { scoringHandlers } from './scoring';
import { tuningHandlers } from './tuning';
import { trainingHandlers } from './training';

export interface CoreApi {
  call<K extends ApiMethod>(name: K, arg: ApiArg<K>): Promise<ApiResult<K>>;
  /** For transports: a name from the wire, checked against the contract. */
  callUnknown(name: string, arg: unknown): Promise<unknown>;
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
  const appHandlers: Handlers<'app.info'> = {
    'app.info': () => ({ version: ctx.version, home: ctx.home, dbPath: ctx.dbPath, schemaVersion: ctx.schemaVersion, sampleFiles: sampleFiles(ctx.resourcesDir) }),
  };
  const handlers = merge([appHandlers, dataHandlers(ctx), trackingHandlers(ctx), searchHandlers(ctx), registryHandlers(ctx), scoringHandlers(ctx), tuningHandlers(ctx), trainingHandlers(ctx)]);
  const call = async <K extends ApiMethod>(name: K, arg: ApiArg<K>): Promise<ApiResult<K>> => {
    const fn = handlers[name] as unknown as (a: ApiArg<K>) => ApiResult<K> | Promise<ApiResult<K>>;
    return fn(arg ?? ({} as ApiArg<K>));
  };
  return {
    call,
    callUnknown(name, arg) {
      if (!(API_METHODS as readonly string[]).includes(name)) {
        return Promise.reject(new MeterError('NOT_FOUND', `Unknown API method "${name}".`));
      }
      return call(name as ApiMethod, arg as ApiArg<ApiMethod>);
    },
  };
}

export type { Api };

// The in-process transport: the CLI (and tests) talk to core through the same MeterClient shape the
// renderer gets over IPC or HTTP.
import type { MeterClient } from '../../shared/contract';
import type { CoreContext } from '../context';
import { createApi } from './create-api';

export function createLocalClient(ctx: CoreContext): MeterClient {
  const api = createApi(ctx);
  return {
    call: (name, arg) => api.call(name, arg),
    on: (event, listener) => ctx.events.on(event, listener),
  };
}

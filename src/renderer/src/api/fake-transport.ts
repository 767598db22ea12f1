// A transport with no core behind it, for the store tests (actual's initServer(handlers)): each method answers
// from a handler, every call is recorded, and the test pushes events and menu commands. Results and errors
// cross it as they cross a real transport: results are cloned, a thrown error travels as plain data.
import type { ApiArg, ApiMethod, ApiResult, EventName, Events } from '../../../shared/contract';
import type { AppCommand, CallEnvelope, EventMessage } from '../../../shared/bridge';
import type { Transport } from './client';
import { toMeterError } from './errors';

export type FakeHandler<K extends ApiMethod> = (arg: ApiArg<K>) => ApiResult<K> | Promise<ApiResult<K>>;
export type FakeHandlers = { [K in ApiMethod]?: FakeHandler<K> };

export interface FakeTransport extends Transport {
  /** every call, in order */
  readonly calls: { method: ApiMethod; arg: unknown }[];
  /** the arguments of every call to one method, in order */
  argsOf<K extends ApiMethod>(method: K): ApiArg<K>[];
  /** the methods called, in order */
  methods(): ApiMethod[];
  handle<K extends ApiMethod>(method: K, handler: FakeHandler<K>): void;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  command(command: AppCommand): void;
  /** the event link went down or came back (browser mode's socket) */
  connection(up: boolean): void;
}

export function createFakeTransport(handlers: FakeHandlers = {}, pathFor: (file: File) => Promise<string> = async (file) => `/fake/${file.name}`): FakeTransport {
  const table: FakeHandlers = { ...handlers };
  const calls: { method: ApiMethod; arg: unknown }[] = [];
  const eventListeners = new Set<(message: EventMessage) => void>();
  const commandListeners = new Set<(command: AppCommand) => void>();
  const connectionListeners = new Set<(up: boolean) => void>();
  return {
    mode: 'browser',
    calls,
    argsOf<K extends ApiMethod>(method: K) {
      // Recorded under this method's name, so the argument is this method's argument.
      return calls.filter((c) => c.method === method).map((c) => c.arg as ApiArg<K>);
    },
    methods: () => calls.map((c) => c.method),
    handle(method, handler) { Object.assign(table, { [method]: handler }); },
    async call(method, arg): Promise<CallEnvelope> {
      calls.push({ method, arg });
      // Looked up by the name it is called with, so the handler takes this argument.
      const handler = table[method] as ((arg: unknown) => unknown) | undefined;
      if (!handler) return { ok: false, error: { code: 'INTERNAL', message: `The fake transport has no handler for ${method}.` } };
      try { return { ok: true, result: structuredClone(await handler(arg)) }; } catch (err) { return { ok: false, error: toMeterError(err).toData() }; }
    },
    onEvent(listener) { eventListeners.add(listener); return () => { eventListeners.delete(listener); }; },
    onCommand(listener) { commandListeners.add(listener); return () => { commandListeners.delete(listener); }; },
    pathFor,
    emit(event, payload) { for (const fn of eventListeners) fn({ event, payload }); },
    command(command) { for (const fn of commandListeners) fn(command); },
    onConnection(listener) { connectionListeners.add(listener); return () => { connectionListeners.delete(listener); }; },
    connection(up) { for (const fn of connectionListeners) fn(up); },
  };
}

// The renderer's one client. In Electron it talks to the preload's bridge; in browser mode to the local
// server. Either way screens see the typed contract plus the two things a transport decides: how a dropped
// file reaches core, and menu commands.
import type { ApiArg, ApiMethod, ApiResult, EventName, Events, MeterClient } from '../../../shared/contract';
import type { AppCommand, CallEnvelope, EventMessage, MeterBridge } from '../../../shared/bridge';
import type { Dataset } from '../../../shared/domain';
import { MeterError, type MeterErrorData } from '../../../shared/errors';
import { createHttpTransport } from './http-transport';

export type ImportOutcome =
  | { fileName: string; ok: true; dataset: Dataset }
  | { fileName: string; ok: false; error: MeterErrorData };

export interface AppClient extends MeterClient {
  readonly mode: 'electron' | 'browser';
  /** Imports each file on its own, so one bad file never stops the others. */
  importFiles(files: File[], onEach?: (outcome: ImportOutcome) => void): Promise<ImportOutcome[]>;
  onCommand(listener: (command: AppCommand) => void): () => void;
}

/** The transport-specific parts; everything else is shared. */
export interface Transport {
  mode: AppClient['mode'];
  call(method: ApiMethod, arg: unknown): Promise<CallEnvelope>;
  onEvent(listener: (message: EventMessage) => void): () => void;
  onCommand(listener: (command: AppCommand) => void): () => void;
  /** a path core can read: Electron's real path, or the server's copy after an upload */
  pathFor(file: File): Promise<string>;
}

declare global {
  interface Window { meter?: MeterBridge }
}

function ipcTransport(bridge: MeterBridge): Transport {
  return {
    mode: 'electron',
    call: (method, arg) => bridge.call(method, arg),
    onEvent: (listener) => bridge.onEvent(listener),
    onCommand: (listener) => bridge.onCommand(listener),
    pathFor: async (file) => {
      const path = bridge.pathForFile(file);
      if (!path) throw new MeterError('INVALID_ARGUMENT', `${file.name} has no path on disk (was it dragged from another app?).`);
      return path;
    },
  };
}

export function createClient(transport: Transport): AppClient {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  transport.onEvent((message) => {
    for (const fn of listeners.get(message.event) ?? []) (fn as (p: unknown) => void)(message.payload);
  });
  const call = async <K extends ApiMethod>(name: K, arg: ApiArg<K>): Promise<ApiResult<K>> => {
    const envelope = await transport.call(name, arg);
    if (!envelope.ok) throw MeterError.fromData(envelope.error);
    return envelope.result as ApiResult<K>;
  };
  return {
    mode: transport.mode,
    call,
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => { set.delete(listener as (payload: never) => void); };
    },
    onCommand: (listener) => transport.onCommand(listener),
    async importFiles(files, onEach) {
      const outcomes: ImportOutcome[] = [];
      for (const file of files) {
        let outcome: ImportOutcome;
        try {
          const dataset = await call('data.import', { path: await transport.pathFor(file) });
          outcome = { fileName: file.name, ok: true, dataset };
        } catch (err) {
          const error = err instanceof MeterError ? err.toData() : { code: 'INTERNAL' as const, message: String(err) };
          outcome = { fileName: file.name, ok: false, error };
        }
        outcomes.push(outcome);
        onEach?.(outcome);
      }
      return outcomes;
    },
  };
}

export function connect(): AppClient {
  return createClient(window.meter ? ipcTransport(window.meter) : createHttpTransport(window.location));
}

// The renderer's one client, built over a transport: Electron's preload bridge (ipc-transport.ts), the local
// server in browser mode (http-transport.ts), or a fake in the store tests (fake-transport.ts). Screens see
// the typed contract plus the two things a transport decides: how a dropped file reaches core, and menu
// commands. Every failure rejects as a MeterError (see errors.ts), so its code reaches the screen.
import type { ApiArg, ApiMethod, ApiResult, EventName, Events, MeterClient } from '../../../shared/contract';
import type { AppCommand, CallEnvelope, EventMessage } from '../../../shared/bridge';
import type { ImportedDataset } from '../../../shared/domain';
import type { MeterErrorData } from '../../../shared/errors';
import { MeterError, toMeterError } from './errors';

export type ImportOutcome =
  | { fileName: string; ok: true; dataset: ImportedDataset }
  | { fileName: string; ok: false; error: MeterErrorData };

export interface AppClient extends MeterClient {
  readonly mode: 'electron' | 'browser';
  /** Imports each file on its own, so one bad file never stops the others. */
  importFiles(files: File[], onEach?: (outcome: ImportOutcome) => void): Promise<ImportOutcome[]>;
  onCommand(listener: (command: AppCommand) => void): () => void;
  /** the link to core lost (false) and back (true); only browser mode's can be lost */
  onConnection(listener: (up: boolean) => void): () => void;
  /** where MLflow's clients log into this Meter (browser mode's server); null in the desktop app */
  mlflowConnection(): Promise<MlflowConnection | null>;
  /** a run's artifact file, in browser mode (the desktop app shows its path instead); null where not offered */
  readonly artifact: ((runId: string, path: string) => Promise<Blob>) | null;
  /** a scoring job's predictions file, in browser mode; null where not offered */
  readonly output: ((scoringId: string) => Promise<Blob>) | null;
}

/** The two lines MLflow's clients need: MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN. */
export interface MlflowConnection { trackingUri: string; token: string }

/** The transport-specific parts; everything else is shared. */
export interface Transport {
  mode: AppClient['mode'];
  call(method: ApiMethod, arg: unknown): Promise<CallEnvelope>;
  onEvent(listener: (message: EventMessage) => void): () => void;
  onCommand(listener: (command: AppCommand) => void): () => void;
  /** a path core can read: Electron's real path, or the server's copy after an upload */
  pathFor(file: File): Promise<string>;
  onConnection?(listener: (up: boolean) => void): () => void;
  mlflowConnection?(): Promise<MlflowConnection>;
  artifact?(runId: string, path: string): Promise<Blob>;
  output?(scoringId: string): Promise<Blob>;
}

type Listener = (payload: Events[EventName]) => void;

export function createClient(transport: Transport): AppClient {
  const listeners = new Map<EventName, Set<Listener>>();
  transport.onEvent((message) => {
    for (const fn of listeners.get(message.event) ?? []) fn(message.payload);
  });
  const call = async <K extends ApiMethod>(name: K, arg: ApiArg<K>): Promise<ApiResult<K>> => {
    let envelope: CallEnvelope;
    try { envelope = await transport.call(name, arg); } catch (err) { throw toMeterError(err); }
    if (!envelope.ok) throw MeterError.fromData(envelope.error);
    // The wire is untyped; core answered this method, so its result has this method's type.
    return envelope.result as ApiResult<K>;
  };
  return {
    mode: transport.mode,
    call,
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      // Messages are dispatched by their event name, so this listener only ever sees Events[E].
      const fn = listener as Listener;
      const set = listeners.get(event) ?? new Set<Listener>();
      set.add(fn);
      listeners.set(event, set);
      return () => { set.delete(fn); };
    },
    onCommand: (listener) => transport.onCommand(listener),
    onConnection: (listener) => transport.onConnection?.(listener) ?? (() => {}),
    artifact: transport.artifact ? (runId, path) => transport.artifact!(runId, path).catch((err: unknown) => { throw toMeterError(err); }) : null,
    output: transport.output ? (scoringId) => transport.output!(scoringId).catch((err: unknown) => { throw toMeterError(err); }) : null,
    mlflowConnection: async () => {
      if (!transport.mlflowConnection) return null;
      try { return await transport.mlflowConnection(); } catch (err) { throw toMeterError(err); }
    },
    async importFiles(files, onEach) {
      const outcomes: ImportOutcome[] = [];
      for (const file of files) {
        let outcome: ImportOutcome;
        try {
          const path = await transport.pathFor(file).catch((err: unknown) => { throw toMeterError(err); });
          const dataset = await call('data.import', { path });
          outcome = { fileName: file.name, ok: true, dataset };
        } catch (err) {
          outcome = { fileName: file.name, ok: false, error: toMeterError(err).toData() };
        }
        outcomes.push(outcome);
        onEach?.(outcome);
      }
      return outcomes;
    },
  };
}

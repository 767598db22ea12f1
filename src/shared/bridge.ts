// What crosses a transport boundary (Electron IPC, browser-mode HTTP/WebSocket): call envelopes, the IPC
// channel names and the object the preload exposes. Core never sees these; only transports do.
import type { ApiMethod, EventName, Events } from './contract';
import type { MeterErrorData } from './errors';
import { NAV_SCREENS, type NavScreen } from './screens';

export type CallEnvelope = { ok: true; result: unknown } | { ok: false; error: MeterErrorData };

export const IPC_CALL = 'meter:call';
export const IPC_EVENT = 'meter:event';
export const IPC_COMMAND = 'meter:command';

/** Menu commands the main process sends the window (native menus live in main, screens in the renderer). */
export type AppCommand = 'open-files' | `go-${NavScreen}`;
export const APP_COMMANDS: readonly AppCommand[] = ['open-files', ...NAV_SCREENS.map((s) => `go-${s.screen}` as const)];

export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: Events[E];
}

/** `window.meter` in Electron: exactly the contract (untyped on the wire, typed by the renderer's client). */
export interface MeterBridge {
  call(method: ApiMethod, arg: unknown): Promise<CallEnvelope>;
  onEvent(listener: (message: EventMessage) => void): () => void;
  onCommand(listener: (command: AppCommand) => void): () => void;
  /** the dropped/picked file's path on disk (Electron's webUtils.getPathForFile) */
  pathForFile(file: File): string;
}

/** Browser mode: a file streamed to the local server is kept under the home's datasets/ folder. */
export interface UploadResult {
  path: string;
  sha256: string;
  sizeBytes: number;
}

// IPC wiring: one channel for contract calls, one for events. Calls are accepted only from the app's own
// frame, the method name is checked against the contract, and arguments are validated by core's handlers.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS, type EventName } from '../shared/contract';
import { IPC_CALL, IPC_EVENT, type CallEnvelope, type EventMessage } from '../shared/bridge';
import { MeterError, toErrorData } from '../shared/errors';
import type { CoreApi } from '../core/api/create-api';
import type { CoreContext } from '../core/context';
import type { AppUrlCheck } from './security';

const EVENTS: EventName[] = ['job.progress', 'job.finished', 'search.updated'];

export function wireIpc(ctx: CoreContext, api: CoreApi, isAppUrl: AppUrlCheck, windows: () => BrowserWindow[]): () => void {
  ipcMain.handle(IPC_CALL, async (event: IpcMainInvokeEvent, method: unknown, arg: unknown): Promise<CallEnvelope> => {
    try {
      const frameUrl = event.senderFrame?.url ?? '';
      if (!isAppUrl(frameUrl)) throw new MeterError('UNAUTHORIZED', `IPC from ${frameUrl || 'an unknown frame'} refused.`);
      if (typeof method !== 'string' || !(API_METHODS as readonly string[]).includes(method)) {
        throw new MeterError('NOT_FOUND', `Unknown API method "${String(method)}".`);
      }
      return { ok: true, result: await api.callUnknown(method, arg ?? {}) };
    } catch (err) {
      return { ok: false, error: toErrorData(err) };
    }
  });
  const offs = EVENTS.map((name) => ctx.events.on(name, (payload) => {
    const message: EventMessage = { event: name, payload } as EventMessage;
    for (const win of windows()) if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, message);
  }));
  return () => {
    ipcMain.removeHandler(IPC_CALL);
    offs.forEach((off) => off());
  };
}

// The preload exposes exactly the contract: one call function, event and menu-command subscriptions, and
// the path of a dropped file. Nothing else from Electron or Node reaches the page.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { APP_COMMANDS, IPC_CALL, IPC_COMMAND, IPC_EVENT, type AppCommand, type CallEnvelope, type EventMessage, type MeterBridge } from '../shared/bridge';

const bridge: MeterBridge = {
  call: (method, arg) => ipcRenderer.invoke(IPC_CALL, method, arg) as Promise<CallEnvelope>,
  onEvent(listener) {
    const handler = (_e: IpcRendererEvent, message: EventMessage) => listener(message);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => { ipcRenderer.removeListener(IPC_EVENT, handler); };
  },
  onCommand(listener) {
    const handler = (_e: IpcRendererEvent, command: AppCommand) => { if (APP_COMMANDS.includes(command)) listener(command); };
    ipcRenderer.on(IPC_COMMAND, handler);
    return () => { ipcRenderer.removeListener(IPC_COMMAND, handler); };
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('meter', bridge);

// Electron's transport: the preload's narrow bridge (window.meter).
import type { MeterBridge } from '../../../shared/bridge';
import type { ApiResult } from '../../../shared/contract';
import { MeterError } from './errors';
import type { Transport } from './client';

declare global {
  interface Window { meter?: MeterBridge }
}

export function createIpcTransport(bridge: MeterBridge): Transport {
  return {
    mode: 'electron',
    call: (method, arg) => bridge.call(method, arg),
    onEvent: (listener) => bridge.onEvent(listener),
    onCommand: (listener) => bridge.onCommand(listener),
    // an artifact's bytes through the contract; saving the Blob (save-blob.ts) opens Electron's save dialog
    artifact: async (runId, path) => {
      const envelope = await bridge.call('runs.artifactFile', { runId, path });
      if (!envelope.ok) throw MeterError.fromData(envelope.error);
      const { base64 } = envelope.result as ApiResult<'runs.artifactFile'>;
      const bin = atob(base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return new Blob([bytes]);
    },
    pathFor: async (file) => {
      const path = bridge.pathForFile(file);
      if (!path) throw new MeterError('INVALID_ARGUMENT', `${file.name} has no path on disk (was it dragged from another app?).`);
      return path;
    },
  };
}

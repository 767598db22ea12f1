// The one app window. The renderer gets no Node: isolated context, sandboxed, only the preload's bridge.
import { BrowserWindow, nativeTheme } from 'electron';
import { join } from 'node:path';

export interface WindowPaths {
  preload: string;
  /** the dev server's URL (electron-vite dev) or the built index.html */
  rendererUrl: string | null;
  rendererFile: string;
}

export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Meter',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181d' : '#f7f7f9',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  if (paths.rendererUrl) void win.loadURL(paths.rendererUrl);
  else void win.loadFile(paths.rendererFile);
  return win;
}

export function rendererPaths(outDir: string): WindowPaths {
  return {
    preload: join(outDir, 'preload', 'index.cjs'),
    rendererUrl: process.env.ELECTRON_RENDERER_URL ?? null,
    rendererFile: join(outDir, 'renderer', 'index.html'),
  };
}

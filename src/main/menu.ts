// Native menus. Items that concern a screen are sent to the renderer as commands; the OS roles do the rest.
import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { IPC_COMMAND, type AppCommand } from '../shared/bridge';
import { NAV_SCREENS, navKey } from '../shared/screens';

export function installMenu(focused: () => BrowserWindow | null): void {
  const send = (command: AppCommand) => () => focused()?.webContents.send(IPC_COMMAND, command);
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Import Parquet Files…', accelerator: 'CmdOrCtrl+O', click: send('open-files') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        // The sidebar's order, so Ctrl/Cmd+N here opens what Alt+N opens in the window.
        ...NAV_SCREENS.map((s, i): MenuItemConstructorOptions => ({ label: s.label, accelerator: `CmdOrCtrl+${navKey(i)}`, click: send(`go-${s.screen}`) })),
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

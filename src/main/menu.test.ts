// The View menu's screens follow the sidebar (one shared list): Ctrl/Cmd+N opens the Nth screen the window
// lists, the same one Alt+N opens, and each item sends the command the renderer turns into that screen.
import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserWindow, MenuItemConstructorOptions } from 'electron';
import * as electron from '../../test/stand-ins/electron';
import { APP_COMMANDS, IPC_COMMAND } from '../shared/bridge';
import { NAV_SCREENS, screenForKey } from '../shared/screens';
import { installMenu } from './menu';

describe('the View menu', () => {
  beforeEach(() => electron.resetElectron());

  it('lists the screens in the sidebar order, Ctrl/Cmd+1..8, each sending go-<screen>', () => {
    const contents = new electron.FakeWebContents();
    installMenu(() => ({ webContents: contents }) as unknown as BrowserWindow);
    const template = electron.Menu.template as MenuItemConstructorOptions[];
    const view = template.find((m) => m.label === 'View')!.submenu as MenuItemConstructorOptions[];
    const screens = view.filter((m) => m.accelerator?.match(/^CmdOrCtrl\+\d$/));
    expect(screens.map((m) => m.label)).toEqual(['Data', 'Train', 'Tune', 'Runs', 'Models', 'Score', 'Monitor', 'Pipelines']);
    expect(screens.map((m) => m.accelerator)).toEqual(screens.map((_, i) => `CmdOrCtrl+${i + 1}`));
    for (const m of screens) (m.click as () => void)();
    expect(contents.sent.map((s) => s.channel)).toEqual(screens.map(() => IPC_COMMAND));
    expect(contents.sent.map((s) => s.args[0])).toEqual(NAV_SCREENS.map((s) => `go-${s.screen}`));
    // every command the menu sends is one the preload passes on (Monitor's was missing)
    for (const s of contents.sent) expect(APP_COMMANDS).toContain(s.args[0]);
  });

  it('gives Alt+N in the window the screen the menu gives Ctrl/Cmd+N (3 is Tune, as the sidebar shows)', () => {
    expect(screenForKey('3')).toBe('tune');
    expect(screenForKey('4')).toBe('runs');
    expect(NAV_SCREENS.map((_, i) => screenForKey(String(i + 1)))).toEqual(NAV_SCREENS.map((s) => s.screen));
    expect(screenForKey('9')).toBeNull();
    expect(screenForKey('a')).toBeNull();
  });
});

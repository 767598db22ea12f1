// The folder a user typed for Meter to write into (Score's output folder, Export's target). Core never
// resolves a relative path against its own working directory: in the app that is the server's or Electron's
// cwd, which the user cannot see. A relative folder is taken under the action's default folder in the Meter
// home (`<home>/predictions`, `<home>/exports`), which the app shows as the field's placeholder, and `~` is
// the user's home. The CLI resolves its arguments against the shell's cwd before calling, as a shell user
// expects, so what reaches here from it is already absolute.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export function outputFolder(raw: string, defaultFolder: string): string {
  const typed = raw.trim();
  if (typed === '~' || typed.startsWith('~/') || typed.startsWith('~\\')) return resolve(homedir(), typed.slice(2));
  if (isAbsolute(typed)) return resolve(typed);
  return resolve(join(defaultFolder, typed));
}

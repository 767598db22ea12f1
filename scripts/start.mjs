// `npm start`: the desktop app where Electron can run; otherwise browser mode, with one line saying why and
// the URL to open. `npm start -- --browser` (or METER_BROWSER=1) always picks browser mode.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeElectron } from './electron-probe.mjs';
import { ensureElectronSqlite } from './electron-native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const passthrough = process.argv.slice(2).filter((a) => a !== '--browser');
const forceBrowser = process.argv.includes('--browser') || process.env.METER_BROWSER === '1';

function run(cmd, args) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const build = await import('node:child_process').then(({ spawnSync }) =>
  spawnSync(process.execPath, [join(root, 'scripts', 'build-all.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' }));
if (build.status !== 0) process.exit(build.status ?? 1);

let why = 'you asked for browser mode';
if (!forceBrowser) {
  const electron = probeElectron(root);
  if (electron.ok) {
    const sqlite = ensureElectronSqlite(root);
    if (sqlite.ok) { run(electron.bin, [root, ...passthrough]); }
    else why = sqlite.reason;
    if (sqlite.ok) await new Promise(() => {});
  } else {
    why = electron.reason;
  }
}
console.log(`Meter: Electron can't start here (${why}), so Meter runs in browser mode instead.`);
run(process.execPath, [join(root, 'out', 'node', 'cli.js'), 'ui', ...passthrough]);

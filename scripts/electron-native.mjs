// Builds better-sqlite3 for Electron's ABI into native/electron-abi<N>/ without touching node_modules, whose
// Node build the CLI, tests and browser mode keep using. Tries the prebuilt binary first (prebuild-install,
// as better-sqlite3's own install does), then a source build against Electron's headers (node-gyp).
// Both need the network (GitHub / electronjs.org), so this runs only where Electron itself could be installed.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function ensureElectronSqlite(root) {
  const require = createRequire(`${root}/package.json`);
  const electronDir = dirname(require.resolve('electron/package.json'));
  const version = require('electron/package.json').version;
  const abi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim();
  const target = join(root, 'native', `electron-abi${abi}`, 'better_sqlite3.node');
  if (existsSync(target)) return { ok: true, path: target };
  const work = mkdtempSync(join(tmpdir(), 'meter-sqlite-'));
  try {
    const pkg = join(work, 'better-sqlite3');
    cpSync(dirname(require.resolve('better-sqlite3/package.json')), pkg, { recursive: true, filter: (p) => !p.includes(`${join('better-sqlite3', 'build')}`) });
    const bin = (name, ...rel) => join(dirname(require.resolve(`${name}/package.json`)), ...rel);
    const attempts = [
      [bin('prebuild-install', 'bin.js'), '--runtime', 'electron', '--target', version],
      [bin('node-gyp', 'bin', 'node-gyp.js'), 'rebuild', '--release', `--target=${version}`, '--dist-url=https://electronjs.org/headers'],
    ];
    const errors = [];
    for (const args of attempts) {
      const r = spawnSync(process.execPath, args, { cwd: pkg, encoding: 'utf8', env: { ...process.env, npm_config_nodedir: '' } });
      const built = join(pkg, 'build', 'Release', 'better_sqlite3.node');
      if (r.status === 0 && existsSync(built)) {
        mkdirSync(dirname(target), { recursive: true });
        cpSync(built, target);
        return { ok: true, path: target };
      }
      errors.push((r.stderr || r.stdout || '').trim().split('\n').slice(-1)[0]);
    }
    return { ok: false, reason: `better-sqlite3 could not be built for Electron ${version}: ${errors.join(' / ')}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

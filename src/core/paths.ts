// Where things live: the user's Meter home (same folder Electron's userData uses, so the app and the CLI
// share one store) and this package's own files (workers, shipped sample).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_NAME = 'Meter';

export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.METER_HOME) return env.METER_HOME;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

let cachedRoot: string | null = null;

/** The folder holding Meter's package.json, found from this module's location (source or bundle). */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'meter') return (cachedRoot = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('Cannot find the Meter package root');
    dir = up;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export const defaultWorkerDir = (): string => process.env.METER_WORKER_DIR ?? join(packageRoot(), 'out', 'node', 'workers');
export const defaultResourcesDir = (): string => join(packageRoot(), 'resources');

export function sampleFiles(resourcesDir: string): { train: string; val: string } {
  return {
    train: join(resourcesDir, 'sample', 'green_tripdata_2023-01.sample.parquet'),
    val: join(resourcesDir, 'sample', 'green_tripdata_2023-02.sample.parquet'),
  };
}

// Builds what a user's `npm start` builds: the Node bundles and the Electron/renderer bundles.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-all.mjs', '--if-stale'], { stdio: 'inherit' });
}

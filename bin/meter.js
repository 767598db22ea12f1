#!/usr/bin/env node
// Runs the bundled CLI (built by `npm install` via the prepare script, or `npm run build:node`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/node/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('meter: the CLI is not built yet; run "npm run build:node" in the Meter folder.\n');
  process.exit(1);
}
await import(cli.href);

// Bundles the Node-side entries (CLI, workers, bench) into out/node with esbuild. Native packages stay
// external. Runs on `npm install` (prepare), before tests, and before the bench.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workers = readdirSync(join(root, 'src/worker')).filter((f) => f.endsWith('.worker.ts'));
const entryPoints = {
  cli: 'src/cli/main.ts',
  bench: 'bench/bench.ts',
  'bench-scale': 'bench/scale.ts',
  'bench-score-child': 'bench/score-child.ts',
  'workers/tree-builder': 'src/worker/tree-builder.ts',
  ...Object.fromEntries(workers.map((f) => [`workers/${f.replace(/\.ts$/, '')}`, `src/worker/${f}`])),
};
for (const extra of process.argv.slice(2)) entryPoints[extra.replace(/^.*\//, '').replace(/\.ts$/, '')] = extra;

await build({
  absWorkingDir: root,
  entryPoints,
  outdir: 'out/node',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
  // Bundled ESM has no require(); native CommonJS packages are imported, which Node supports.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

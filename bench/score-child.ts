// Runs one scoring job in a fresh process and reports that process's peak RSS, so the figure is the
// scorer's own (the bench's other work happens in the parent). Args: HOME MODEL_URI INPUT OUTDIR.
import { openCore } from '../src/core/context';
import { createLocalClient } from '../src/core/api/local-client';

const [home, uri, input, outDir] = process.argv.slice(2);
const ctx = openCore({ home });
const client = createLocalClient(ctx);
const t = performance.now();
const { jobId } = await client.call('scoring.start', { modelUri: uri, inputs: [input], outputDir: outDir });
const outcome = await client.call('jobs.wait', { jobId });
const seconds = (performance.now() - t) / 1000;
const [rec] = await client.call('scoring.list', { jobId });
await ctx.close();
process.stdout.write(`${JSON.stringify({ state: outcome.state, error: outcome.error?.message ?? null, rows: rec?.file?.scored ?? 0, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);

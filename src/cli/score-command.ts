// `meter score --model URI --input F [--input F…] [--output DIR] [--json]`: the same scoring job the Score
// screen starts, with progress on stderr; Ctrl-C cancels (the files already scored are kept and recorded).
import { resolve } from 'node:path';
import type { MeterClient } from '../shared/contract';
import { MeterError } from '../shared/errors';
import { one, parseArgs } from './args';
import { fmt, followJob, table } from './print';
import type { Io } from './io';

export async function scoreCommand(client: MeterClient, args: string[], io: Io): Promise<number> {
  const p = parseArgs(args, { switches: ['json'], values: ['model', 'input', 'output'] });
  const modelUri = one(p, 'model');
  const inputs = [...(p.flags.get('input') ?? []), ...p.positionals].map((f) => resolve(io.cwd, f));
  if (!modelUri || inputs.length === 0) throw new MeterError('INVALID_ARGUMENT', 'Usage: meter score --model models:/NAME@ALIAS --input FILE [--input FILE…] [--output DIR]');
  const output = one(p, 'output');
  const started = await client.call('scoring.start', { modelUri, inputs, outputDir: output ? resolve(io.cwd, output) : undefined });
  const outcome = await followJob(client, started.jobId, io.err);
  if (outcome.state !== 'succeeded') {
    throw new MeterError(outcome.error?.code ?? 'INTERNAL', outcome.state === 'cancelled' ? 'Scoring was cancelled; the files scored before that are kept.' : `Scoring failed: ${outcome.error?.message}`);
  }
  const records = await client.call('scoring.list', { jobId: started.jobId });
  // Scoring another kind of trips than the model learned goes ahead (it may be meant) but is said, on stderr
  // so --json output stays one JSON document (the warnings are in it too, per file).
  for (const r of records) for (const w of r.file?.warnings ?? []) io.err.write(`warning: ${w}\n`);
  if (p.switches.has('json')) { io.out(JSON.stringify(records)); return records.some((r) => r.status !== 'FINISHED') ? 1 : 0; }
  io.out(table(['input', 'status', 'rows', 'scored', 'rmse', 'mae', 'output'], records.map((r) => [
    r.inputPath, r.status, String(r.file?.rows ?? ''), String(r.file?.scored ?? ''), fmt(r.file?.metrics?.rmse), fmt(r.file?.metrics?.mae), r.file?.outputPath ?? r.error ?? '',
  ])));
  return records.some((r) => r.status !== 'FINISHED') ? 1 : 0;
}

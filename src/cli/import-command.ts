// `meter import FILE…`: each file is checked and recorded on its own, so a bad month among good ones is
// reported beside them and never hides what was recorded. One line (and its report) per file; the exit code
// is the first refusal's when any file was refused.
import { basename } from 'node:path';
import type { MeterClient } from '../shared/contract';
import type { ImportedDataset } from '../shared/domain';
import { EXIT_CODES, MeterError, toErrorData, type MeterErrorData } from '../shared/errors';
import { parseArgs } from './args';
import { table } from './print';
import type { Io } from './io';

/** One file's outcome, as `--json` prints it when several files are given. */
export type ImportOutcome =
  | ({ file: string; status: 'imported' | 'already imported' } & ImportedDataset)
  | { file: string; status: 'refused'; error: Pick<MeterErrorData, 'code' | 'message'> };

function printImported(file: string, d: ImportedDataset, io: Io): void {
  // Bytes already recorded are that dataset, wherever they were imported from: say so and name it.
  if (d.alreadyImported) { io.out(`${basename(file)}: already imported as ${d.fileName} (dataset ${d.datasetId}, ${d.path}); same sha256, nothing added`); return; }
  const r = d.report;
  io.out(`${d.fileName}: imported: ${r.kind} trips, ${r.rows} rows, ${r.columns.length} columns, month ${r.pickupMonth ?? '?'} (pickups ${r.pickupMin ?? '?'} to ${r.pickupMax ?? '?'})`);
  io.out(`  duration 1–60 min: kept ${r.filter.kept}, dropped ${r.filter.dropped} (${r.filter.tooShort} shorter, ${r.filter.tooLong} longer, ${r.filter.missingTime} without times${r.filter.badDistance ? `, ${r.filter.badDistance} with an unusable trip_distance` : ''}); mean kept ${r.filter.meanKeptMinutes.toFixed(2)} min`);
  io.out(`  dataset ${d.datasetId}  sha256 ${d.sha256}`);
  io.out(table(['column', 'type', 'nulls'], r.columns.map((c) => [c.name, c.dtype, String(c.nullCount)])).replace(/^/gm, '  '));
}

export async function importCommand(client: MeterClient, args: string[], io: Io): Promise<number> {
  const p = parseArgs(args, { switches: ['json'], values: [] });
  const files = p.positionals;
  if (files.length === 0) throw new MeterError('INVALID_ARGUMENT', 'meter import needs at least one parquet file.');
  const json = p.switches.has('json');
  // One file: its dataset, or its error as every command reports one (a line on stderr, the code's exit status).
  if (files.length === 1) {
    const d = await client.call('data.import', { path: files[0] });
    if (json) io.out(JSON.stringify(d)); else printImported(files[0], d, io);
    return 0;
  }
  const outcomes: ImportOutcome[] = [];
  for (const file of files) {
    try {
      const d = await client.call('data.import', { path: file });
      outcomes.push({ file, status: d.alreadyImported ? 'already imported' : 'imported', ...d });
      if (!json) printImported(file, d, io);
    } catch (err) {
      const { code, message } = toErrorData(err);
      outcomes.push({ file, status: 'refused', error: { code, message } });
      if (!json) io.out(`${basename(file)}: refused: ${message}`);
    }
  }
  const refused = outcomes.filter((o): o is Extract<ImportOutcome, { status: 'refused' }> => o.status === 'refused');
  if (json) io.out(JSON.stringify(outcomes));
  if (refused.length === 0) return 0;
  io.err.write(`meter: ${refused.length} of ${files.length} files refused (${refused.map((o) => basename(o.file)).join(', ')}); ${files.length - refused.length === 0 ? 'nothing was recorded' : 'the others are recorded'}.\n`);
  return EXIT_CODES[refused[0].error.code];
}

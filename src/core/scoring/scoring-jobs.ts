// Scoring as a job: starting it and keeping its record. The model URI is resolved and every input checked to
// exist before the job starts. Each input is recorded as it ends (the worker hands it over then), and the
// inputs the job never reached are recorded when it ends, whatever the ending.
//
// The rule on cancel, failure and kill: an input's output exists exactly when its FINISHED record does. The
// record is committed first, then the output is placed from its temp file, never over an existing file
// (output-names.ts: names carry the model, a clash takes the next free name); outputs recorded
// stay recorded whatever happens to the job later (a cancel stops the job, it does not undo finished
// inputs). A kill between the commit and the rename leaves the temp file beside a record that names it; the
// cleanup at the next start (core/jobs/recovery.ts) completes that rename and removes every other temp file.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { MeterError, messageOf } from '../../shared/errors';
import type { JobId, ScoredFile, ScoringModelRef, ScoringRecord, ScoringStatus } from '../../shared/domain';
import type { ApiArg } from '../../shared/contract';
import type { ScoreJobPartial } from '../../shared/jobs';
import type { CoreContext } from '../context';
import { inTransaction } from '../store/db';
import { resolveModelUri } from '../registry/resolve';
import { refuseMlflowModel } from '../mlflow/foreign-model';
import { claimedTempPath, tempOutputPath } from './temp-names';
import { outputFolder } from '../output-folder';
import { kindWarning, trainedOn, type TrainedOn } from './kind-warning';
import { freeOutputPath, placeWithoutReplacing, planOutputs } from './output-names';

export const CHUNK_ROWS = 250_000;

export type ScoringRequest = ApiArg<'scoring.start'>;

function record(ctx: CoreContext, jobId: JobId, model: ScoringModelRef, status: ScoringStatus, error: string | null, inputPath: string, file: ScoredFile | null, started: number): string {
  const scoringId = randomBytes(8).toString('hex');
  ctx.db.prepare(`INSERT INTO scoring_runs (scoring_id, job_id, model_uri, model_name, model_version, run_id, status, error, input_path, file_json, started_ms, ended_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(scoringId, jobId, model.uri, model.name, model.version, model.runId, status, error, inputPath,
    file ? JSON.stringify(file) : null, started, Date.now());
  return scoringId;
}

/** Records one finished input under a name no file or record has (run inside the job manager's write
 * transaction, so two Meters never pick the same one); returns the placing to do once that record is
 * committed. If the planned name was taken meanwhile, the temp file is renamed to the chosen name's temp name
 * first, so the cleanup at start still pairs it with its record. Placing never replaces a file: a name taken
 * after the commit moves the output to the next free one and the record with it. If placing fails the record
 * is turned into a FAILED one naming why, so no record points at a file that is not there. */
function recordInput(ctx: CoreContext, jobId: JobId, model: ScoringModelRef, p: ScoreJobPartial, started: number, trained: TrainedOn | null): (() => void) | undefined {
  if (!('file' in p)) {
    record(ctx, jobId, model, 'FAILED', p.error.message, p.inputPath, null, started);
    return undefined;
  }
  let temp = p.tempPath;
  const claim = (output: string): ScoredFile => {
    if (output !== p.file.outputPath || temp !== p.tempPath) {
      const next = claimedTempPath(output, process.pid, started);
      renameSync(temp, next);
      temp = next;
    }
    const warning = p.file.kind ? kindWarning(trained, p.file.fileName, p.file.kind) : null;
    return { ...p.file, outputPath: output, ...(warning ? { warnings: [warning] } : {}) };
  };
  let file = claim(freeOutputPath(ctx.db, p.file.outputPath));
  const scoringId = record(ctx, jobId, model, 'FINISHED', null, p.inputPath, file, started);
  return () => {
    try {
      for (let tries = 0; !placeWithoutReplacing(temp, file.outputPath); tries++) {
        if (tries === 20) throw new Error('every free name was taken while placing it');
        inTransaction(ctx.db, () => {
          file = claim(freeOutputPath(ctx.db, p.file.outputPath));
          ctx.db.prepare('UPDATE scoring_runs SET file_json = ? WHERE scoring_id = ?').run(JSON.stringify(file), scoringId);
        });
      }
    } catch (err) {
      rmSync(temp, { force: true });
      inTransaction(ctx.db, () => ctx.db.prepare("UPDATE scoring_runs SET status = 'FAILED', error = ?, file_json = NULL WHERE scoring_id = ?")
        .run(`Cannot write ${file.outputPath}: ${messageOf(err)}`, scoringId));
    }
  };
}

export function startScoring(ctx: CoreContext, req: ScoringRequest): { jobId: JobId; outputs: string[] } {
  const resolved = resolveModelUri(ctx, req.modelUri);
  refuseMlflowModel(resolved.modelPath, resolved.uri, 'score');
  if (req.inputs.length === 0) throw new MeterError('INVALID_ARGUMENT', 'Choose at least one parquet file to score.');
  // Every input is checked before anything starts, and all the bad ones are named at once (not one per try).
  // A relative input would be taken from this process's working folder, which an app user cannot see: the
  // CLI sends absolute paths (resolved against the shell's folder) and the app sends its datasets' paths.
  const relative = req.inputs.filter((p) => !isAbsolute(p));
  if (relative.length > 0) throw new MeterError('INVALID_ARGUMENT', `Give input files by absolute path: ${relative.join(', ')}.`);
  const inputs = req.inputs.map((p) => resolve(p));
  const missing = inputs.filter((p) => !existsSync(p) || !statSync(p).isFile());
  if (missing.length > 0) {
    throw new MeterError('NOT_FOUND', missing.length === 1 ? `${missing[0]} does not exist (or is not a file).`
      : `${missing.length} of the ${inputs.length} input files do not exist (or are not files): ${missing.join(', ')}.`);
  }
  const defaultDir = join(ctx.home, 'predictions');
  const outDir = req.outputDir?.trim() ? outputFolder(req.outputDir, defaultDir) : defaultDir;
  try { mkdirSync(outDir, { recursive: true }); } catch (err) { throw new MeterError('FILE_UNREADABLE', `Cannot create the output folder ${outDir}: ${messageOf(err)}`); }
  const model: ScoringModelRef = { uri: resolved.uri, name: resolved.name, version: resolved.version, runId: resolved.runId };
  // The names planned now are free now; each is checked again as its input is recorded (see recordInput).
  const outputs = planOutputs(ctx.db, inputs, outDir, model);
  const trained = trainedOn(ctx, resolved);
  const started = Date.now();
  const spec = inputs.map((path, i) => ({ path, outputPath: outputs[i], tempPath: tempOutputPath(outputs[i], process.pid, started) }));
  const recorded = new Set<string>();
  const jobId: JobId = ctx.jobs.start('score', { modelPath: resolved.modelPath, model, inputs: spec, chunkRows: CHUNK_ROWS }, {
    runId: null,
    onPartial: (p) => {
      const after = recordInput(ctx, jobId, model, p, started, trained);
      recorded.add(p.inputPath);
      return after;
    },
    onSuccess: (result) => {
      const first = result.files[0]?.metrics;
      return first ? { rmse: first.rmse, mae: first.mae } : null;
    },
    onFailure: (state, error) => {
      for (const i of spec) {
        if (recorded.has(i.path)) continue;
        rmSync(i.tempPath, { force: true }); // a worker stopped mid-write
        record(ctx, jobId, model, state === 'cancelled' ? 'KILLED' : 'FAILED', state === 'cancelled' ? null : error.message, i.path, null, started);
      }
    },
  });
  return { jobId, outputs };
}

interface Row { scoring_id: string; job_id: string; model_uri: string; model_name: string | null; model_version: number | null; run_id: string; status: ScoringStatus; error: string | null; input_path: string; file_json: string | null; started_ms: number; ended_ms: number }

const toRecord = (r: Row): ScoringRecord => ({
  scoringId: r.scoring_id, jobId: r.job_id, model: { uri: r.model_uri, name: r.model_name, version: r.model_version, runId: r.run_id },
  status: r.status, error: r.error, file: r.file_json ? JSON.parse(r.file_json) : null, inputPath: r.input_path, startedMs: r.started_ms, endedMs: r.ended_ms,
});

export function listScoring(ctx: CoreContext, q: { name?: string; version?: number; jobId?: string; limit?: number }): ScoringRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.name !== undefined) { where.push('model_name = ?'); params.push(q.name); }
  if (q.version !== undefined) { where.push('model_version = ?'); params.push(q.version); }
  if (q.jobId !== undefined) { where.push('job_id = ?'); params.push(q.jobId); }
  const limit = q.limit ?? 200;
  // One job's records come in the order of its inputs (they are recorded in that order: inputs are scored one
  // after the other, and those the job never reached are recorded at its end, in order); others newest first.
  const order = q.jobId !== undefined ? 'rowid ASC' : 'started_ms DESC, rowid DESC';
  return (ctx.db.prepare(`SELECT * FROM scoring_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`)
    .all(...params, limit) as Row[]).map(toRecord);
}

// The scoring job (runs in a worker): load the model once, then score each input file in turn. Each input is
// handed to core as it ends (scored, its output at the temp path core chose, or failed), so core records it
// then, not when the whole job ends: a kill between two inputs loses none that finished.
import { readFileSync, rmSync } from 'node:fs';
import type { CancelToken } from '../../shared/cancel';
import type { PartialFn, ProgressFn, ScoreJobResult, ScoreJobSpec, WorkerEnv } from '../../shared/jobs';
import { toErrorData, messageOf } from '../../shared/errors';
import { MeterError } from '../../shared/errors';
import { parseModelFile, predictorFor } from '../engine/model-file';
import { scoreToTemp } from './score-file';
import { placeWithoutReplacing } from './output-names';

/** Without a receiver (a direct call), the job moves each output into place itself. */
const moveIntoPlace: PartialFn<'score'> = (p) => {
  if ('file' in p && !placeWithoutReplacing(p.tempPath, p.file.outputPath)) {
    rmSync(p.tempPath, { force: true });
    throw new MeterError('ALREADY_EXISTS', `${p.file.outputPath} already exists; Meter does not replace a predictions file.`);
  }
};

export function scoreJob(spec: ScoreJobSpec, progress: ProgressFn, cancel: CancelToken, _env?: WorkerEnv, partial: PartialFn<'score'> = moveIntoPlace): ScoreJobResult {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(spec.modelPath, 'utf8'));
  } catch (err) {
    throw new MeterError('FILE_UNREADABLE', `Cannot read the model ${spec.model.uri} (${spec.modelPath}): ${messageOf(err)}`);
  }
  const predictor = predictorFor(parseModelFile(raw, spec.model.uri));
  const result: ScoreJobResult = { files: [], failures: [] };
  for (const input of spec.inputs) {
    let file;
    try {
      file = scoreToTemp(predictor, spec.model, input.path, input.outputPath, input.tempPath, spec.chunkRows, progress, cancel);
    } catch (err) {
      rmSync(input.tempPath, { force: true });
      // Cancel stops here; the inputs already handed over stay scored and recorded. A bad file is reported
      // and the others are still scored.
      if (err instanceof MeterError && err.code === 'CANCELLED') throw err;
      const error = toErrorData(err);
      result.failures.push({ inputPath: input.path, error });
      partial({ inputPath: input.path, error });
      continue;
    }
    result.files.push(file);
    partial({ inputPath: input.path, file, tempPath: input.tempPath });
  }
  return result;
}

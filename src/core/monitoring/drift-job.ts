// The drift job (runs in a worker): load the model, read and predict the reference once, then each group of
// current files in turn, one report per group. Cancel is checked between files. In a timeline one bad month
// (unreadable, another kind of trip file, no trips) is set aside with its reason and the others go on: a
// year of months should not be lost to one broken download.
import { readFileSync } from 'node:fs';
import type { CancelToken } from '../../shared/cancel';
import { MeterError, messageOf, toErrorData } from '../../shared/errors';
import type { DriftJobResult, DriftJobSpec, ProgressFn } from '../../shared/jobs';
import type { DriftReportBody } from '../../shared/domain/monitoring';
import { parseModelFile, predictorFor } from '../engine/model-file';
import { concatFrames, loadMonitorFrame, type MonitorFrame } from './monitor-frame';
import { driftColumns, modelQuality, prepareSide } from './drift-report';

function sameKind(ref: MonitorFrame, cur: MonitorFrame): void {
  if (ref.file.kind !== cur.file.kind) {
    throw new MeterError('SCHEMA_MISMATCH',
      `${cur.file.fileName} is a ${cur.file.kind} trip file but the reference ${ref.file.fileName} is ${ref.file.kind}; monitor files of the reference's kind (or choose a ${cur.file.kind} reference file).`,
      { file: cur.file.fileName, kind: cur.file.kind, referenceKind: ref.file.kind });
  }
}

export function driftJob(spec: DriftJobSpec, progress: ProgressFn, cancel: CancelToken): DriftJobResult {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(spec.modelPath, 'utf8'));
  } catch (err) {
    throw new MeterError('FILE_UNREADABLE', `Cannot read the model file ${spec.modelPath}: ${messageOf(err)}`);
  }
  const predictor = predictorFor(parseModelFile(raw, spec.modelPath));
  const total = spec.groups.reduce((s, g) => s + g.length, 0) + 1;
  let done = 0;
  const check = () => { if (cancel.cancelled) throw new MeterError('CANCELLED', 'Monitoring was cancelled; no report was recorded.'); };
  progress('read reference', done, total);
  const refFrame = loadMonitorFrame(spec.reference.path);
  const refPred = predictor.predict(refFrame.trips);
  done++;
  check();
  const reports: DriftReportBody[] = [];
  // The reference is sorted and counted once per job (with or without duration), not once per month.
  const refSides = new Map<boolean, ReturnType<typeof prepareSide>>();
  const refSide = (withDuration: boolean) => {
    if (!refSides.has(withDuration)) refSides.set(withDuration, prepareSide(refFrame, refPred, withDuration));
    return refSides.get(withDuration)!;
  };
  const groupReport = (group: string[]): DriftReportBody => {
    const started = Date.now();
    const frames: MonitorFrame[] = [];
    for (const path of group) {
      progress(`read ${path.split(/[\\/]/).pop()}`, done, total);
      const f = loadMonitorFrame(path);
      sameKind(refFrame, f);
      frames.push(f);
      done++;
      check();
    }
    const cur = concatFrames(frames);
    const pred = predictor.predict(cur.trips);
    const withDuration = refFrame.labelled && cur.labelled;
    const { columns, datasetDrift } = driftColumns(refSide(withDuration), prepareSide(cur, pred, withDuration), spec);
    return {
      reference: { ...refFrame.file, source: spec.reference.source },
      current: frames.map((f) => f.file),
      month: frames.length === 1 ? frames[0].file.month : frames.map((f) => f.file.month).filter(Boolean).join(', ') || null,
      labelled: cur.labelled,
      datasetDrift, columns,
      quality: modelQuality(cur, pred, spec.validation),
      millis: Date.now() - started,
    };
  };
  const failed: DriftJobResult['failed'] = [];
  for (const group of spec.groups) {
    const before = done;
    try {
      reports.push(groupReport(group));
    } catch (err) {
      if (!spec.keepGoing || (err instanceof MeterError && err.code === 'CANCELLED')) throw err;
      failed.push({ path: group[0], error: toErrorData(err) });
      done = before + group.length; // the month is through, if not as hoped
    }
    check();
  }
  if (reports.length === 0 && failed.length > 0) {
    const first = failed[0].error;
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more month${failed.length > 2 ? 's' : ''} failed)` : '';
    throw new MeterError(first.code, `No month could be monitored: ${first.message}${more}`, first.details);
  }
  progress('done', total, total);
  return { reports, failed };
}

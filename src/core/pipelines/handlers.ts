// Pipelines: the monthly retrain flow (load → features → train → evaluate → register → promote) as flow
// runs with retries, caching, backfill and a schedule. The rules live beside this file.
import type { PipelineInfo } from '../../shared/pipeline';
import type { CoreContext } from '../context';
import type { Handlers } from '../jobs/handler-types';
import { nextFire, parseCron } from './cron';
import { cancelFlow, normalizeSpec, rerunFlow, startBackfill, startFlow } from './flow';
import { failOrphanedFlows, getFlowRun, getPipelineRow, listFlowRuns, listPipelineRows, savePipeline, type PipelineRow } from './flow-repo';
import { osSchedule } from './os-schedule';

type Methods = 'pipelines.save' | 'pipelines.list' | 'pipelines.run' | 'pipelines.backfill' | 'pipelines.runs' | 'pipelines.get'
  | 'pipelines.rerun' | 'pipelines.cancel' | 'pipelines.osSchedule';

export function pipelineInfo(row: PipelineRow, now = Date.now()): PipelineInfo {
  return {
    name: row.name, spec: JSON.parse(row.spec_json) as PipelineInfo['spec'], schedule: row.schedule,
    nextFireMs: row.schedule ? nextFire(parseCron(row.schedule), Math.max(now, row.last_fire_ms ?? 0, row.schedule_from_ms ?? 0)) : null,
    lastFireMs: row.last_fire_ms, updatedMs: row.updated_ms,
  };
}

export function pipelineHandlers(ctx: CoreContext): Handlers<Methods> {
  const { db } = ctx;
  // Flow runs left running by a Meter process that was killed are marked failed (a rerun or backfill resumes them).
  failOrphanedFlows(db);
  return {
    'pipelines.save': (a) => { const spec = normalizeSpec(a.pipeline); savePipeline(db, spec, Date.now(), { replace: a.replace ?? false }); return pipelineInfo(getPipelineRow(db, spec.name)); },
    'pipelines.list': () => listPipelineRows(db).map((r) => pipelineInfo(r)),
    'pipelines.run': (a) => startFlow(ctx, a.pipeline, a.month, a.trigger ?? 'api'),
    'pipelines.backfill': (a) => startBackfill(ctx, a.pipeline, a.from, a.to),
    'pipelines.runs': (a) => listFlowRuns(db, a),
    'pipelines.get': (a) => getFlowRun(db, a.flowRunId),
    'pipelines.rerun': (a) => rerunFlow(ctx, a.flowRunId, a.fromStep),
    'pipelines.cancel': (a) => cancelFlow(ctx, a.flowRunId),
    // The command names this Meter's home unless told another, so the OS fires the pipeline where it was scheduled.
    'pipelines.osSchedule': (a) => osSchedule(a.file, a.schedule, a.name, a.home ?? ctx.home),
  };
}

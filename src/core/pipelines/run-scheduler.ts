// Starts the pipeline schedule for a Meter that stays up (desktop app, browser mode). CLI commands that
// exit when done don't start it; the OS can run `meter pipeline run` instead (see os-schedule.ts).
import { messageOf } from '../../shared/errors';
import type { CoreContext } from '../context';
import { startFlow } from './flow';
import { getPipelineRow, listPipelineRows, markFired } from './flow-repo';
import { PipelineScheduler, systemClock, type Clock } from './scheduler';
import type { PipelineSpec } from '../../shared/pipeline';

export function startPipelineScheduler(ctx: CoreContext, clock: Clock = systemClock, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): PipelineScheduler {
  const scheduler = new PipelineScheduler({
    clock,
    pipelines: () => listPipelineRows(ctx.db).map((r) => ({ name: r.name, schedule: r.schedule, lastFireMs: r.last_fire_ms, scheduleFromMs: r.schedule_from_ms, createdMs: r.created_ms })),
    fire: (name, fireMs, month) => {
      markFired(ctx.db, name, fireMs);
      const spec = JSON.parse(getPipelineRow(ctx.db, name).spec_json) as PipelineSpec;
      const { flowRunId } = startFlow(ctx, spec, month, 'schedule');
      log(`pipeline ${name}: scheduled flow run ${flowRunId} for ${month}`);
    },
    onError: (name, err) => log(`pipeline ${name}: the schedule could not fire: ${messageOf(err)}`),
  });
  scheduler.start();
  return scheduler;
}

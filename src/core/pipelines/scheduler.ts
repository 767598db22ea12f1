// The schedule while Meter runs (the desktop app, `meter ui`): each saved pipeline with a cron fires a flow
// run for the month before the fire time (on the 2nd of March it runs February: train on December, validate
// on January, test on February). Missed fires (Meter was closed) are caught up once at start, however many
// there were. The clock is injected, so a test drives it by hand. Timers wake at least every minute, which
// also picks up pipelines saved or changed meanwhile and survives a sleeping laptop.
import { addMonths } from '../../shared/pipeline';
import { lastFireBetween, nextFire, parseCron } from './cron';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); t.unref?.(); return t; },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** lastFireMs: its last real fire (null: never fired); scheduleFromMs: when its schedule was saved (null: before that
 *  was recorded, createdMs counts). Catch-up counts from the later of the two. */
export interface ScheduledPipeline { name: string; schedule: string | null; lastFireMs: number | null; scheduleFromMs: number | null; createdMs: number }

/** Where a pipeline's schedule counts fires from: its last fire, or when the schedule was saved if that is later. */
export const scheduleAnchor = (p: ScheduledPipeline): number => Math.max(p.lastFireMs ?? -Infinity, p.scheduleFromMs ?? p.createdMs);

export interface SchedulerDeps {
  clock: Clock;
  pipelines(): ScheduledPipeline[];
  /** records the fire first (so a crash never fires it twice), then starts the flow run for `month` */
  fire(name: string, fireMs: number, month: string): void;
  onError?(name: string, err: unknown): void;
}

const MAX_SLEEP_MS = 60_000;

/** The month a fire at `fireMs` runs: the month before it (local time). */
export function monthForFire(fireMs: number): string {
  const d = new Date(fireMs);
  return addMonths(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`, -1);
}

export class PipelineScheduler {
  private timer: unknown = null;
  private stopped = true;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    this.stopped = false;
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Fires every pipeline whose schedule came due since its last fire, once each, then sleeps until the next. */
  tick(): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    let next = Infinity;
    let pipelines: ScheduledPipeline[] = [];
    try { pipelines = this.deps.pipelines(); } catch (err) { this.deps.onError?.('(all)', err); }
    for (const p of pipelines) {
      if (!p.schedule) continue;
      try {
        const cron = parseCron(p.schedule);
        const due = lastFireBetween(cron, scheduleAnchor(p), now);
        if (due !== null) this.deps.fire(p.name, due, monthForFire(due));
        next = Math.min(next, nextFire(cron, Math.max(now, due ?? 0)) ?? Infinity);
      } catch (err) {
        this.deps.onError?.(p.name, err);
      }
    }
    const wait = Math.max(0, Math.min(MAX_SLEEP_MS, next - now));
    this.timer = this.deps.clock.setTimeout(() => this.tick(), wait);
  }
}

// Where each run of a push goes on the MLflow server (push.ts sends it): the push's session, the experiment
// there, and the run there — its mapping (push-map.ts), re-checked when the run changed in Meter since its push
// finished; the run an import made it of; or one a push from another home, or one cut off by a crash, made —
// and the tags it should have there.
import { statSync } from 'node:fs';
import type { Run } from '../../shared/domain';
import type { CoreContext } from '../context';
import { dropPushMapping, getPushMapping, startPushMapping, type PushMapping } from './push-map';
import { changedSince, type RunNow } from './push-verify';
import type { Plan } from './push-plan';
import type { NestedPush } from './push-parents';
import { IMPORTED_RUN_TAG, NOTE_TAG, PARENT_TAG, PUSHED_RUN_TAG, tagValues } from './mlflow-tags';
import { codeOf, type Json, type Remote } from './remote';
import type { TransferCounts, TransferHooks } from './transfer';

/** One push: the server, the store's resume points for it, and the tally. */
export interface Session {
  ctx: CoreContext; remote: Remote; target: string; dryRun: boolean; hooks: TransferHooks;
  /** experiment name → its id there; null in a dry run for one the push would create (counted once) */
  experiments: Map<string, string | null>; counts: TransferCounts; done: number; total: number;
  nested: NestedPush;
  /** Meter run → its run on the server, for the runs this push has placed there so far */
  remoteRuns: Map<string, string>;
}

export function step(s: Session, n = 1): void {
  s.done += n;
  s.hooks.progress?.('push runs', Math.min(s.done, s.total), s.total);
}

export async function remoteExperiment(s: Session, name: string): Promise<string | null> {
  const known = s.experiments.get(name);
  if (known !== undefined) return known;
  let id: string;
  try {
    const got = await s.remote.call('GET', 'experiments/get-by-name', { experiment_name: name });
    id = got.experiment.experiment_id as string;
    if (got.experiment.lifecycle_stage === 'deleted' && !s.dryRun) await s.remote.call('POST', 'experiments/restore', { experiment_id: id });
  } catch (err) {
    if (codeOf(err) !== 'RESOURCE_DOES_NOT_EXIST') throw err;
    s.counts.experiments++;
    if (s.dryRun) { s.experiments.set(name, null); return null; }
    id = (await s.remote.call('POST', 'experiments/create', { name })).experiment_id as string;
  }
  s.experiments.set(name, id);
  return id;
}

/** Where a run goes on the server: its mapping, whether to ask the server what it has (verify), its tags there. */
interface Found {
  map: PushMapping; verify: boolean; tags: Record<string, string>;
  /** the run was pulled from this server: it keeps the server's status and end unless something is sent */
  pulled: boolean;
  /** the server's params and tags, when only what it lacks goes (a pulled run, or one changed since its push) */
  there?: { params: Json[]; tags: Json[] };
  /** a finished push being brought up to date: its mapping stays as it was until the run is whole there again
   * (a stop re-checks it next time), and for a run of this store's own its files rewritten after this time
   * go again (a search's best.json may keep its size) */
  recheck?: { rewrittenAfter: number | null };
}

/** What the server should have of a run now, to tell whether a finished push still stands. */
function runNow(s: Session, run: Run, plan: Plan, pulled: boolean): RunNow {
  return {
    points: plan.points.length, files: plan.files, params: Object.fromEntries(plan.params.map((p) => [p.key, p.value])),
    tags: wantedTags(s, run, pulled), own: pulled ? null : { status: run.status, endMs: run.endMs },
  };
}

/** The remote run this Meter run maps to, with where it stands; null when there is none yet. A mapping whose
 * run the server no longer has is dropped; a finished one whose run changed in Meter since is re-checked
 * against the server; a run an import made of one of this server's runs is that run; a run tagged meter.run_id
 * but not in the store (pushed from another home, or created just before a crash) is adopted and checked
 * point by point. */
export async function findRemote(s: Session, run: Run, plan: Plan, expId: string | null): Promise<Found | null> {
  const map = getPushMapping(s.ctx.db, s.target, run.runId);
  if (map) {
    try {
      const got = await s.remote.call('GET', 'runs/get', { run_id: map.remoteRunId });
      // a run in another experiment (this one's was renamed since) is not where this push goes: a new run there
      if (got.run.info.lifecycle_stage !== 'deleted') {
        if (String(got.run.info.experiment_id) === expId) {
          const data = got.run.data as Json | undefined;
          const pulled = run.tags[IMPORTED_RUN_TAG] === map.remoteRunId;
          const base = { tags: tagValues(data?.tags), pulled };
          if (!map.finished) return { map, verify: true, ...base, ...(pulled ? { there: pulledData(data) } : {}) };
          if (!changedSince(runNow(s, run, plan, pulled), map, got.run as Json, (f) => statSync(f).mtimeMs)) return { map, verify: false, ...base };
          // changed in Meter since: compared with the server from the start, only what it lacks goes
          return {
            map: { remoteRunId: map.remoteRunId, paramsSent: false, metricsSent: 0, artifactsSent: 0, finished: false }, verify: true, ...base,
            there: pulledData(data), recheck: { rewrittenAfter: pulled ? null : map.updatedMs ?? 0 },
          };
        }
        return findElsewhere(s, run, plan, expId);
      }
    } catch (err) {
      if (codeOf(err) !== 'RESOURCE_DOES_NOT_EXIST') throw err;
    }
    if (!s.dryRun) dropPushMapping(s.ctx.db, s.target, run.runId);
  }
  return findElsewhere(s, run, plan, expId);
}

const pulledData = (data: Json | undefined) => ({ params: (data?.params as Json[] | undefined) ?? [], tags: (data?.tags as Json[] | undefined) ?? [] });

/** The tags a run has in Meter as the server should have them: its notes as MLflow's description; a run of this
 * store's own also names itself (meter.run_id) and its name and source; a pulled run goes without the tag naming
 * the server's run (that is the run itself). Without the parent's when it names a Meter run (Meter's id there:
 * the push sets it apart, as the parent's remote id, or leaves it out). */
export function wantedTags(s: Session, run: Run, pulled: boolean): Record<string, string> {
  const tags: Record<string, string> = { ...run.tags, ...(run.notes ? { [NOTE_TAG]: run.notes } : {}) };
  if (pulled) delete tags[IMPORTED_RUN_TAG];
  else Object.assign(tags, { [PUSHED_RUN_TAG]: run.runId, 'mlflow.runName': run.name, 'mlflow.source.type': 'LOCAL', 'mlflow.source.name': `meter (${run.source.type})` });
  if (s.nested.parents.has(run.runId)) delete tags[PARENT_TAG];
  return tags;
}

/** The parent's run on the server, placed by this push (parents go first); null when it has none yet. */
export const remoteParentOf = (s: Session, parentId: string): string | null => s.remoteRuns.get(parentId) || null;

/** mlflow.parentRunId as the server must have it for this run: its parent's remote id (null in a dry run whose
 * parent is not there yet); undefined when the push leaves the tag as it is. */
export function wantedParent(s: Session, run: Run): string | null | undefined {
  const plan = s.nested.parents.get(run.runId);
  return plan?.kind === 'parent' ? remoteParentOf(s, plan.parentId) : undefined;
}

/** No mapping to use: the run an import made this one of, or one tagged meter.run_id (pushed from another home,
 * or created just before a crash), else none. */
async function findElsewhere(s: Session, run: Run, plan: Plan, expId: string | null): Promise<Found | null> {
  if (expId === null) return null;
  const origin = await originOf(s, run, expId);
  if (origin) {
    // the run it was pulled from: checked against the server, so what was logged in Meter since (points, params,
    // tags, files) goes there and nothing twice
    const map = s.dryRun ? { remoteRunId: origin.runId, paramsSent: false, metricsSent: 0, artifactsSent: 0, finished: false } : startPushMapping(s.ctx.db, s.target, run.runId, origin.runId);
    return { map, verify: true, pulled: true, there: pulledData(origin.data), tags: tagValues(origin.data.tags) };
  }
  const found = await s.remote.call('POST', 'runs/search', { experiment_ids: [expId], filter: `tags.\`${PUSHED_RUN_TAG}\` = '${run.runId}'`, max_results: 1 });
  const existing = (found.runs as Json[] | undefined)?.[0];
  if (!existing) return null;
  const adopted = { remoteRunId: existing.info.run_id as string, paramsSent: false, metricsSent: 0, artifactsSent: 0, finished: false };
  if (!s.dryRun) startPushMapping(s.ctx.db, s.target, run.runId, adopted.remoteRunId);
  return { map: adopted, verify: true, pulled: false, tags: tagValues((existing.data as Json | undefined)?.tags) };
}

/**
 * The MLflow run an import made this run of (its mlflow.imported_run_id tag), when this server has it, active,
 * in the experiment it is pushed to: the same run, so pushing it back sends only what Meter added since. Run ids are UUIDs, so the
 * run being there is what proves it is the server (or a copy of the store) it came from — whatever URI it was
 * pulled through, and for a run read from that server's mlflow.db directly too.
 */
async function originOf(s: Session, run: Run, expId: string): Promise<{ runId: string; data: Json } | null> {
  const origin = run.tags[IMPORTED_RUN_TAG];
  if (!origin || !/^[0-9a-f]{32}$/i.test(origin)) return null;
  try {
    const got = await s.remote.call('GET', 'runs/get', { run_id: origin });
    const info = got.run.info as Json;
    return info.lifecycle_stage !== 'deleted' && String(info.experiment_id) === expId ? { runId: origin, data: (got.run.data ?? {}) as Json } : null;
  } catch (err) {
    if (codeOf(err) === 'RESOURCE_DOES_NOT_EXIST' || codeOf(err) === 'INVALID_PARAMETER_VALUE') return null;
    throw err;
  }
}

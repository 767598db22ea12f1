// Nested runs in a push. A search's trials carry mlflow.parentRunId naming their search run — in Meter, by
// Meter's id. MLflow's UI (and a pull back into Meter) nests a run by that tag, so on the server it must name
// the search's run *there*: the parent goes first and the tag is rewritten to its remote id. A trial pushed
// without its search takes the search along (a user pushing "the best trial" expects it to stay a trial);
// a trial whose search is still running waits until it has ended (pushed now, it would stay parentless there
// for good, its push being finished); one whose search is in Meter's trash, or was deleted for good, goes
// without the tag.
import type { Run, RunId } from '../../shared/domain';
import type { CoreContext } from '../context';
import { getRun, runExists } from '../store/runs-repo';
import { IMPORTED_RUN_TAG, PARENT_TAG } from './mlflow-tags';

/** What the push does with one run's parent tag. */
export type ParentPlan =
  /** the tag becomes the remote id of this Meter run (pushed in this push, before the child) */
  | { kind: 'parent'; parentId: string }
  /** the parent is in Meter's trash or deleted for good: the run goes without the tag (and loses one that
   * names Meter's id there) */
  | { kind: 'dropped'; parentId: string; note: string }
  /** the parent is still running: the run is not pushed now */
  | { kind: 'held'; parentId: string; note: string };

export interface NestedPush {
  /** the runs in push order: every parent before its children */
  runs: Run[];
  /** per run id; runs with no tag, or one that names no Meter run (kept as it is), have none */
  parents: Map<string, ParentPlan>;
  /** parents pushed only because a child of theirs is: run id → why, for the report */
  added: Map<string, string>;
}

/** The runs to push with the parents their trials need, parents first. */
export function withParents(ctx: CoreContext, chosen: Run[]): NestedPush {
  const byId = new Map(chosen.map((r) => [r.runId as string, r]));
  const parents = new Map<string, ParentPlan>();
  const added = new Map<string, string>();
  const queue = [...chosen];
  while (queue.length) {
    const run = queue.shift()!;
    const parentId = run.tags[PARENT_TAG];
    if (!parentId || parentId === run.runId) continue;
    if (!runExists(ctx.db, parentId)) {
      // A tag naming no run here: an imported trial whose search was not imported names the server's run, the
      // user's data, kept as is. Any other run can only name a Meter run — deleted for good since: it names
      // nothing on a server either.
      if (run.tags[IMPORTED_RUN_TAG] === undefined) {
        const what = run.tags['meter.trial'] !== undefined ? 'search' : 'parent run';
        parents.set(run.runId, { kind: 'dropped', parentId, note: `its ${what} (${parentId}) was deleted from Meter, so it went without mlflow.parentRunId` });
      }
      continue;
    }
    // (a chosen parent has ended: runsToPush refuses or leaves out a running run)
    let parent = byId.get(parentId);
    if (!parent) {
      const candidate = getRun(ctx.db, parentId as RunId);
      if (candidate.deletedMs !== null) {
        parents.set(run.runId, { kind: 'dropped', parentId, note: `its parent run ${candidate.name} (${parentId}) is in Meter's trash, so it went without mlflow.parentRunId` });
        continue;
      }
      if (candidate.status === 'RUNNING') {
        // (push.ts says a run whose push finished before is there already: only a new one waits)
        const what = candidate.tags['meter.search'] === 'parent' ? ['search', 'the search'] : ['parent run', 'it'];
        parents.set(run.runId, { kind: 'held', parentId, note: `not pushed: its ${what[0]} ${candidate.name} (${parentId}) is still running; push it when ${what[1]} has ended` });
        continue;
      }
      parent = candidate;
      byId.set(parentId, parent);
      added.set(parentId, `pushed as the parent of ${run.tags['meter.trial'] !== undefined ? 'trial' : 'run'} ${run.name} (${run.runId})`);
      queue.push(parent); // a parent may have a parent of its own
    }
    parents.set(run.runId, { kind: 'parent', parentId });
  }
  return { runs: parentsFirst([...byId.values()], parents), parents, added };
}

/** The chosen order, except that a run comes after its parent (depth first, so a loop of tags ends). */
function parentsFirst(runs: Run[], parents: Map<string, ParentPlan>): Run[] {
  const byId = new Map(runs.map((r) => [r.runId as string, r]));
  const out: Run[] = [];
  const placed = new Set<string>();
  const place = (run: Run) => {
    if (placed.has(run.runId)) return;
    placed.add(run.runId);
    const plan = parents.get(run.runId);
    const parent = plan?.kind === 'parent' ? byId.get(plan.parentId) : undefined;
    if (parent) place(parent);
    out.push(run);
  };
  for (const run of runs) place(run);
  return out;
}

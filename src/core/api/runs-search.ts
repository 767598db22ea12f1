// Search and lifecycle handlers: the filter language, keys for autocomplete, rename, trash/restore, purge
// (rows and artifact folders), experiment rename/archive.
import { rmSync } from 'node:fs';
import { MeterError } from '../../shared/errors';
import { asExperimentId, asRunId, type RunId } from '../../shared/domain';
import type { RunLifecycle } from '../../shared/contract';
import type { CoreContext } from '../context';
import { renameExperiment, setExperimentArchived } from '../store/experiments-repo';
import { deleteTag, purgeRuns, renameRun, setRunsDeleted } from '../store/run-lifecycle';
import { runKeys, searchRuns } from '../store/run-search';
import { getRun } from '../store/runs-repo';
import type { Handlers } from './handlers';
import { argObject, bool, optInt, optStr, str, strList } from './validate';

type Methods = 'runs.search' | 'runs.keys' | 'runs.rename' | 'runs.deleteTag' | 'runs.setDeleted' | 'runs.purge'
  | 'experiments.rename' | 'experiments.setArchived';

const LIFECYCLES: RunLifecycle[] = ['active', 'deleted', 'all'];

/** Filter and order text may be empty (every run, default order). */
function optText(o: Record<string, unknown>, field: string, method: string): string | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new MeterError('INVALID_ARGUMENT', `${method}: "${field}" must be text.`);
  if (v.length > 10_000) throw new MeterError('INVALID_ARGUMENT', `${method}: "${field}" is over 10000 characters.`);
  return v;
}

export function searchHandlers(ctx: CoreContext): Handlers<Methods> {
  const { db } = ctx;
  return {
    'runs.search': (a) => {
      const m = 'runs.search';
      const o = argObject(a, m);
      const lifecycle = optStr(o, 'lifecycle', m);
      if (lifecycle !== undefined && !LIFECYCLES.includes(lifecycle as RunLifecycle)) {
        throw new MeterError('INVALID_ARGUMENT', `${m}: "lifecycle" is one of ${LIFECYCLES.join(', ')}; got "${lifecycle}".`);
      }
      return searchRuns(db, {
        filter: optText(o, 'filter', m), orderBy: optText(o, 'orderBy', m),
        experimentIds: o.experimentIds === undefined ? undefined : strList(o, 'experimentIds', m).map(asExperimentId),
        lifecycle: lifecycle as RunLifecycle | undefined, limit: optInt(o, 'limit', m), offset: optInt(o, 'offset', m),
      });
    },
    'runs.keys': () => runKeys(db),
    'runs.rename': (a) => {
      const o = argObject(a, 'runs.rename');
      const runId = asRunId(str(o, 'runId', 'runs.rename'));
      renameRun(db, runId, o.name);
      return getRun(db, runId);
    },
    'runs.deleteTag': (a) => {
      const o = argObject(a, 'runs.deleteTag');
      const runId = asRunId(str(o, 'runId', 'runs.deleteTag'));
      deleteTag(db, runId, str(o, 'key', 'runs.deleteTag'));
      return getRun(db, runId);
    },
    'runs.setDeleted': (a) => {
      const o = argObject(a, 'runs.setDeleted');
      return { changed: setRunsDeleted(db, strList(o, 'runIds', 'runs.setDeleted').map(asRunId), bool(o, 'deleted', 'runs.setDeleted')) };
    },
    'runs.purge': (a) => {
      const ids: RunId[] = strList(argObject(a, 'runs.purge'), 'runIds', 'runs.purge').map(asRunId);
      const bytes = ids.reduce((sum, id) => sum + getRun(db, id).artifacts.reduce((s, x) => s + x.sizeBytes, 0), 0);
      const purged = purgeRuns(db, ids);
      // The rows are gone (committed); now the files. A folder that can't be removed is reported, not hidden.
      const failed: string[] = [];
      for (const id of ids) {
        try { rmSync(ctx.artifactsDir(id), { recursive: true, force: true }); } catch { failed.push(ctx.artifactsDir(id)); }
      }
      if (failed.length) throw new MeterError('FILE_UNREADABLE', `The runs were purged, but these artifact folders could not be removed: ${failed.join(', ')}.`);
      return { purged, artifactBytesFreed: bytes };
    },
    'experiments.rename': (a) => {
      const o = argObject(a, 'experiments.rename');
      return renameExperiment(db, asExperimentId(str(o, 'experimentId', 'experiments.rename')), str(o, 'name', 'experiments.rename'));
    },
    'experiments.setArchived': (a) => {
      const o = argObject(a, 'experiments.setArchived');
      return setExperimentArchived(db, asExperimentId(str(o, 'experimentId', 'experiments.setArchived')), bool(o, 'archived', 'experiments.setArchived'));
    },
  };
}

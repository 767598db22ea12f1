// Experiments and runs: listing, the filter-language search, notes, tags, rename, trash/restore and purge.
// The rules live in core/store (repos, run-search, run-lifecycle); this is the contract's face of them.
import { MeterError } from '../../shared/errors';
import type { ExperimentId } from '../../shared/domain';
import type { CoreContext } from '../context';
import type { Handlers } from '../jobs/handler-types';
import { createExperiment, findExperimentByName, listExperiments, renameExperiment, setExperimentArchived } from '../store/experiments-repo';
import { deleteTag, renameRun, setRunsDeleted } from '../store/run-lifecycle';
import { runKeys, searchRuns } from '../store/run-search';
import { getRun, listRuns, metricHistory, setNotes, setTag } from '../store/runs-repo';
import { purgeRunsAndArtifacts } from './purge-runs';
import { previewArtifact, readArtifactFile } from './artifact-preview';

type Methods = 'experiments.list' | 'experiments.create' | 'experiments.rename' | 'experiments.setArchived'
  | 'runs.list' | 'runs.get' | 'runs.metricHistory' | 'runs.setNotes' | 'runs.setTag' | 'runs.deleteTag' | 'runs.rename'
  | 'runs.search' | 'runs.keys' | 'runs.setDeleted' | 'runs.purge' | 'runs.artifactPreview' | 'runs.artifactFile';

export function trackingHandlers(ctx: CoreContext): Handlers<Methods> {
  const { db } = ctx;
  const experimentByName = (name: string): ExperimentId => {
    const e = findExperimentByName(db, name);
    if (!e) throw new MeterError('NOT_FOUND', `No experiment named "${name}".`);
    return e.experimentId;
  };
  return {
    'experiments.list': (a) => listExperiments(db, a.includeArchived === true),
    'experiments.create': (a) => createExperiment(db, a.name),
    'experiments.rename': (a) => renameExperiment(db, a.experimentId, a.name),
    'experiments.setArchived': (a) => setExperimentArchived(db, a.experimentId, a.archived),
    'runs.list': (a) => listRuns(db, { experimentId: a.experimentName ? experimentByName(a.experimentName) : a.experimentId, limit: a.limit }),
    'runs.get': (a) => getRun(db, a.runId),
    'runs.metricHistory': (a) => metricHistory(db, a.runId, a.key),
    'runs.setNotes': (a) => { setNotes(db, a.runId, a.notes); return getRun(db, a.runId); },
    'runs.setTag': (a) => { setTag(db, a.runId, a.key, a.value); return getRun(db, a.runId); },
    'runs.deleteTag': (a) => { deleteTag(db, a.runId, a.key); return getRun(db, a.runId); },
    'runs.rename': (a) => { renameRun(db, a.runId, a.name); return getRun(db, a.runId); },
    'runs.search': (a) => searchRuns(db, a),
    'runs.keys': () => runKeys(db),
    'runs.setDeleted': (a) => ({ changed: setRunsDeleted(db, a.runIds, a.deleted) }),
    'runs.purge': (a) => purgeRunsAndArtifacts(ctx, a.runIds),
    'runs.artifactPreview': (a) => previewArtifact(ctx, a.runId, a.path),
    'runs.artifactFile': (a) => readArtifactFile(ctx, a.runId, a.path),
  };
}

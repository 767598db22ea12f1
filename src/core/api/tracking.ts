import { MeterError } from '../../shared/errors';
import { asExperimentId, asRunId } from '../../shared/domain';
import type { CoreContext } from '../context';
import { createExperiment, findExperimentByName, listExperiments } from '../store/experiments-repo';
import { getRun, listRuns, metricHistory, setNotes, setTag } from '../store/runs-repo';
import type { Handlers } from './handlers';
import { argObject, optInt, optStr, str } from './validate';

type TrackingMethods = 'experiments.list' | 'experiments.create' | 'runs.list' | 'runs.get' | 'runs.metricHistory' | 'runs.setNotes' | 'runs.setTag';

export function trackingHandlers(ctx: CoreContext): Handlers<TrackingMethods> {
  const { db } = ctx;
  return {
    'experiments.list': (a) => listExperiments(db, argObject(a ?? {}, 'experiments.list').includeArchived === true),
    'experiments.create': (a) => createExperiment(db, str(argObject(a, 'experiments.create'), 'name', 'experiments.create')),
    'runs.list': (a) => {
      const o = argObject(a, 'runs.list');
      const byName = optStr(o, 'experimentName', 'runs.list');
      let experimentId = optStr(o, 'experimentId', 'runs.list');
      if (byName) {
        const e = findExperimentByName(db, byName);
        if (!e) throw new MeterError('NOT_FOUND', `No experiment named "${byName}".`);
        experimentId = e.experimentId;
      }
      return listRuns(db, { experimentId: experimentId ? asExperimentId(experimentId) : undefined, limit: optInt(o, 'limit', 'runs.list') });
    },
    'runs.get': (a) => getRun(db, asRunId(str(argObject(a, 'runs.get'), 'runId', 'runs.get'))),
    'runs.metricHistory': (a) => {
      const o = argObject(a, 'runs.metricHistory');
      return metricHistory(db, asRunId(str(o, 'runId', 'runs.metricHistory')), str(o, 'key', 'runs.metricHistory'));
    },
    'runs.setNotes': (a) => {
      const o = argObject(a, 'runs.setNotes');
      const runId = asRunId(str(o, 'runId', 'runs.setNotes'));
      if (typeof o.notes !== 'string') throw new MeterError('INVALID_ARGUMENT', 'runs.setNotes: "notes" must be a string.');
      setNotes(db, runId, o.notes);
      return getRun(db, runId);
    },
    'runs.setTag': (a) => {
      const o = argObject(a, 'runs.setTag');
      const runId = asRunId(str(o, 'runId', 'runs.setTag'));
      if (typeof o.value !== 'string') throw new MeterError('INVALID_ARGUMENT', 'runs.setTag: "value" must be a string.');
      setTag(db, runId, str(o, 'key', 'runs.setTag'), o.value);
      return getRun(db, runId);
    },
  };
}

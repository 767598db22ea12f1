// Monitoring: drift reports and timelines of a model version against new months, alert rules, HTML export.
import type { CoreContext } from '../context';
import type { Handlers } from '../jobs/handler-types';
import { resolveModelUri } from '../registry/resolve';
import { getRules, setRules } from './alerts';
import { getReport, listFailures, listReports, startMonitoring } from './monitoring-jobs';
import { reportHtml } from './report-html';

export function monitoringHandlers(ctx: CoreContext): Handlers<'monitoring.start' | 'monitoring.list' | 'monitoring.failures' | 'monitoring.get' | 'monitoring.html' | 'monitoring.rules' | 'monitoring.setRules'> {
  return {
    'monitoring.start': (a) => startMonitoring(ctx, a),
    'monitoring.list': (a) => listReports(ctx, a),
    'monitoring.failures': (a) => listFailures(ctx, a.jobId),
    'monitoring.get': (a) => getReport(ctx, a.reportId),
    'monitoring.html': (a) => reportHtml(getReport(ctx, a.reportId)),
    'monitoring.rules': (a) => { resolveModelUri(ctx, `models:/${a.name}/${a.version}`); return getRules(ctx.db, a.name, a.version); },
    'monitoring.setRules': (a) => { resolveModelUri(ctx, `models:/${a.name}/${a.version}`); return setRules(ctx.db, a.name, a.version, a.rules); },
  };
}

// Monitor: a model version (any URI) against one or more months. One report over the chosen files, or a
// timeline (a report per month, and the months that failed with why) drawn with its thresholds; click a
// month to open its report. Reports are saved and listed here (refreshed whenever a monitoring job ends)
// and on the version's page.
import { useCallback, useEffect, useState } from 'react';
import type { DriftReport, DriftReportSummary, JobId } from '../../../shared/domain';
import { useAppState } from '../store/app-store';
import { useMonitor } from '../store/monitor-store';
import { JobProgress } from '../components/JobProgress';
import { ErrorNotice } from '../components/ErrorNotice';
import { useAction } from '../components/useAction';
import { DriftReportView } from '../components/DriftReportView';
import { RecentReports, Timeline } from '../components/MonitorTimeline';
import { timelineEntries, type TimelineEntry } from './monitor-charts';
import { reportTitle } from './monitor-labels';
import { loadModelChoices, ModelAndFiles } from '../components/ModelAndFiles';

export function MonitorScreen() {
  const { client, datasets, job, error, retry, lastOutcome, route, navigate } = useAppState('client', 'datasets', 'job', 'error', 'retry', 'lastOutcome', 'route', 'navigate');
  const choices = useMonitor();
  const [uris, setUris] = useState<string[]>([]);
  const [recent, setRecent] = useState<DriftReportSummary[]>([]);
  /** each registered model's alias → version: reports are named "taxi-duration v1 @champion" */
  const [aliases, setAliases] = useState<Record<string, Record<string, number>>>({});
  /** bumped when any monitoring job ends (this window's, another's, the CLI's): the recent list is read again */
  const [ended, setEnded] = useState(0);
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [report, setReport] = useState<DriftReport | null>(null);
  const loading = useAction();
  const run = loading.run;
  const reportId = route.query.report ?? '';
  const jobId = route.query.job ?? '';
  const open = useCallback((id: string) => navigate({ screen: 'monitor', query: { ...(jobId ? { job: jobId } : {}), report: id } }), [navigate, jobId]);

  useEffect(() => {
    if (!client) return;
    void run(async () => {
      setUris(await loadModelChoices(client, useMonitor.getState(), false));
      setAliases(Object.fromEntries((await client.call('models.list', {})).map((m) => [m.name, m.aliases])));
    });
  }, [client, run, lastOutcome]);
  // Any monitoring job that ends may have added reports, not only the one this window started.
  useEffect(() => client?.on('job.finished', (o) => { if (o.kind === 'drift') setEnded((n) => n + 1); }), [client]);
  useEffect(() => {
    if (!client) return;
    void run(async () => setRecent(await client.call('monitoring.list', { limit: 20 })));
  }, [client, run, ended, lastOutcome]);
  // A finished job opens its result: the timeline, or the one report.
  useEffect(() => {
    if (!client || lastOutcome?.kind !== 'drift' || lastOutcome.state !== 'succeeded') return;
    void run(async () => {
      const rows = await client.call('monitoring.list', { jobId: lastOutcome.jobId });
      if (rows.length === 1 && !useMonitor.getState().timeline) navigate({ screen: 'monitor', query: { report: rows[0].reportId } });
      else navigate({ screen: 'monitor', query: { job: lastOutcome.jobId } });
    });
  }, [client, lastOutcome, run, navigate]);
  useEffect(() => {
    if (!client) return;
    void run(async () => {
      setTimeline(jobId ? timelineEntries(await client.call('monitoring.list', { jobId: jobId as JobId }), await client.call('monitoring.failures', { jobId: jobId as JobId })) : []);
      setReport(reportId ? await client.call('monitoring.get', { reportId }) : null);
    });
  }, [client, jobId, reportId, run]);

  const chosen = datasets.filter((d) => choices.datasetIds.includes(d.datasetId));
  return (
    <>
      <h2>Monitor</h2>
      {uris.length === 0 ? <p className="muted">Register a model first (open a finished run → Register model…).</p> : (
        <form className="train" aria-label="monitoring" onSubmit={(e) => { e.preventDefault(); void choices.start(); }}>
          <ModelAndFiles idPrefix="m" uris={uris} modelUri={choices.modelUri} onModel={(modelUri) => choices.set({ modelUri })}
            filesLabel="Current months" groupLabel="current months" datasets={datasets} checked={choices.datasetIds} onToggle={choices.toggle} />
          <label htmlFor="m-ref">Reference</label>
          <select id="m-ref" value={choices.referenceId} onChange={(e) => choices.set({ referenceId: e.target.value as typeof choices.referenceId })}>
            <option value="">The version's training data</option>
            {datasets.map((d) => <option key={d.datasetId} value={d.datasetId}>{d.fileName}</option>)}
          </select>
          <span>Report</span>
          <div className="row choices" role="radiogroup" aria-label="report kind">
            <label><input type="radio" name="m-kind" checked={!choices.timeline} onChange={() => choices.set({ timeline: false })} /> One report over the chosen files</label>
            <label><input type="radio" name="m-kind" checked={choices.timeline} onChange={() => choices.set({ timeline: true })} /> Timeline: a report per month</label>
          </div>
          <span />
          <div className="row"><button className="btn primary" type="submit" disabled={job !== null || chosen.length === 0 || !choices.modelUri}>
            {choices.timeline ? `Monitor ${chosen.length || ''} month${chosen.length === 1 ? '' : 's'}` : 'Make drift report'}</button></div>
        </form>
      )}
      <ErrorNotice variant="block" error={error} onRetry={retry ?? undefined} />
      <JobProgress />
      <ErrorNotice variant="block" error={loading.error} onRetry={loading.retry} />
      {timeline.length > 0 && <Timeline entries={timeline} open={open} />}
      {report && <div style={{ marginTop: 12 }}><DriftReportView report={report} title={reportTitle(report.model, report.month, report.model.name ? aliases[report.model.name] : undefined)} /></div>}
      {!report && timeline.length === 0 && <RecentReports rows={recent} aliases={aliases} open={open} />}
    </>
  );
}

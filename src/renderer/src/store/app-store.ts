// App state (zustand): what the server knows (datasets, experiments, runs), what this window is doing
// (imports in flight, the training job), and where the user is. Screens read slices; actions call the client.
import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { AppInfo, TrainingRequest } from '../../../shared/contract';
import type { Dataset, Experiment, JobId, RunId, RunRow } from '../../../shared/domain';
import type { JobInfo, JobOutcome, JobProgress } from '../../../shared/jobs';
import type { AppClient, ImportOutcome } from '../api/client';
import { MeterError, toMeterError } from '../api/errors';
import { hashFor, parseHash, type Route } from './route';
import { unreadOutcome } from './unread-outcome';

export interface ActiveJob {
  jobId: JobId;
  runId: RunId | null;
  label: string;
  progress: JobProgress | null;
  cancelling: boolean;
}

export interface AppState {
  client: AppClient | null;
  route: Route;
  info: AppInfo | null;
  datasets: Dataset[];
  experiments: Experiment[];
  runs: RunRow[];
  /** results of this session's imports, newest first: error cards stay until dismissed */
  imports: ImportOutcome[];
  importing: string[];
  job: ActiveJob | null;
  /** searches running in core (found on load or started here): the Tune screen links to them */
  tunings: RunId[];
  /** false while browser mode's link to core is lost (the server stopped or restarted) */
  connected: boolean;
  lastOutcome: JobOutcome | null;
  /** the last failed action of the window (training, scoring, the sample, startup), code and all */
  error: MeterError | null;
  /** runs that action again, when it can be */
  retry: (() => Promise<void>) | null;
  init(client: AppClient): Promise<void>;
  navigate(route: Pick<Route, 'screen'> & Partial<Route>): void;
  refresh(): Promise<void>;
  /** asks core which jobs run now and shows them as this window's: after a reload or a reconnect */
  attachJobs(): Promise<void>;
  importFiles(files: File[]): Promise<ImportOutcome[]>;
  importPaths(paths: string[]): Promise<Dataset[]>;
  dismissImport(index: number): void;
  train(req: TrainingRequest, label: string): Promise<void>;
  score(req: { modelUri: string; inputs: string[]; outputDir?: string }): Promise<void>;
  cancelJob(): Promise<void>;
  report(err: unknown, retry?: () => Promise<void>): void;
  dismissError(): void;
}

export const useApp = create<AppState>((set, get) => {
  const client = (): AppClient => {
    const c = get().client;
    if (!c) throw new MeterError('INVALID_STATE', 'Meter is not connected to its core yet.');
    return c;
  };
  let refreshes = 0; // how many refreshes were started: the newest one's answer wins
  // Jobs whose job.finished this window has seen. Calls go over HTTP and events over a WebSocket (browser mode),
  // so a jobs.list answered while a job still ran can arrive after that job's job.finished: attaching it then
  // showed its progress and Cancel for ever, and the screen never opened what it made (its timeline).
  // Their outcomes are kept (the newest 100) so that a job whose end was seen that way still opens what it made.
  const finished = new Map<JobId, JobOutcome>();
  // A job this page starts it follows from the start; the ones it finds through jobs.list are those started
  // before it loaded (a reload, a new tab). One the CLI or another window starts later is not this window's:
  // adopting it at the first socket open opened its report over the screen the user was on.
  const pageLoadedMs = Date.now();
  const isWindowJob = (j: JobInfo) => (j.kind === 'train' || j.kind === 'score' || j.kind === 'drift') && j.parentJobId === null && j.startedMs <= pageLoadedMs;
  /** The window's job ended: show how, and open its run (a timeline or predictions open from lastOutcome). */
  const ended = (o: JobOutcome) => {
    set({ job: null, lastOutcome: o });
    if (o.runId) get().navigate({ screen: 'runs', runId: o.runId });
  };
  return {
    client: null,
    route: parseHash(window.location.hash),
    info: null,
    datasets: [], experiments: [], runs: [], imports: [], importing: [],
    job: null, tunings: [], connected: true, lastOutcome: null, error: null, retry: null,

    async init(c) {
      set({ client: c });
      window.addEventListener('hashchange', () => set({ route: parseHash(window.location.hash) }));
      c.on('job.progress', (p) => {
        const job = get().job;
        if (job && job.jobId === p.jobId) set({ job: { ...job, progress: p } });
      });
      c.onConnection((up) => {
        set({ connected: up });
        // Back after a restart: what is shown may be stale, and jobs may have ended or started meanwhile.
        if (up) void get().refresh().then(() => get().attachJobs()).catch(() => undefined);
      });
      c.on('job.finished', (o) => {
        finished.set(o.jobId, o);
        if (finished.size > 100) finished.delete(finished.keys().next().value!);
        const job = get().job;
        void get().refresh().catch(() => undefined); // a server gone meanwhile: the reconnect refreshes
        if (o.runId && get().tunings.includes(o.runId)) set({ tunings: get().tunings.filter((t) => t !== o.runId) });
        if (job && job.jobId === o.jobId) ended(o);
      });
      const info = await c.call('app.info', {});
      set({ info });
      await get().refresh();
      await get().attachJobs();
    },

    async attachJobs() {
      const jobs = await client().call('jobs.list', {});
      const running = jobs.filter((j) => j.state === 'running' && !finished.has(j.jobId));
      const tunings = running.filter((j) => j.kind === 'tune' && j.runId).map((j) => j.runId as RunId);
      const current = get().job;
      const mine = running.find((j) => j.jobId === current?.jobId);
      // The window's one job: training, scoring or monitoring (a pipeline's own child jobs show on its flow run).
      const top = running.find(isWindowJob);
      set({ tunings });
      if (!mine && top) { set({ job: { jobId: top.jobId, runId: top.runId, label: labelOf(top), progress: progressOf(top), cancelling: false } }); return; }
      if (mine) return;
      // No job runs for this window now. Show how the one it followed ended: one that ended while no socket was
      // open (its job.finished went to nobody; core keeps an unread outcome, and jobs.wait hands it over), or
      // one listed as running whose job.finished overtook this answer (after a reload: the job the page showed).
      const overtaken = jobs.find((j) => j.state === 'running' && isWindowJob(j) && finished.has(j.jobId));
      const seen = finished.get(current?.jobId ?? overtaken?.jobId ?? ('' as JobId));
      const outcome = seen ?? (current ? await unreadOutcome(client(), jobs, current.jobId) : null);
      if (current && get().job?.jobId === current.jobId) set({ job: null });
      if (outcome && get().job === null) ended(outcome);
    },

    navigate(to) {
      const route: Route = { runId: null, query: {}, ...to };
      const hash = hashFor(route);
      if (window.location.hash !== hash) window.location.hash = hash;
      set({ route });
    },

    async refresh() {
      const c = client();
      // Answers can arrive out of order (a slow start-up refresh after the one an import started): only the
      // newest refresh may set the lists, or a just-imported dataset vanishes until the next event.
      const mine = ++refreshes;
      const [datasets, experiments, runs] = await Promise.all([
        c.call('data.list', {}), c.call('experiments.list', {}), c.call('runs.search', { limit: 50 }).then((r) => r.runs),
      ]);
      if (mine === refreshes) set({ datasets, experiments, runs });
    },

    async importFiles(files) {
      set({ importing: [...get().importing, ...files.map((f) => f.name)] });
      const outcomes = await client().importFiles(files, (outcome) => {
        set({ imports: [outcome, ...get().imports], importing: get().importing.filter((n) => n !== outcome.fileName) });
      });
      await get().refresh();
      return outcomes;
    },

    async importPaths(paths) {
      const out: Dataset[] = [];
      for (const path of paths) out.push(await client().call('data.import', { path }));
      await get().refresh();
      return out;
    },

    dismissImport(index) {
      set({ imports: get().imports.filter((_, i) => i !== index) });
    },

    async train(req, label) {
      try {
        const { jobId, runId } = await client().call('jobs.startTraining', req);
        set({ job: { jobId, runId, label, progress: null, cancelling: false }, lastOutcome: null, error: null, retry: null });
        await get().refresh();
      } catch (err) {
        get().report(err, () => get().train(req, label));
      }
    },

    async score(req) {
      try {
        const { jobId } = await client().call('scoring.start', req);
        set({ job: { jobId, runId: null, label: `Scoring ${req.inputs.length} file${req.inputs.length > 1 ? 's' : ''} with ${req.modelUri}`, progress: null, cancelling: false }, lastOutcome: null, error: null, retry: null });
      } catch (err) {
        get().report(err, () => get().score(req));
      }
    },

    async cancelJob() {
      const job = get().job;
      if (!job) return;
      set({ job: { ...job, cancelling: true } });
      await client().call('jobs.cancel', { jobId: job.jobId });
    },

    report(err, retry) { set({ error: toMeterError(err), retry: retry ?? null }); },
    dismissError() { set({ error: null, retry: null }); },
  };
});

function labelOf(j: JobInfo): string {
  const what = j.kind === 'train' ? 'Training' : j.kind === 'drift' ? 'Monitoring' : 'Scoring';
  return `${what} (started before this page loaded)`;
}

function progressOf(j: JobInfo): JobProgress | null {
  return j.phase ? { jobId: j.jobId, kind: j.kind, runId: j.runId, phase: j.phase, done: j.done, total: j.total } : null;
}

/** Several fields of the app store at once, re-rendering only when one of them changes:
 * `const { datasets, job } = useAppState('datasets', 'job')`. */
export function useAppState<K extends keyof AppState>(...keys: K[]): Pick<AppState, K> {
  return useApp(useShallow((s) => Object.fromEntries(keys.map((k) => [k, s[k]])) as Pick<AppState, K>));
}

// `meter mlflow push --to URI` and `meter mlflow import --from URI`: Meter's runs and registered models into
// an MLflow tracking server, or an MLflow server's into Meter (src/core/mlflow/push.ts, import.ts). Prints
// what went where; doing it again adds nothing.
import { openCore } from '../core/context';
import { importFromServerCounted, type ImportReport } from '../core/mlflow/import';
import { importFromStoreCounted } from '../core/mlflow/local-store';
import { pushCounted } from '../core/mlflow/push';
import { MAX_PAGE, searchRuns } from '../core/store/run-search';
import type { CoreContext } from '../core/context';
import { MeterError } from '../shared/errors';
import { one, parseArgs } from './args';

const USAGE = 'meter push --to http://HOST:PORT (--all | --experiment NAME… | --runs FILTER | --run RUN_ID… | --models NAME…) [--dry-run] | pull --from http://HOST:PORT (--all | --experiment NAME… | --run RUN_ID… | --model NAME…) | import-mlflow sqlite:///mlflow.db|./mlruns | mlflow push … | mlflow import --from http://HOST:PORT [--token T | --user U --password P] [--json]' +
  ' | import --from sqlite:///mlflow.db|./mlruns [--artifacts DIR] [--dry-run] [--json]';

export async function mlflowCommand(home: string | undefined, args: string[], out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'push' && sub !== 'import') throw new MeterError('INVALID_ARGUMENT', `Usage: ${USAGE}`);
  const p = parseArgs(rest, { switches: ['json', 'dry-run', 'all'], values: ['to', 'from', 'token', 'user', 'password', 'experiment', 'run', 'runs', 'model', 'models', 'artifacts'] });
  // As MLflow's own clients: a token, or a user and password, from the flags or the environment
  const user = one(p, 'user') ?? (process.env.MLFLOW_TRACKING_USERNAME || undefined);
  const token = one(p, 'token') ?? (user === undefined ? process.env.MLFLOW_TRACKING_TOKEN || undefined : undefined);
  const password = one(p, 'password') ?? (user !== undefined ? process.env.MLFLOW_TRACKING_PASSWORD ?? '' : undefined);
  const what = { experiments: p.flags.get('experiment') ?? [], runIds: p.flags.get('run') ?? [], models: [...p.flags.get('model') ?? [], ...p.flags.get('models') ?? []], all: p.switches.has('all'), user, password };
  if (what.all && what.experiments.length + what.runIds.length + what.models.length + (p.flags.get('runs')?.length ?? 0) > 0) {
    throw new MeterError('INVALID_ARGUMENT', `--all ${sub === 'push' ? 'pushes' : 'pulls'} every experiment and registered model: give it alone, or name what to ${sub === 'push' ? 'push' : 'pull'} (--experiment, ${sub === 'push' ? '--runs, ' : ''}--run, --model${sub === 'push' ? 's' : ''}) instead.`);
  }
  if (sub === 'import') {
    const from = one(p, 'from');
    if (!from) throw new MeterError('INVALID_ARGUMENT', `Say where to import from with --from (an MLflow tracking URI, sqlite:///mlflow.db or an ./mlruns folder). Usage: ${USAGE}`);
    const ctx = openCore({ home });
    try {
      // http(s): a tracking server; anything else: a store on disk, everything in it. --dry-run reads all it
      // would import (every metric history, every artifact listing) and writes nothing.
      const dryRun = p.switches.has('dry-run');
      const { report, counts } = /^https?:\/\//i.test(from)
        ? await importFromServerCounted(ctx, { trackingUri: from, token, ...what, dryRun })
        : await importFromStoreCounted(ctx, { source: from, artifactsDir: one(p, 'artifacts') }, {}, dryRun);
      if (p.switches.has('json')) { out(JSON.stringify(dryRun ? { counts, ...report } : report)); return 0; }
      for (const r of report.runs) {
        if (r.planned) out(`would import run ${r.remoteRunId} (experiment ${r.experiment}): ${r.planned.params} params, ${r.planned.metrics} metric points, ${r.planned.artifacts} artifact files`);
        else out(`run ${r.remoteRunId} → ${r.imported ? '' : 'already here as '}${r.runId} (experiment ${r.experiment})${filesSaid(r, dryRun)}`);
      }
      for (const v of report.versions) {
        if (v.reason === 'dry run') out(`would import ${v.name} version ${v.remoteVersion}`);
        else out(`${v.name} version ${v.remoteVersion} → ${v.version !== null ? `${v.imported ? '' : 'already here as '}v${v.version}` : `not imported: ${v.reason}`}`);
      }
      for (const a of report.aliases) out(`${a.name}@${a.alias} → v${a.version}`);
      if (dryRun) out(`dry run, would import: ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}; nothing was written`);
      return 0;
    } finally {
      await ctx.close();
    }
  }
  const to = one(p, 'to');
  if (!to) throw new MeterError('INVALID_ARGUMENT', `Say where to push with --to (an MLflow tracking URI). Usage: ${USAGE}`);
  const ctx = openCore({ home });
  try {
    const runIds = [...what.runIds, ...(p.flags.get('runs') ?? []).flatMap((filter) => runsMatching(ctx, filter))];
    if (p.switches.has('dry-run')) {
      // Nothing is sent: what would go, as counts
      const { counts } = await pushCounted(ctx, { trackingUri: to, token, ...what, runIds, dryRun: true });
      out(p.switches.has('json') ? JSON.stringify(counts) : `dry run, would send: ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}`);
      return 0;
    }
    const { report, counts } = await pushCounted(ctx, { trackingUri: to, token, ...what, runIds });
    // --json: one object of counts (what was sent; a second push sends nothing new: all 0 but skipped, one per run and version already there)
    if (p.switches.has('json')) { out(JSON.stringify(counts)); return counts.errors > 0 ? 1 : 0; }
    for (const r of report.runs) {
      if (r.error) out(`run ${r.runId} not pushed: ${r.error}`);
      else if (r.note?.kind === 'held') out(`run ${r.runId} ${r.note.text}`);
      else out(`run ${r.runId} → ${r.pushed ? '' : 'already there as '}${r.remoteRunId} (experiment ${r.experiment})${r.note ? `; ${r.note.text}` : ''}`);
    }
    for (const v of report.versions) out(`${v.name} v${v.version} → ${v.remoteVersion ? `${v.pushed ? '' : 'already there as '}version ${v.remoteVersion}` : `not pushed: ${v.reason}`}`);
    for (const a of report.aliases) out(`${a.name}@${a.alias} → version ${a.remoteVersion}`);
    out(`sent: ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}`);
    return counts.errors > 0 ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

/** What an import did with a run's files beyond bringing them: added to a run here already, kept, not found. */
function filesSaid(r: ImportReport['runs'][number], dryRun: boolean): string {
  return (r.artifactsAdded ? `; ${dryRun ? 'would add' : 'added'} ${r.artifactsAdded} artifact file${r.artifactsAdded === 1 ? '' : 's'} it lacked` : '') +
    (r.artifactConflicts?.length ? `; kept ${r.artifactConflicts.length} file${r.artifactConflicts.length === 1 ? '' : 's'} here that differ${r.artifactConflicts.length === 1 ? 's' : ''} from the store's (not overwritten): ${r.artifactConflicts.join(', ')}` : '') +
    (r.artifactsSkipped ? `; artifacts not imported: ${r.artifactsSkipped}` : '');
}

/** `--runs FILTER`: every run Meter's filter language matches (the runs table's filter box), all pages. */
function runsMatching(ctx: CoreContext, filter: string): string[] {
  const ids: string[] = [];
  for (let offset = 0; ; offset += MAX_PAGE) {
    const page = searchRuns(ctx.db, { filter, limit: MAX_PAGE, offset });
    ids.push(...page.runs.map((r) => r.runId));
    if (page.runs.length < MAX_PAGE) break;
  }
  if (ids.length === 0) throw new MeterError('INVALID_ARGUMENT', `No run matches --runs "${filter}"; nothing was pushed.`);
  return ids;
}

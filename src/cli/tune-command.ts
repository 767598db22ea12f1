// `meter tune`: a hyper-parameter search from the shell. Prints the search (parent) run id, the best trial's
// params and rmse_val; --json prints one object. Ctrl-C cancels the search (finished trials are kept).
// --resume SEARCH_RUN_ID --trials N runs N more trials of an ended search; --prune stops unpromising trials.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MeterClient } from '../shared/contract';
import { MeterError, messageOf } from '../shared/errors';
import { asRunId, type RunId, type TuningAlgo, type TuningStatus } from '../shared/domain';
import { numberFlag, one, parseArgs } from './args';
import { fmt } from './print';
import type { Io } from './io';
import { defaultSpace } from '../shared/tuning/default-spaces';
import { filesForFlag, spreadFileFlags } from './file-args';
import { setWarnings } from '../shared/dataset-warnings';

export async function tuneCommand(client: MeterClient, args: string[], io: Io): Promise<number> {
  // --train/--val take several files or globs each, as meter train's do
  const p = parseArgs(spreadFileFlags(args, ['train', 'val']), { switches: ['json', 'prune'], values: ['train', 'val', 'model', 'algo', 'trials', 'parallel', 'space', 'seed', 'time-budget', 'experiment', 'name', 'resume'] });
  const resume = one(p, 'resume');
  const tuningId = resume ? await resumeSearch(client, resume, p) : await startSearch(client, p, io);
  return followSearch(client, tuningId, p.switches.has('json'), io);
}

async function resumeSearch(client: MeterClient, searchRunId: string, p: ReturnType<typeof parseArgs>): Promise<RunId> {
  const trials = numberFlag(p, 'trials');
  if (trials === undefined) throw new MeterError('INVALID_ARGUMENT', 'Usage: meter tune --resume SEARCH_RUN_ID --trials N (the search keeps its space, data, algorithm and pruning).');
  const ignored = ['train', 'val', 'model', 'algo', 'space', 'seed', 'parallel'].filter((k) => p.flags.has(k));
  if (ignored.length || p.switches.has('prune')) throw new MeterError('INVALID_ARGUMENT', `--resume continues the search as it was set up; drop ${[...ignored.map((k) => `--${k}`), ...(p.switches.has('prune') ? ['--prune'] : [])].join(', ')}.`);
  return (await client.call('tuning.extend', { tuningId: asRunId(searchRunId), trials })).tuningId;
}

async function startSearch(client: MeterClient, p: ReturnType<typeof parseArgs>, io: Io): Promise<RunId> {
  const trainPats = p.flags.get('train') ?? [];
  const valPats = p.flags.get('val') ?? [];
  if (!trainPats.length || !valPats.length) throw new MeterError('INVALID_ARGUMENT', 'Usage: meter tune --train F --val F --model gbt|rf|ridge|lasso --algo tpe|random --trials N [--parallel K] [--space space.json]');
  let space: Record<string, unknown>;
  const spaceFile = one(p, 'space');
  if (spaceFile) {
    try { space = JSON.parse(readFileSync(resolve(io.cwd, spaceFile), 'utf8')) as Record<string, unknown>; }
    catch (err) { throw new MeterError('INVALID_ARGUMENT', `Cannot read the search space ${spaceFile}: ${messageOf(err)}`); }
  } else {
    space = defaultSpace(one(p, 'model') ?? 'gbt');
  }
  const trainFiles = filesForFlag('train', trainPats, io.cwd);
  const valFiles = filesForFlag('val', valPats, io.cwd);
  // All files checked before any is recorded (a bad file or a role mixing kinds records nothing).
  const datasets = await client.call('data.importMany', { paths: [...trainFiles, ...valFiles], roles: [...trainFiles.map(() => 'train' as const), ...valFiles.map(() => 'val' as const)] });
  // The Tune screen's warnings, on stderr; the search still starts.
  for (const w of setWarnings(datasets.slice(0, trainFiles.length), datasets.slice(trainFiles.length))) io.err.write(`warning: ${w}\n`);
  const ids = datasets.map((d) => d.datasetId);
  const idOrList = <T>(list: T[]): T | T[] => (list.length === 1 ? list[0] : list);
  const { tuningId } = await client.call('tuning.start', {
    experiment: one(p, 'experiment') ?? 'Default', runName: one(p, 'name'), train: idOrList(ids.slice(0, trainFiles.length)), val: idOrList(ids.slice(trainFiles.length)), space,
    algo: (one(p, 'algo') ?? 'tpe') as TuningAlgo, maxTrials: numberFlag(p, 'trials') ?? 20, parallel: numberFlag(p, 'parallel'),
    seed: numberFlag(p, 'seed'), timeBudgetSec: numberFlag(p, 'time-budget'), ...(p.switches.has('prune') ? { prune: {} } : {}),
  });
  return tuningId;
}

async function followSearch(client: MeterClient, tuningId: RunId, json: boolean, io: Io): Promise<number> {
  const onSigint = (): void => { void client.call('tuning.cancel', { tuningId }); };
  process.once('SIGINT', onSigint);
  let status: TuningStatus;
  let shown = 0;
  for (;;) {
    status = await client.call('tuning.get', { tuningId });
    const done = status.trials.filter((t) => t.status !== 'RUNNING');
    for (const t of done.slice(shown)) if (!json) io.err.write(t.pruned ? `trial ${t.trial}: PRUNED at round ${t.pruned.step} (rmse_val ${fmt(t.pruned.value)})\n` : `trial ${t.trial}: ${t.status} rmse_val ${fmt(t.rmseVal ?? undefined)}\n`);
    shown = done.length;
    if (status.status !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  process.off('SIGINT', onSigint);
  const best = status.best;
  const pruned = status.trials.filter((t) => t.pruned).length;
  if (json) {
    io.out(JSON.stringify({ tuningId, status: status.status, trials: status.trials.length, pruned, best: best ? { runId: best.runId, params: best.params, rmse_val: best.rmseVal } : null }));
  } else {
    io.out(`search ${tuningId} ${status.status}: ${status.trials.length} trials${pruned ? ` (${pruned} pruned)` : ''}`);
    io.out(best ? `best trial ${best.trial} (run ${best.runId}): rmse_val ${fmt(best.rmseVal ?? undefined)}\n  ${Object.entries(best.params).map(([k, v]) => `${k}=${v}`).join('  ')}` : 'no trial finished');
  }
  return status.status === 'FINISHED' ? 0 : 1;
}

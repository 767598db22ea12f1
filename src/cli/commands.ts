// One function per command: parse flags, make contract calls, print. No domain logic lives here.
import { execFileSync } from 'node:child_process';
import type { MeterClient } from '../shared/contract';
import { MeterError } from '../shared/errors';
import { asRunId, type Run } from '../shared/domain';
import { numberFlag, one, paramFlags, parseArgs } from './args';
import { fmt, followJob, formatMs, table } from './print';
import { runLifecycleCommand, withState } from './runs-commands';
import { isPrunedTrial } from '../shared/run-state';
import { filesForFlag, spreadFileFlags } from './file-args';
import { trainingWarnings } from '../shared/dataset-warnings';

import type { Io } from './io';

export type { Io };

function gitCommit(cwd: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

export async function trainCommand(client: MeterClient, args: string[], io: Io): Promise<number> {
  // --train/--val/--test take several files or globs each (expanded here, not by a shell).
  const p = parseArgs(spreadFileFlags(args, ['train', 'val', 'test']), { switches: ['json'], values: ['train', 'val', 'test', 'model', 'alpha', 'param', 'features', 'experiment', 'name'] });
  if (p.positionals.length) throw new MeterError('INVALID_ARGUMENT', `meter train takes no positional arguments (got "${p.positionals[0]}"); use --train and --val.`);
  const info = await client.call('app.info', {});
  let trainFiles = p.flags.get('train') ?? [];
  let valFiles = p.flags.get('val') ?? [];
  if (!trainFiles.length && !valFiles.length) ({ train: trainFiles, val: valFiles } = { train: [info.sampleFiles.train], val: [info.sampleFiles.val] });
  if (!trainFiles.length || !valFiles.length) throw new MeterError('INVALID_ARGUMENT', 'Give both --train and --val, or neither to use the shipped sample.');
  const roles = { train: filesForFlag('train', trainFiles, io.cwd), val: filesForFlag('val', valFiles, io.cwd), test: filesForFlag('test', p.flags.get('test') ?? [], io.cwd) };
  const params = paramFlags(p);
  const alpha = numberFlag(p, 'alpha');
  if (alpha !== undefined) params.alpha = alpha;
  const model = one(p, 'model') ?? 'linear';
  const featureSet = one(p, 'features') ?? 'basic';

  // Every file is checked before any is recorded: a bad file or a mix of kinds in a role changes nothing.
  const all = [...roles.train, ...roles.val, ...roles.test];
  const datasets = await client.call('data.importMany', { paths: all, roles: all.map((_, k) => (k < roles.train.length ? 'train' : k < roles.train.length + roles.val.length ? 'val' : 'test')) });
  const ids = datasets.map((d) => d.datasetId);
  const train = ids.slice(0, roles.train.length);
  const val = ids.slice(roles.train.length, roles.train.length + roles.val.length);
  const test = roles.test.length ? ids.slice(roles.train.length + roles.val.length) : null;
  const idOrList = <T>(list: T[]): T | T[] => (list.length === 1 ? list[0] : list);
  // The Train screen's warnings (another kind, a validation month before the train month, …), on stderr so
  // --json stays one object; training goes on, as on the screen.
  const slice = (from: number, n: number) => datasets.slice(from, from + n);
  for (const w of trainingWarnings(slice(0, roles.train.length), slice(roles.train.length, roles.val.length), slice(roles.train.length + roles.val.length, roles.test.length))) io.err.write(`warning: ${w}\n`);
  if (all.length > 2 && !p.switches.has('json')) io.out(`${roles.train.length} train file${roles.train.length === 1 ? '' : 's'}, ${roles.val.length} validation${roles.test.length ? `, ${roles.test.length} test` : ''}`);
  const started = await client.call('jobs.startTraining', {
    experiment: one(p, 'experiment') ?? 'Default', runName: one(p, 'name'), model: model as 'linear', featureSet: featureSet as 'basic', params,
    train: idOrList(train), val: idOrList(val), ...(test ? { test: idOrList(test) } : {}),
    source: { type: 'CLI', name: ['meter', ...io.argv].join(' '), gitCommit: gitCommit(io.cwd) ?? undefined },
  });
  const outcome = await followJob(client, started.jobId, io.err);
  if (outcome.state !== 'succeeded') {
    const err = outcome.error ?? { code: 'INTERNAL' as const, message: 'training failed' };
    throw new MeterError(err.code, `Run ${started.runId} ${outcome.state === 'cancelled' ? 'was cancelled (KILLED)' : `failed: ${err.message}`}`);
  }
  const m = outcome.metrics ?? {};
  if (p.switches.has('json')) {
    const keys = ['rmse_train', 'rmse_val', ...(test ? ['rmse_test'] : [])];
    io.out(JSON.stringify({ runId: started.runId, metrics: Object.fromEntries(keys.map((k) => [k, m[k]])) }));
    return 0;
  }
  io.out(`run ${started.runId}`);
  io.out(`rmse_train ${fmt(m.rmse_train)}  rmse_val ${fmt(m.rmse_val)}${test ? `  rmse_test ${fmt(m.rmse_test)}` : ''}  (minutes)`);
  return 0;
}


function runDetail(r: Run): string {
  const lines = [
    `run ${r.runId}  "${r.name}"  ${isPrunedTrial(r) ? `PRUNED (stored as KILLED; the pruner stopped it at step ${r.tags['meter.pruned_step'] ?? '?'})` : r.status}`,
    `experiment ${r.experimentName} (${r.experimentId})`,
    `started ${formatMs(r.startMs)}  ended ${formatMs(r.endMs)}`,
    `source ${r.source.type}: ${r.source.name}${r.source.gitCommit ? `  (git ${r.source.gitCommit.slice(0, 12)})` : ''}`,
  ];
  if (r.error) lines.push(`error ${r.error}`);
  lines.push('', 'params', table(['key', 'value'], Object.entries(r.params).sort().map(([k, v]) => [k, v])));
  lines.push('', 'metrics', table(['key', 'value'], Object.entries(r.metrics).sort().map(([k, v]) => [k, String(v)])));
  if (r.historyKeys.length) lines.push(`history: ${r.historyKeys.join(', ')}`);
  // rows: the file's rows; trips used: what the run kept from it (1–60 minutes), known once it finished
  lines.push('', 'inputs', table(['role', 'file', 'kind', 'month', 'rows', 'trips used', 'sha256'],
    r.inputs.map((i) => [i.role, i.dataset.fileName, i.dataset.kind, i.dataset.pickupMonth ?? '', String(i.dataset.rows), i.rows === null ? '' : String(i.rows), i.dataset.sha256.slice(0, 16)])));
  lines.push('', 'artifacts', r.artifacts.length ? r.artifacts.map((a) => `  ${a.path} (${a.sizeBytes} bytes)`).join('\n') : '  none');
  if (Object.keys(r.tags).length) lines.push('', 'tags', table(['key', 'value'], Object.entries(r.tags)));
  if (r.notes) lines.push('', 'notes', r.notes);
  return lines.join('\n');
}

export async function runCommand(client: MeterClient, args: string[], io: Io): Promise<number> {
  if (args[0] !== 'show') return runLifecycleCommand(client, args[0] ?? '', args.slice(1), io);
  const p = parseArgs(args.slice(1), { switches: ['json'], values: [] });
  const [id] = p.positionals;
  if (!id) throw new MeterError('INVALID_ARGUMENT', 'Usage: meter run show <run-id>');
  const run = await client.call('runs.get', { runId: asRunId(id) });
  io.out(p.switches.has('json') ? JSON.stringify(withState(run)) : runDetail(run));
  return 0;
}


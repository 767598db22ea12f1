// `meter runs` (search), `meter run …` lifecycle and `meter experiments …`: the same contract calls the UI
// makes. A filter syntax error prints the filter with a caret under the position.
import type { MeterClient } from '../shared/contract';
import { MeterError } from '../shared/errors';
import { asExperimentId, asRunId, type ExperimentId, type RunRow } from '../shared/domain';
import { numberFlag, one, parseArgs } from './args';
import { shownRunState, type ShownRunState } from '../shared/run-state';
import { fmt, formatMs, table } from './print';
import type { Io } from './io';

// The status column reads as the app's: PRUNED for a trial the pruner stopped (stored as KILLED).
function runsTable(rows: RunRow[]): string {
  return table(['run id', 'name', 'experiment', 'status', 'model', 'features', 'rmse_train', 'rmse_val', 'started'],
    rows.map((r) => [r.runId, r.name, r.experimentName, shownRunState(r), r.params.model ?? '', r.params.featureSet ?? '',
      fmt(r.metrics.rmse_train), fmt(r.metrics.rmse_val), formatMs(r.startMs)]));
}

/** a run as `--json` prints it: as stored, plus `state` (PRUNED for a pruned trial, else its status) */
export const withState = <R extends RunRow>(r: R): R & { state: ShownRunState } => ({ ...r, state: shownRunState(r) });

async function experimentIds(client: MeterClient, names: string[]): Promise<ExperimentId[] | undefined> {
  if (names.length === 0) return undefined;
  const all = await client.call('experiments.list', { includeArchived: true });
  return names.map((n) => {
    const e = all.find((x) => x.name === n || x.experimentId === n);
    if (!e) throw new MeterError('NOT_FOUND', `No experiment named "${n}". Run "meter experiments" for the list.`);
    return e.experimentId;
  });
}

function caret(io: Io, label: string, text: string, err: unknown): void {
  const pos = err instanceof MeterError ? err.details?.position : undefined;
  if (typeof pos === 'number' && !text.includes('\n')) io.err.write(`  ${label} ${text}\n  ${' '.repeat(label.length + pos)}^\n`);
}

export async function runsCommand(client: MeterClient, args: string[], io: Io): Promise<number> {
  const p = parseArgs(args, { switches: ['json', 'deleted', 'all'], values: ['experiment', 'limit', 'offset', 'filter', 'order-by'] });
  const filter = one(p, 'filter') ?? '';
  const orderBy = one(p, 'order-by') ?? '';
  const q = {
    filter, orderBy, experimentIds: await experimentIds(client, p.flags.get('experiment') ?? []),
    lifecycle: p.switches.has('all') ? 'all' as const : p.switches.has('deleted') ? 'deleted' as const : 'active' as const,
    limit: numberFlag(p, 'limit') ?? 100, offset: numberFlag(p, 'offset') ?? 0,
  };
  let result;
  try {
    result = await client.call('runs.search', q);
  } catch (err) {
    if (err instanceof MeterError && /^In the order/.test(err.message)) caret(io, '--order-by', orderBy, err);
    else caret(io, '--filter', filter, err);
    throw err;
  }
  // --json keeps MLflow's `status` (KILLED for a pruned trial, as a script filtering on it expects) and adds
  // `state`, the status as Meter shows it (PRUNED there), so nobody has to know the tag to tell them apart.
  if (p.switches.has('json')) { io.out(JSON.stringify({ ...result, runs: result.runs.map(withState) })); return 0; }
  if (result.total === 0) { io.out(filter ? 'No runs match the filter.' : 'No runs yet. Train one with: meter train'); return 0; }
  io.out(runsTable(result.runs));
  if (result.total > result.runs.length) io.out(`${result.offset + 1}–${result.offset + result.runs.length} of ${result.total} runs (--offset, --limit for more)`);
  return 0;
}

/** `meter run rename|delete|restore|purge|tag|untag …` (`run show` lives with the other commands). */
export async function runLifecycleCommand(client: MeterClient, sub: string, rest: string[], io: Io): Promise<number> {
  const p = parseArgs(rest, { switches: ['json', 'yes'], values: [] });
  const [id, ...more] = p.positionals;
  const usage = (u: string) => new MeterError('INVALID_ARGUMENT', `Usage: meter run ${u}`);
  const print = (value: unknown, text: string) => io.out(p.switches.has('json') ? JSON.stringify(value) : text);
  if (sub === 'rename') {
    if (!id || more.length !== 1) throw usage('rename RUN_ID NEW_NAME');
    const run = await client.call('runs.rename', { runId: asRunId(id), name: more[0] });
    print(run, `Renamed ${run.runId} to "${run.name}".`);
  } else if (sub === 'tag') {
    if (!id || more.length !== 2) throw usage('tag RUN_ID KEY VALUE');
    print(await client.call('runs.setTag', { runId: asRunId(id), key: more[0], value: more[1] }), `Tagged ${id}: ${more[0]}=${more[1]}`);
  } else if (sub === 'untag') {
    if (!id || more.length !== 1) throw usage('untag RUN_ID KEY');
    print(await client.call('runs.deleteTag', { runId: asRunId(id), key: more[0] }), `Removed tag ${more[0]} from ${id}.`);
  } else if (sub === 'delete' || sub === 'restore') {
    if (!id) throw usage(`${sub} RUN_ID…`);
    const out = await client.call('runs.setDeleted', { runIds: p.positionals.map(asRunId), deleted: sub === 'delete' });
    print(out, sub === 'delete' ? `Moved ${out.changed} run(s) to the trash (meter run restore to undo).` : `Restored ${out.changed} run(s).`);
  } else if (sub === 'purge') {
    if (!id) throw usage('purge RUN_ID… --yes');
    if (!p.switches.has('yes')) throw new MeterError('INVALID_ARGUMENT', 'Purging deletes the runs and their artifacts for good; add --yes to confirm.');
    const out = await client.call('runs.purge', { runIds: p.positionals.map(asRunId) });
    print(out, `Purged ${out.purged} run(s); freed ${out.artifactBytesFreed} bytes of artifacts.`);
  } else {
    throw usage('show|rename|tag|untag|delete|restore|purge …');
  }
  return 0;
}

export async function experimentsCommand(client: MeterClient, args: string[], io: Io): Promise<number> {
  const p = parseArgs(args, { switches: ['json', 'all'], values: [] });
  const [sub, idOrName, newName] = p.positionals;
  if (sub) {
    const [id] = (await experimentIds(client, idOrName ? [idOrName] : [])) ?? [];
    if (!id) throw new MeterError('INVALID_ARGUMENT', 'Usage: meter experiments rename|archive|restore NAME [NEW_NAME]');
    const e = sub === 'rename'
      ? await client.call('experiments.rename', { experimentId: asExperimentId(id), name: newName ?? '' })
      : sub === 'archive' || sub === 'restore'
        ? await client.call('experiments.setArchived', { experimentId: asExperimentId(id), archived: sub === 'archive' })
        : null;
    if (!e) throw new MeterError('INVALID_ARGUMENT', `Unknown experiments command "${sub}"; use rename, archive or restore.`);
    io.out(p.switches.has('json') ? JSON.stringify(e) : `${e.name} (${e.experimentId})${e.archivedMs ? ' archived' : ''}`);
    return 0;
  }
  const list = await client.call('experiments.list', { includeArchived: p.switches.has('all') });
  io.out(p.switches.has('json') ? JSON.stringify(list) : table(['id', 'name', 'runs', 'created', 'state'],
    list.map((e) => [e.experimentId, e.name, String(e.runCount), formatMs(e.createdMs), e.archivedMs ? 'archived' : 'active'])));
  return 0;
}

// `meter pipeline`: run a pipeline file once for a month, backfill a month range, list and show flow runs, rerun
// one from a failed step, save it in the home (its schedule fires while Meter runs), and print the crontab /
// systemd lines that run it from the OS. Only `save` changes a saved pipeline. Progress (each step
// as it changes) goes to stderr; --json prints one object (backfill: a list) on stdout. Ctrl-C cancels.
import { basename } from 'node:path';
import type { MeterClient } from '../shared/contract';
import { MeterError } from '../shared/errors';
import type { JobId } from '../shared/domain';
import {
  addMonths, month, pipelineDifferences, PIPELINE_STEPS, type FlowRun, type PipelineInfo, type PipelineSpec, type PipelineStep,
} from '../shared/pipeline';
import { numberFlag, one, parseArgs, type ParsedArgs } from './args';
import { readPipelineFile } from './pipeline-file';
import type { Io } from './io';

const USAGE = `Usage: meter pipeline run FILE.json --month YYYY-MM|previous [--json]   once; saves nothing
       meter pipeline backfill FILE.json --from YYYY-MM --to YYYY-MM [--json]
       meter pipeline runs [--pipeline NAME] [--limit N] [--json]
       meter pipeline show FLOW_RUN_ID [--json]
       meter pipeline rerun FLOW_RUN_ID [--from STEP] [--json]
       meter pipeline save FILE.json [--replace]   save it in this home: its "schedule" fires while Meter runs
       meter pipeline schedule FILE.json     the crontab line and systemd timer for the file's "schedule"`;

/** --month previous: the month before this one (what a schedule on the 2nd of a month runs). */
function monthArg(value: string | undefined): string {
  if (!value) throw new MeterError('INVALID_ARGUMENT', `--month is required (YYYY-MM or "previous").\n${USAGE}`);
  if (value !== 'previous') return monthFlag('month', value);
  const d = new Date();
  return addMonths(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`, -1);
}

// Flags are checked here, by their own names, before any call: the contract would name its method and field
// instead ("pipelines.run: "month" must be …"), which is the API's wording, not the command line's.
const monthFlag = (flag: string, value: string): string => month.parse(value, `--${flag}`);
function limitFlag(p: ParsedArgs): number | undefined {
  const n = numberFlag(p, 'limit');
  if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= 10_000)) throw new MeterError('INVALID_ARGUMENT', `--limit must be a whole number from 1 to 10000; got ${n}.`);
  return n;
}
function nameFlag(p: ParsedArgs): string | undefined {
  const name = one(p, 'pipeline');
  if (name !== undefined && (name === '' || name.length > 100)) throw new MeterError('INVALID_ARGUMENT', `--pipeline takes a pipeline's name (at most 100 characters); got "${name.slice(0, 40)}${name.length > 40 ? '…' : ''}".`);
  return name;
}
function flowRunIdArg(id: string): string {
  if (!/^[0-9a-f]{1,64}$/i.test(id)) throw new MeterError('NOT_FOUND', `No flow run with id "${id.slice(0, 40)}${id.length > 40 ? '…' : ''}"; "meter pipeline runs" lists them.`);
  return id;
}

export const flowJson = (f: FlowRun) => ({
  flowRunId: f.flowRunId, month: f.month, status: f.status,
  steps: f.steps.map((s) => ({ name: s.name, status: s.status, attempts: s.attempts, cached: s.cached })),
  runId: f.runId, promoted: f.promoted,
});

function describeFlow(f: FlowRun): string[] {
  const out = [`flow run ${f.flowRunId}: ${f.pipeline} ${f.month} ${f.status}${f.runId ? `  run ${f.runId}` : ''}${f.promoted ? '  (promoted)' : ''}`];
  for (const s of f.steps) {
    const secs = s.startedMs && s.endedMs ? ` ${((s.endedMs - s.startedMs) / 1000).toFixed(1)} s` : '';
    out.push(`  ${s.name.padEnd(9)} ${s.status.padEnd(8)} attempts ${s.attempts}${secs}${s.error ? `  ${s.error}` : ''}`);
  }
  if (f.error) out.push(`  error: ${f.error}`);
  return out;
}

/** Waits for a job, printing each step change of the given flow runs to stderr; Ctrl-C cancels the job. */
async function follow(client: MeterClient, io: Io, jobId: JobId, flowRunIds: string[]): Promise<FlowRun[]> {
  const seen = new Map<string, string>();
  const report = async () => {
    for (const id of flowRunIds) {
      const f = await client.call('pipelines.get', { flowRunId: id });
      for (const s of f.steps) {
        const key = `${id}:${s.name}`;
        const state = `${s.status}:${s.attempts}`;
        if (seen.get(key) !== state && s.status !== 'pending') {
          seen.set(key, state);
          io.err.write(`${f.pipeline} ${f.month} ${s.name} ${s.status}${s.attempts > 1 ? ` (attempt ${s.attempts})` : ''}\n`);
        }
      }
    }
  };
  const onSigint = (): void => { void client.call('jobs.cancel', { jobId }); };
  process.once('SIGINT', onSigint);
  // One report at a time, so a step change is printed once.
  let chain = Promise.resolve();
  const off = client.on('pipeline.updated', () => { chain = chain.then(report, report); });
  try {
    await client.call('jobs.wait', { jobId });
  } finally {
    off();
    process.off('SIGINT', onSigint);
  }
  await chain.then(report, report);
  return Promise.all(flowRunIds.map((id) => client.call('pipelines.get', { flowRunId: id })));
}

/** The pipeline saved in this home under the file's name, if any, and what differs from the file. */
async function savedAs(client: MeterClient, spec: PipelineSpec): Promise<{ saved: PipelineInfo; differences: string[] } | null> {
  const saved = (await client.call('pipelines.list', {})).find((x) => x.name === spec.name);
  return saved ? { saved, differences: pipelineDifferences(saved.spec, spec) } : null;
}

/** pipelines.save's refusal of a name saved with another spec, in the CLI's words (--replace, the file). */
async function saveCommand(client: MeterClient, spec: PipelineSpec, file: string, replace: boolean, io: Io): Promise<number> {
  const before = await savedAs(client, spec);
  let info: PipelineInfo;
  try {
    info = await client.call('pipelines.save', { pipeline: spec, replace });
  } catch (err) {
    if (!(err instanceof MeterError) || err.code !== 'ALREADY_EXISTS') throw err;
    const differences = Array.isArray(err.details?.differences) ? err.details.differences : before?.differences ?? [];
    throw new MeterError('ALREADY_EXISTS', `${file}: a pipeline named "${spec.name}" is already saved in this Meter home with a different spec `
      + `(${differences.join('; ')}). Give --replace to replace it, or another "name" in ${file}.`, err.details);
  }
  const verb = !before ? 'saved' : before.differences.length ? 'replaced' : 'already saved (unchanged)';
  io.out(`${verb} pipeline ${info.name}${info.schedule ? `; schedule ${info.schedule}, fires while Meter runs (the app, meter ui), next ${new Date(info.nextFireMs!).toISOString()}` : ' (no schedule)'}`);
  return 0;
}

export async function pipelineCommand(client: MeterClient, args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const p = parseArgs(rest, { switches: ['json', 'replace'], values: ['month', 'from', 'to', 'pipeline', 'limit'] });
  const json = p.switches.has('json');
  const target = p.positionals[0];
  if (p.switches.has('replace') && sub !== 'save') throw new MeterError('INVALID_ARGUMENT', `--replace goes with "meter pipeline save FILE.json" only.\n${USAGE}`);
  if (sub === 'run' || sub === 'backfill' || sub === 'schedule' || sub === 'save') {
    if (!target) throw new MeterError('INVALID_ARGUMENT', `Give the pipeline file.\n${USAGE}`);
    const { spec, path } = readPipelineFile(io.cwd, target);
    const file = basename(path);
    if (sub === 'save') return saveCommand(client, spec, file, p.switches.has('replace'), io);
    if (sub === 'schedule') {
      if (!spec.schedule) throw new MeterError('INVALID_ARGUMENT', `${file} has no "schedule" (a cron expression such as "0 6 2 * *").`);
      // The OS's runs are flow runs of this name in this home: a saved pipeline of the same name must be this one.
      const known = await savedAs(client, spec);
      if (known?.differences.length) {
        throw new MeterError('ALREADY_EXISTS', `${file}: a pipeline named "${spec.name}" is already saved in this Meter home with a different spec `
          + `(${known.differences.join('; ')}). Give the pipeline in ${file} another "name", or make the saved one this file with "meter pipeline save ${target} --replace".`);
      }
      if (known?.saved.schedule) io.err.write(`note: Meter also fires the saved pipeline ${spec.name} (${known.saved.schedule}) while it runs (the app, meter ui); use one schedule or the other, not both.\n`);
      const o = await client.call('pipelines.osSchedule', { file: path, schedule: spec.schedule, name: spec.name });
      io.out(`# crontab -e:\n${o.crontab}\n\n# ~/.config/systemd/user/meter-${spec.name}.service:\n${o.systemdService}\n\n# ~/.config/systemd/user/meter-${spec.name}.timer (then: systemctl --user enable --now meter-${spec.name}.timer):\n${o.systemdTimer}`);
      return 0;
    }
    if (spec.schedule) {
      io.err.write(`note: ${file} has a "schedule" (${spec.schedule}); this ${sub} does not schedule it. "meter pipeline save ${target}" saves it for Meter to fire while it runs; "meter pipeline schedule ${target}" prints the crontab/systemd lines for the OS.\n`);
    }
    if (sub === 'run') {
      const { flowRunId, jobId } = await client.call('pipelines.run', { pipeline: spec, month: monthArg(one(p, 'month')), trigger: 'cli' });
      const [f] = await follow(client, io, jobId, [flowRunId]);
      io.out(json ? JSON.stringify(flowJson(f)) : describeFlow(f).join('\n'));
      return f.status === 'done' ? 0 : 1;
    }
    const from = one(p, 'from');
    const to = one(p, 'to');
    if (!from || !to) throw new MeterError('INVALID_ARGUMENT', `backfill needs --from and --to.\n${USAGE}`);
    const { jobId, months } = await client.call('pipelines.backfill', { pipeline: spec, from: monthFlag('from', from), to: monthFlag('to', to) });
    for (const m of months) {
      if (!m.flowRunId) io.err.write(`${spec.name} ${m.month} skipped: ${m.reason}\n`);
      else if (m.reused) io.err.write(`${spec.name} ${m.month} done before: flow run ${m.flowRunId} reused\n`);
    }
    const flows = await follow(client, io, jobId, months.flatMap((m) => (m.flowRunId && !m.reused ? [m.flowRunId] : [])));
    const byId = new Map(flows.map((f) => [f.flowRunId, f]));
    const all = await Promise.all(months.map(async (m) => (m.flowRunId ? byId.get(m.flowRunId) ?? await client.call('pipelines.get', { flowRunId: m.flowRunId }) : null)));
    if (json) {
      io.out(JSON.stringify(months.map((m, i) => (all[i] ? { ...flowJson(all[i]!), reused: m.reused }
        : { flowRunId: null, month: m.month, status: 'skipped', steps: [], runId: null, promoted: false, reason: m.reason }))));
    } else {
      for (const [i, m] of months.entries()) io.out(all[i] ? describeFlow(all[i]!)[0] + (m.reused ? '  (reused)' : '') : `${m.month}: skipped (${m.reason})`);
    }
    return all.every((f) => f === null || f.status === 'done') ? 0 : 1;
  }
  if (sub === 'runs') {
    const runs = await client.call('pipelines.runs', { pipeline: nameFlag(p), limit: limitFlag(p) });
    if (json) io.out(JSON.stringify(runs));
    else for (const r of runs) io.out(`${r.flowRunId}  ${r.pipeline.padEnd(16)} ${r.month}  ${r.status.padEnd(9)} ${r.trigger.padEnd(8)} ${r.runId ?? '-'}${r.promoted ? '  promoted' : ''}`);
    return 0;
  }
  if (sub === 'show' || sub === 'rerun') {
    if (!target) throw new MeterError('INVALID_ARGUMENT', `Give the flow run id.\n${USAGE}`);
    flowRunIdArg(target);
    if (sub === 'show') {
      const f = await client.call('pipelines.get', { flowRunId: target });
      if (json) { io.out(JSON.stringify(f)); return 0; }
      io.out(describeFlow(f).join('\n'));
      for (const s of f.steps) for (const l of s.logs) io.out(`  [${s.name}] ${new Date(l.atMs).toISOString()} ${l.level} ${l.message}`);
      return 0;
    }
    const from = one(p, 'from');
    if (from !== undefined && !(PIPELINE_STEPS as readonly string[]).includes(from)) throw new MeterError('INVALID_ARGUMENT', `--from must be one of ${PIPELINE_STEPS.join(', ')}; got "${from}".`);
    const { jobId } = await client.call('pipelines.rerun', { flowRunId: target, fromStep: from as PipelineStep | undefined });
    const [f] = await follow(client, io, jobId, [target]);
    io.out(json ? JSON.stringify(flowJson(f)) : describeFlow(f).join('\n'));
    return f.status === 'done' ? 0 : 1;
  }
  throw new MeterError('INVALID_ARGUMENT', USAGE);
}

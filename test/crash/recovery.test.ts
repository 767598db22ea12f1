// The cleanup at start (src/core/jobs/recovery.ts), on a real home: what a killed Meter leaves (planted exactly
// as the jobs write it) is removed or completed at the next openCore, and nothing a committed row points at,
// or a live process is still writing, is touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSample, SAMPLE, tempDir } from '../helpers';
import { openCore, type CoreContext } from '../../src/core/context';
import { createLocalClient } from '../../src/core/api/local-client';
import { asExperimentId, MODEL_ARTIFACT, type RunId } from '../../src/shared/domain';
import { createRun, endRun } from '../../src/core/store/runs-repo';
import { claimedTempPath, tempOutputPath } from '../../src/core/scoring/temp-names';

const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max: no such process

describe('cleanup at start', () => {
  const home = tempDir('meter-recovery-');
  let ctx: CoreContext;
  let living: ChildProcess;
  let finishedRun: RunId;
  let predictions: string;
  beforeAll(async () => {
    living = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
    await new Promise((resolve) => living.once('spawn', resolve));
    ctx = openCore({ home });
    const client = createLocalClient(ctx);
    const { train, val } = await importSample(client);
    const started = await client.call('jobs.startTraining', { experiment: 'recovery', model: 'linear', featureSet: 'basic', params: {}, train, val });
    await client.call('jobs.wait', { jobId: started.jobId });
    finishedRun = started.runId;
    await client.call('models.register', { runId: finishedRun, name: 'taxi' });
    const scored = await client.call('scoring.start', { modelUri: 'models:/taxi/1', inputs: [SAMPLE.val] });
    expect((await client.call('jobs.wait', { jobId: scored.jobId })).state).toBe('succeeded');
    predictions = join(home, 'predictions');
  });
  afterAll(async () => {
    living.kill('SIGKILL');
    await ctx.close();
    rmSync(home, { recursive: true, force: true });
  });

  const reopen = async (): Promise<CoreContext> => { await ctx.close(); ctx = openCore({ home }); return ctx; };
  const runIn = (status: 'FAILED' | 'KILLED' | 'RUNNING', experimentId: string): RunId => {
    const id = createRun(ctx.db, { experimentId: asExperimentId(experimentId), name: status, params: {}, tags: {}, source: { type: 'API', name: 't' }, inputs: [] });
    if (status !== 'RUNNING') endRun(ctx.db, id, status);
    return id;
  };

  it('has nothing to do on a clean home, and says nothing', async () => {
    expect((await reopen()).recovered).toEqual({ tempOutputs: 0, completedOutputs: 0, modelFolders: 0, registryFolders: 0 });
  });

  it('removes unrecorded model folders of ended runs, keeps recorded ones and those of running runs', async () => {
    const experimentId = ctx.db.prepare('SELECT experiment_id FROM runs WHERE run_id = ?').pluck().get(finishedRun) as string;
    const modelDir = (id: string) => join(home, 'artifacts', id, 'model');
    const failed = runIn('FAILED', experimentId); // killed between the model file and its row
    mkdirSync(modelDir(failed), { recursive: true });
    copyFileSync(join(ctx.artifactsDir(finishedRun), MODEL_ARTIFACT), join(modelDir(failed), 'model.json'));
    const killed = runIn('KILLED', experimentId); // killed while writing it: an empty folder and a temp file, beside another artifact
    mkdirSync(modelDir(killed), { recursive: true });
    writeFileSync(join(modelDir(killed), `.model.json.${DEAD_PID}.tmp`), '{"half');
    mkdirSync(join(home, 'artifacts', killed, 'search'));
    const running = runIn('RUNNING', experimentId); // this process is still training it
    mkdirSync(modelDir(running), { recursive: true });
    writeFileSync(join(modelDir(running), 'model.json'), '{}');

    const c = await reopen();
    expect(c.recovered.modelFolders).toBe(2);
    expect(existsSync(join(home, 'artifacts', failed))).toBe(false);
    expect(readdirSync(join(home, 'artifacts', killed))).toEqual(['search']);
    expect(existsSync(join(modelDir(running), 'model.json'))).toBe(true);
    expect(existsSync(join(ctx.artifactsDir(finishedRun), MODEL_ARTIFACT))).toBe(true);
  });

  it('removes dead writers\' predictions temp files, keeps live ones and other names, and completes a committed output', async () => {
    const [rec] = await createLocalClient(ctx).call('scoring.list', {});
    const output = rec.file!.outputPath;
    const dead = tempOutputPath(join(predictions, 'other.predictions.parquet'), DEAD_PID, 1);
    const live = tempOutputPath(join(predictions, 'other.predictions.parquet'), living.pid!, 2);
    const stale = tempOutputPath(output, DEAD_PID, rec.startedMs - 1); // an older job's, replaced since
    const notOurs = join(predictions, 'notes.partial-1-2.txt');
    for (const f of [dead, live, stale, notOurs]) writeFileSync(f, 'x');
    // A kill between the record's commit and the rename: the record names the output, the temp holds it.
    const committed = tempOutputPath(output, DEAD_PID, rec.startedMs);
    copyFileSync(output, committed);
    rmSync(output);

    const c = await reopen();
    expect(c.recovered).toMatchObject({ tempOutputs: 2, completedOutputs: 1 });
    expect(readdirSync(predictions).sort()).toEqual([live, notOurs, output].map((f) => f.slice(predictions.length + 1)).sort());
  });

  it('a kill between linking a committed output in place and removing its temp: the output is done, the record kept', async () => {
    const [rec] = await createLocalClient(ctx).call('scoring.list', {});
    const output = rec.file!.outputPath;
    const bytes = readFileSync(output);
    const committed = tempOutputPath(output, DEAD_PID, rec.startedMs);
    linkSync(output, committed); // the state placeWithoutReplacing's link leaves before its rm

    const c = await reopen();
    expect(c.recovered).toMatchObject({ tempOutputs: 0, completedOutputs: 1 });
    expect(existsSync(committed)).toBe(false);
    expect(readFileSync(output).equals(bytes)).toBe(true);
    expect((await createLocalClient(c).call('scoring.list', {})).find((r) => r.scoringId === rec.scoringId)).toMatchObject({ status: 'FINISHED', file: { outputPath: output } });
  });

  it('a committed output whose temp file was renamed to the name it claimed (…-c<n>) is completed too', async () => {
    const [rec] = await createLocalClient(ctx).call('scoring.list', {});
    const output = rec.file!.outputPath;
    const bytes = readFileSync(output);
    const claimed = claimedTempPath(output, DEAD_PID, rec.startedMs);
    expect(claimed).not.toBe(tempOutputPath(output, DEAD_PID, rec.startedMs)); // never a name a worker writes to
    copyFileSync(output, claimed);
    rmSync(output);

    const c = await reopen();
    expect(c.recovered).toMatchObject({ tempOutputs: 0, completedOutputs: 1 });
    expect(existsSync(claimed)).toBe(false);
    expect(readFileSync(output).equals(bytes)).toBe(true);
  });

  it('a kill part way through the copy a file system without hard links gets: the copy is finished, not failed', async () => {
    const [rec] = await createLocalClient(ctx).call('scoring.list', {});
    const output = rec.file!.outputPath;
    const bytes = readFileSync(output);
    const committed = tempOutputPath(output, DEAD_PID, rec.startedMs);
    copyFileSync(output, committed);
    writeFileSync(output, bytes.subarray(0, Math.floor(bytes.length / 2))); // the exclusive copy, cut short

    const c = await reopen();
    expect(c.recovered).toMatchObject({ tempOutputs: 0, completedOutputs: 1 });
    expect(existsSync(committed)).toBe(false);
    expect(readFileSync(output).equals(bytes)).toBe(true);
    expect((await createLocalClient(c).call('scoring.list', {})).find((r) => r.scoringId === rec.scoringId)).toMatchObject({ status: 'FINISHED' });
  });

  it('never replaces a file that took a committed output\'s name: the file stays, the record says why', async () => {
    const [rec] = await createLocalClient(ctx).call('scoring.list', {});
    const output = rec.file!.outputPath;
    const committed = tempOutputPath(output, DEAD_PID, rec.startedMs);
    copyFileSync(output, committed);
    writeFileSync(output, 'a file of the user\'s, put there after the kill');

    const c = await reopen();
    expect(c.recovered).toMatchObject({ tempOutputs: 1, completedOutputs: 0 });
    expect(readFileSync(output, 'utf8')).toBe('a file of the user\'s, put there after the kill');
    expect(existsSync(committed)).toBe(false);
    const after = (await createLocalClient(c).call('scoring.list', {})).find((r) => r.scoringId === rec.scoringId)!;
    expect(after).toMatchObject({ status: 'FAILED', file: null, error: `${output} was taken by another file before this output could be put there; scoring it again makes a new one.` });
  });

  it('removes a registry version folder no row records, and keeps recorded versions', async () => {
    const v1 = join(home, 'registry', 'taxi', 'v1');
    const v2 = join(home, 'registry', 'taxi', 'v2'); // a registration killed before its commit
    mkdirSync(v2);
    copyFileSync(join(v1, 'model.json'), join(v2, 'model.json'));
    writeFileSync(join(v2, 'model.json.tmp'), '{');
    const orphanModel = join(home, 'registry', 'never-committed', 'v1');
    mkdirSync(orphanModel, { recursive: true });

    const c = await reopen();
    expect(c.recovered.registryFolders).toBe(2);
    expect(readdirSync(join(home, 'registry'))).toEqual(['taxi']);
    expect(readdirSync(join(home, 'registry', 'taxi'))).toEqual(['v1']);
    // The next registration still gets v2, now in a clean folder.
    const v = await createLocalClient(c).call('models.register', { runId: finishedRun, name: 'taxi' });
    expect(v.version).toBe(2);
    expect(readdirSync(v2)).toEqual(['model.json']);
    expect((await reopen()).recovered).toEqual({ tempOutputs: 0, completedOutputs: 0, modelFolders: 0, registryFolders: 0 });
  });
});

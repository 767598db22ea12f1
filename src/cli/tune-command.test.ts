// `meter tune --prune` and `meter tune --resume`, as a user runs them: the real binary on the shipped sample.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, SAMPLE, tempDir } from '../../test/helpers';

const home = tempDir('meter-cli-tune-');
afterAll(() => rmSync(home, { recursive: true, force: true }));
const meter = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...args], { encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
interface TuneJson { tuningId: string; status: string; trials: number; pruned: number; best: { runId: string } | null }

describe('meter tune --prune / --resume', () => {
  it('prunes gbt trials, then resumes the search with more trials on the same search run', () => {
    const space = join(home, 'space.json');
    writeFileSync(space, JSON.stringify({ model: 'gbt', nRounds: 60, earlyStopping: 60, maxDepth: 3, learningRate: { loguniform: [-5.5, -1] } }));
    const first = meter('tune', '--train', SAMPLE.train, '--val', SAMPLE.val, '--space', space, '--algo', 'random', '--trials', '7', '--parallel', '1', '--seed', '5', '--prune');
    expect(first.code, first.err).toBe(0);
    // each trial is told on stderr, pruned ones with the round they stopped at
    expect(first.err).toMatch(/trial \d+: PRUNED at round \d+ \(rmse_val \d/);
    const searchId = /^search ([0-9a-f]{32}) FINISHED: 7 trials \((\d+) pruned\)/m.exec(first.out);
    expect(searchId, first.out).not.toBeNull();
    const show = JSON.parse(meter('run', 'show', searchId![1], '--json').out) as { params: Record<string, string> };
    expect(show.params.prune_every).toBe('10');

    const more = meter('tune', '--resume', searchId![1], '--trials', '2', '--json');
    expect(more.code, more.err).toBe(0);
    const j = JSON.parse(more.out) as TuneJson;
    expect(j).toMatchObject({ tuningId: searchId![1], status: 'FINISHED', trials: 9 });
    expect(j.pruned).toBeGreaterThanOrEqual(Number(searchId![2]));
    const children = JSON.parse(meter('runs', '--filter', `tags.mlflow.parentRunId = '${searchId![1]}'`, '--json').out) as { runs: unknown[] };
    expect(children.runs).toHaveLength(9);
  });

  it('meter runs and run show call a pruned trial PRUNED as the app does; --json keeps status KILLED and adds state', () => {
    // a lasso search the pruner cuts (tol 0: every trial runs its 40 sweeps unless pruned; alpha up to 10 is bad)
    const space = join(home, 'lasso.json');
    writeFileSync(space, JSON.stringify({ model: 'lasso', featureSet: 'basic', alpha: { loguniform: [-9, 2.3] }, tol: 0, maxIter: 40 }));
    const out = meter('tune', '--train', SAMPLE.train, '--val', SAMPLE.val, '--space', space, '--algo', 'random', '--trials', '10', '--parallel', '1', '--seed', '3', '--prune', '--json');
    expect(out.code, out.err).toBe(0);
    const { tuningId: searchId, pruned } = JSON.parse(out.out) as TuneJson;
    expect(pruned, 'the seeded search prunes some trials').toBeGreaterThan(0);
    type Row = { runId: string; status: string; state: string; tags: Record<string, string> };
    const trials = JSON.parse(meter('runs', '--filter', `tags.mlflow.parentRunId = '${searchId}'`, '--json').out) as { runs: Row[] };
    const prunedRuns = trials.runs.filter((r) => r.tags['meter.trial_state'] === 'PRUNED');
    expect(prunedRuns).toHaveLength(pruned);
    expect(prunedRuns.length).toBeGreaterThan(0);
    for (const r of trials.runs) expect(r.state).toBe(r.tags['meter.trial_state'] === 'PRUNED' ? 'PRUNED' : r.status);
    expect(prunedRuns.every((r) => r.status === 'KILLED')).toBe(true);
    const listed = meter('runs', '--filter', `tags.mlflow.parentRunId = '${searchId}'`).out.split('\n');
    expect(listed.filter((l) => /\sPRUNED\s/.test(l))).toHaveLength(prunedRuns.length);
    expect(listed.filter((l) => /\sKILLED\s/.test(l))).toHaveLength(0);
    const shown = meter('run', 'show', prunedRuns[0].runId);
    expect(shown.out.split('\n')[0]).toMatch(new RegExp(`^run ${prunedRuns[0].runId}  ".+"  PRUNED \\(stored as KILLED; the pruner stopped it at step ${prunedRuns[0].tags['meter.pruned_step']}\\)$`));
    expect(JSON.parse(meter('run', 'show', prunedRuns[0].runId, '--json').out)).toMatchObject({ status: 'KILLED', state: 'PRUNED' });
  }, 180_000); // a 10-trial search and six CLI starts: about 6 s alone, far more on a machine shared with other runs

  it('--resume takes only --trials: the search keeps its own set-up', () => {
    expect(meter('tune', '--resume', 'abc').err).toMatch(/Usage: meter tune --resume SEARCH_RUN_ID --trials N/);
    expect(meter('tune', '--resume', 'abc', '--trials', '2', '--model', 'ridge').err).toMatch(/drop --model/);
  });
});

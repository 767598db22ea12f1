// The line under a search's title. While it runs: how far it is ("7 of 12 trials done · 2 pruned · 1 running").
// Once it has ended, it says so and tallies how each trial ended: "10 of 12 trials done" read as unfinished on
// a search that was over (newcomer finding), because its pruned trials are not "done" but are not missing either.
import type { TuningStatus } from '../../../shared/domain';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function searchProgressText(s: Pick<TuningStatus, 'status' | 'maxTrials' | 'algo' | 'trials'>): string {
  const complete = s.trials.filter((t) => t.status === 'FINISHED').length;
  const pruned = s.trials.filter((t) => t.pruned).length;
  const killed = s.trials.filter((t) => t.status === 'KILLED' && !t.pruned).length;
  const failed = s.trials.filter((t) => t.status === 'FAILED').length;
  const running = s.trials.filter((t) => t.status === 'RUNNING').length;
  const algo = s.algo.toUpperCase();
  if (s.status === 'RUNNING') {
    const stopped = [pruned ? `${pruned} pruned` : '', killed || failed ? [killed ? `${killed} killed` : '', failed ? `${failed} failed` : ''].filter(Boolean).join(', ') : '']
      .filter(Boolean).map((x) => ` · ${x}`).join('');
    return `${complete} of ${s.maxTrials} trials done${stopped}${running ? ` · ${running} running` : ''} · ${algo}`;
  }
  const tally = [`${complete} complete`, pruned ? `${pruned} pruned` : '', killed ? `${killed} killed` : '', failed ? `${failed} failed` : ''].filter(Boolean);
  const ran = s.trials.length;
  const head = s.status === 'FINISHED' ? `Done: ${plural(ran, 'trial')}`
    : `${s.status === 'KILLED' ? 'Cancelled' : 'Failed'} after ${ran} of ${plural(s.maxTrials, 'trial')}`;
  // "all complete" rather than "10 complete" alone when nothing else happened to any trial
  const how = tally.length === 1 && complete === ran && ran > 0 ? 'all complete' : tally.join(', ');
  return `${head} — ${how} · ${algo}`;
}

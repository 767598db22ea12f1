// A search's Optuna-style plots: one slice plot per parameter that varied, a contour of two chosen parameters,
// and the empirical distribution (EDF) of the objective. Shown once trials have completed.
import { useMemo } from 'react';
import type { TuningStatus } from '../../../shared/domain';
import { EChart } from '../components/EChart';
import { contourOption, edfOption, sliceOption } from './study-charts';
import { completedTrials, contourGrid, varyingParams } from './study-plots';

/** `contour`: the parameters chosen for the contour (kept per search by the caller); null takes the first that varied. */
export function StudyPlots({ s, contour, onContour }: { s: TuningStatus; contour: { x: string | null; y: string | null }; onContour: (x: string, y: string) => void }) {
  const axes = useMemo(() => varyingParams(s.trials, s.logParams), [s.trials, s.logParams]);
  const done = completedTrials(s.trials).length;
  const lastTrial = Math.max(1, ...s.trials.map((t) => t.trial));
  const x = axes.find((a) => a.param === contour.x) ?? axes[0];
  const y = axes.find((a) => a.param === contour.y && a !== x) ?? axes.find((a) => a !== x);
  const grid = useMemo(() => (x && y ? contourGrid(s.trials, x, y) : null), [s.trials, x, y]);
  const slices = useMemo(() => axes.map((a) => ({ a, option: sliceOption(s.trials, a, lastTrial) })), [axes, s.trials, lastTrial]);
  const edf = useMemo(() => edfOption(s.trials), [s.trials]);
  if (done < 2) return null;
  // Choosing the other axis's parameter swaps the two.
  const choose = (label: 'x' | 'y', value: string) => (
    <label className="row">{label}
      <select aria-label={`contour ${label}`} value={value} onChange={(e) => {
        const v = e.target.value;
        if (label === 'x') onContour(v, v === y?.param ? x!.param : y!.param);
        else onContour(v === x?.param ? y!.param : x!.param, v);
      }}>
        {axes.map((a) => <option key={a.param} value={a.param}>{a.param}</option>)}
      </select>
    </label>
  );
  return (
    <>
      <section className="card" style={{ gridColumn: '1 / -1' }} aria-label="slice plots">
        <h3>Slice <span className="muted">— rmse_val against each parameter; colour: trial number (dark early, yellow late)</span></h3>
        {axes.length === 0 ? <p className="muted">Every completed trial used the same parameters.</p> : (
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(280px, 1fr))', gap: 8 }}>
            {slices.map(({ a, option }) => <EChart key={a.param} option={option} label={`slice plot ${a.param}`} />)}
          </div>
        )}
      </section>
      <section className="card" aria-label="contour">
        <h3>Contour</h3>
        {x && y ? (
          <>
            <div className="row" style={{ gap: 14, flexWrap: 'wrap' }}>{choose('x', x.param)}{choose('y', y.param)}</div>
            {grid ? <EChart option={contourOption(s.trials, x, y, grid)} label="contour plot" /> : <p className="muted">Shown once 3 completed trials have both parameters.</p>}
          </>
        ) : <p className="muted">Needs two parameters that varied.</p>}
      </section>
      <section className="card" aria-label="empirical distribution">
        <h3>Empirical distribution (EDF)</h3>
        <EChart option={edf} label="EDF plot" />
      </section>
    </>
  );
}

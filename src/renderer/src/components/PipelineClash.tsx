// Save refused because the name is saved already with another spec (pipelines.save's ALREADY_EXISTS): the
// Pipelines form shows what differs, a line a field, and the two ways out the refusal names: replace the saved
// pipeline (pipelines.save with replace: true), or keep it and give this one another name.
import { toMeterError } from '../api/errors';
import { ConfirmBar } from './ConfirmBar';

export interface SaveClash {
  name: string;
  /** "model: \"linear\" → \"ridge\"", "params.alpha: none → 0.5"… */
  differences: string[];
}

/** The clash a failed pipelines.save reports, or null for any other failure. */
export function saveClashOf(err: unknown): SaveClash | null {
  const e = toMeterError(err);
  const name = e.details?.pipeline;
  const differences = e.details?.differences;
  if (e.code !== 'ALREADY_EXISTS' || typeof name !== 'string' || !Array.isArray(differences)) return null;
  return { name, differences };
}

export function PipelineClash({ clash, onReplace, onKeep, returnFocus }: {
  clash: SaveClash;
  onReplace: () => void;
  onKeep: () => void;
  returnFocus: () => HTMLElement | null | undefined;
}) {
  return (
    <ConfirmBar label={`replace saved pipeline ${clash.name}?`} onCancel={onKeep} returnFocus={returnFocus}>
      <span className="clash" data-testid="pipeline-clash">
        A pipeline named <b>{clash.name}</b> is saved already, with a different spec:
        <ul aria-label="differences from the saved pipeline">
          {clash.differences.map((d) => <li key={d} className="mono">{d}</li>)}
        </ul>
        <span className="muted">Replace it with this form's pipeline (a changed schedule starts again from now), or keep it and give this one another name.</span>
      </span>
      <button className="btn primary" type="button" onClick={onReplace}>Replace saved pipeline</button>
      <button className="btn" type="button" data-safe onClick={onKeep}>Keep the saved one</button>
    </ConfirmBar>
  );
}

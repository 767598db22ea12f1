// The model registry: registered models → versions (each a copy of a run's model, with a snapshot of what
// made it) → aliases such as @champion, whose every move is recorded so it can be rolled back.
import type { FeatureSpec, ModelKind } from './model';
import type { TlcKind } from './data';
import type { DatasetRole } from './tracking';

export interface ModelSignature {
  model: ModelKind;
  featureSpec: FeatureSpec;
  /** the columns a caller must send, with their types */
  inputs: { name: string; type: 'integer' | 'number' }[];
  output: { name: 'duration_minutes'; type: 'number' };
}

export interface VersionDataset {
  role: DatasetRole;
  fileName: string;
  path: string;
  sha256: string;
  rows: number;
  kind: TlcKind;
  month: string | null;
}

export type VersionStatus = 'READY' | 'ARCHIVED';
/** MLflow's legacy stages, derived from aliases and status for those who think in them. */
export type LegacyStage = 'None' | 'Staging' | 'Production' | 'Archived';

export interface ModelVersion {
  name: string;
  version: number;
  description: string;
  status: VersionStatus;
  stage: LegacyStage;
  aliases: string[];
  tags: Record<string, string>;
  createdMs: number;
  /** the run it came from; the run may since have been deleted, the version keeps its own copy */
  runId: string;
  runName: string;
  experimentName: string;
  runExists: boolean;
  signature: ModelSignature;
  metrics: Record<string, number>;
  params: Record<string, string>;
  datasets: VersionDataset[];
  modelSha256: string;
  modelBytes: number;
  uri: string;
}

export interface AliasEvent {
  alias: string;
  action: 'set' | 'move' | 'remove' | 'rollback';
  fromVersion: number | null;
  toVersion: number | null;
  atMs: number;
}

/**
 * The version @alias held before its current holder got it (skipping holders it was rolled back from), from
 * the alias's history newest first; null when there is none to roll back to. Core's rollback and the app's
 * Roll back button (offered only when this is a version) use this one rule.
 */
export function previousHolder(history: readonly AliasEvent[], current: number): number | null {
  // Oldest first: replay the moves as a stack of holders; a rollback pops the stack.
  const stack: number[] = [];
  for (const e of [...history].reverse()) {
    if (e.action === 'rollback') stack.pop();
    else if (e.action === 'remove') stack.length = 0;
    else if (e.toVersion !== null) stack.push(e.toVersion);
  }
  if (stack[stack.length - 1] !== current) return null;
  return stack.length >= 2 ? stack[stack.length - 2] : null;
}

export interface RegisteredModelSummary {
  name: string;
  description: string;
  latestVersion: number | null;
  versionCount: number;
  aliases: Record<string, number>;
  updatedMs: number;
}

export interface RegisteredModel extends RegisteredModelSummary {
  createdMs: number;
  tags: Record<string, string>;
  versions: ModelVersion[];
  history: AliasEvent[];
}

export interface ResolvedModel {
  uri: string;
  kind: 'version' | 'run';
  name: string | null;
  version: number | null;
  alias: string | null;
  runId: string;
  /** absolute path of the model file to load */
  modelPath: string;
}

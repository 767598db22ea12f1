// The model URIs the Score and Monitor screens offer, and which one they start on. Plain data, no React.
import type { RegisteredModelSummary } from '../../../shared/domain';

/** @champion is what a model is served as: it comes first among a model's aliases, the others by name. */
const aliasOrder = (aliases: Record<string, number>): string[] =>
  Object.keys(aliases).sort((a, b) => (a === 'champion' ? -1 : b === 'champion' ? 1 : a.localeCompare(b)));

/**
 * The model URIs a registered model answers to: its aliases (@champion first), `latest` (when asked: scoring
 * follows it, while a monitoring report names a fixed version), then each version newest first.
 */
export function modelUris(models: RegisteredModelSummary[], withLatest: boolean): string[] {
  return models.flatMap((m) => [
    ...aliasOrder(m.aliases).map((a) => `models:/${m.name}@${a}`),
    ...(withLatest && m.latestVersion ? [`models:/${m.name}/latest`] : []),
    ...Array.from({ length: m.latestVersion ?? 0 }, (_, i) => `models:/${m.name}/${(m.latestVersion ?? 0) - i}`),
  ]);
}

/**
 * The model a screen starts on: a model's @champion (what is served), else another alias, else the newest
 * version of the first model; '' with no models. Not the first alias by name, which was @challenger.
 */
export function defaultModelUri(models: RegisteredModelSummary[]): string {
  const champion = models.find((m) => 'champion' in m.aliases);
  if (champion) return `models:/${champion.name}@champion`;
  const aliased = models.find((m) => Object.keys(m.aliases).length > 0);
  if (aliased) return `models:/${aliased.name}@${aliasOrder(aliased.aliases)[0]}`;
  const versioned = models.find((m) => m.latestVersion);
  return versioned ? `models:/${versioned.name}/${versioned.latestVersion}` : '';
}

// Which datasets Train and Tune start with, and what is wrong with a train/validation pair. The course's
// recipe is one month to train and the next month of the same kind to validate; anything else gets a
// warning the user sees before clicking Train. The last choice is remembered per screen (localStorage).
import type { Dataset } from '../../shared/domain';
import { monthIndex } from '../../shared/dataset-warnings';

// The warnings live in shared so `meter train` and `meter tune` print the same ones.
export { pairWarnings, setWarnings } from '../../shared/dataset-warnings';

export interface DatasetPair { train: string; val: string }

/**
 * The default pair: the latest two consecutive months of one kind (train = the earlier), newest import of
 * each month; else two datasets of one kind, earlier month first; else the first dataset twice.
 */
export function defaultPair(datasets: readonly Dataset[]): DatasetPair | null {
  if (datasets.length === 0) return null;
  const newestFirst = [...datasets].sort((a, b) => b.createdMs - a.createdMs);
  let best: { train: Dataset; val: Dataset; month: number } | null = null;
  for (const val of newestFirst) {
    const vm = monthIndex(val.pickupMonth);
    if (vm === null) continue;
    const train = newestFirst.find((d) => d.kind === val.kind && monthIndex(d.pickupMonth) === vm - 1);
    if (train && (!best || vm > best.month)) best = { train, val, month: vm };
  }
  if (best) return { train: best.train.datasetId, val: best.val.datasetId };
  const byMonth = [...datasets].sort((a, b) => (a.pickupMonth ?? '').localeCompare(b.pickupMonth ?? ''));
  for (const train of byMonth) {
    const val = byMonth.find((d) => d !== train && d.kind === train.kind && (d.pickupMonth ?? '') >= (train.pickupMonth ?? ''));
    if (val) return { train: train.datasetId, val: val.datasetId };
  }
  return { train: byMonth[0].datasetId, val: byMonth[Math.min(1, byMonth.length - 1)].datasetId };
}

const KEY = (screen: string): string => `meter.datasets.${screen}`;

/** The remembered pair for a screen, when both datasets still exist. */
export function recallPair(screen: string, datasets: readonly Dataset[]): DatasetPair | null {
  try {
    const raw = localStorage.getItem(KEY(screen));
    const p = raw ? (JSON.parse(raw) as Partial<DatasetPair>) : null;
    const has = (id: unknown): id is string => typeof id === 'string' && datasets.some((d) => d.datasetId === id);
    return p && has(p.train) && has(p.val) ? { train: p.train, val: p.val } : null;
  } catch {
    return null; // storage disabled or a hand-edited value: fall back to the default
  }
}

export function rememberPair(screen: string, pair: DatasetPair): void {
  try { localStorage.setItem(KEY(screen), JSON.stringify(pair)); } catch { /* storage disabled: nothing to remember */ }
}

/** The pair a screen starts with: the remembered one, else the default. */
export function initialPair(screen: string, datasets: readonly Dataset[]): DatasetPair | null {
  return recallPair(screen, datasets) ?? defaultPair(datasets);
}

/** Several datasets per role (a year of months to train on); the Train screen's choice. */
export interface DatasetSets { train: string[]; val: string[] }

/**
 * The remembered sets for a screen, keeping only datasets that still exist (a role left empty falls back to
 * the default). A pair remembered before several files per role existed ({train: "id"}) reads as one each.
 */
export function recallSets(screen: string, datasets: readonly Dataset[]): DatasetSets | null {
  try {
    const raw = localStorage.getItem(KEY(screen));
    const p = raw ? (JSON.parse(raw) as { train?: unknown; val?: unknown }) : null;
    const ids = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((id): id is string => typeof id === 'string' && datasets.some((d) => d.datasetId === id));
    const sets = p ? { train: ids(p.train), val: ids(p.val) } : null;
    return sets && sets.train.length > 0 && sets.val.length > 0 ? sets : null;
  } catch {
    return null;
  }
}

export function rememberSets(screen: string, sets: DatasetSets): void {
  try { localStorage.setItem(KEY(screen), JSON.stringify(sets)); } catch { /* storage disabled: nothing to remember */ }
}

/** The sets a screen starts with: the remembered ones, else the default pair (one dataset each). */
export function initialSets(screen: string, datasets: readonly Dataset[]): DatasetSets | null {
  const recalled = recallSets(screen, datasets);
  if (recalled) return recalled;
  const pair = defaultPair(datasets);
  return pair ? { train: [pair.train], val: [pair.val] } : null;
}

/** `ids` in month order (then by file name): a role's files as a run reads and lists them. */
export function inMonthOrder(ids: readonly string[], datasets: readonly Dataset[]): string[] {
  const chosen = ids.map((id) => datasets.find((d) => d.datasetId === id)).filter((d): d is Dataset => d !== undefined);
  return chosen.sort((x, y) => (x.pickupMonth ?? '').localeCompare(y.pickupMonth ?? '') || x.fileName.localeCompare(y.fileName)).map((d) => d.datasetId);
}

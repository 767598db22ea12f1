// Which datasets Train and Tune start with, and what is wrong with a train/validation pair. The course's
// recipe is one month to train and the next month of the same kind to validate; anything else gets a
// warning the user sees before clicking Train. The last choice is remembered per screen (localStorage).
import type { Dataset } from '../../shared/domain';

export interface DatasetPair { train: string; val: string }

/** 'YYYY-MM' → months since year 0, or null */
function monthIndex(month: string | null): number | null {
  const m = month ? /^(\d{4})-(\d{2})$/.exec(month) : null;
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null;
}

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

const label = (d: Dataset): string => `${d.kind} ${d.pickupMonth ?? '(no month)'}`;

/** What is odd about validating `val` against a model trained on `train`: kinds, months, the same file. */
export function pairWarnings(train: Dataset | undefined, val: Dataset | undefined, role = 'validation'): string[] {
  if (!train || !val) return [];
  if (train.datasetId === val.datasetId) return [`Train and ${role} are the same file, so the ${role} RMSE says nothing about new months.`];
  const out: string[] = [];
  if (train.kind !== val.kind) out.push(`Train is ${train.kind} but ${role} is ${val.kind}: trips of another kind score much worse (choose ${train.kind} for both, or expect a poor ${role} RMSE).`);
  const tm = monthIndex(train.pickupMonth);
  const vm = monthIndex(val.pickupMonth);
  if (tm !== null && vm !== null) {
    if (vm < tm) out.push(`The ${role} month (${label(val)}) comes before the train month (${label(train)}): the model is tested on the past.`);
    else if (vm === tm) out.push(`Train and ${role} are the same month (${train.pickupMonth}); the course validates on the next month.`);
    else if (vm > tm + 1) out.push(`The ${role} month ${val.pickupMonth} is not the month after the train month ${train.pickupMonth}.`);
  }
  return out;
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

/** What is odd about several train and validation datasets: a role mixing kinds, a file in both, then the pair rules
 *  between the latest train month and the earliest validation month. */
export function setWarnings(train: readonly Dataset[], val: readonly Dataset[], role = 'validation'): string[] {
  const out: string[] = [];
  for (const [name, ds] of [['Train', train], [role[0].toUpperCase() + role.slice(1), val]] as const) {
    const kinds = [...new Set(ds.map((d) => d.kind))];
    if (kinds.length > 1) out.push(`${name} files mix kinds (${kinds.join(', ')}); Meter refuses that: choose files of one kind.`);
  }
  const both = train.filter((d) => val.some((v) => v.datasetId === d.datasetId));
  if (both.length > 0 && (train.length > 1 || val.length > 1)) out.push(`${both.map((d) => d.fileName).join(', ')} is in both train and ${role}, so the ${role} RMSE is partly measured on training trips.`);
  const byMonth = (ds: readonly Dataset[]) => [...ds].sort((a, b) => (a.pickupMonth ?? '').localeCompare(b.pickupMonth ?? ''));
  const latestTrain = byMonth(train).pop();
  const firstVal = byMonth(val)[0];
  if (both.length === 0 || (train.length === 1 && val.length === 1)) out.push(...pairWarnings(latestTrain, firstVal, role));
  return out;
}

/** `ids` in month order (then by file name): a role's files as a run reads and lists them. */
export function inMonthOrder(ids: readonly string[], datasets: readonly Dataset[]): string[] {
  const chosen = ids.map((id) => datasets.find((d) => d.datasetId === id)).filter((d): d is Dataset => d !== undefined);
  return chosen.sort((x, y) => (x.pickupMonth ?? '').localeCompare(y.pickupMonth ?? '') || x.fileName.localeCompare(y.fileName)).map((d) => d.datasetId);
}

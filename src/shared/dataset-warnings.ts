// What is odd about a train/validation (or test) choice: kinds that differ, a validation month before the
// train month, a gap, the same file in both roles. The course's recipe is one month to train and the next
// month of the same kind to validate. Pure: the Train and Tune screens show these before the user clicks,
// and `meter train` / `meter tune` print them on stderr before starting, so both say the same words.
import type { Dataset } from './domain';

/** The fields of a dataset the warnings read (a Dataset, or an imported one, fits). */
export type WarnedDataset = Pick<Dataset, 'datasetId' | 'fileName' | 'kind' | 'pickupMonth'>;

/** 'YYYY-MM' → months since year 0, or null */
export function monthIndex(month: string | null): number | null {
  const m = month ? /^(\d{4})-(\d{2})$/.exec(month) : null;
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null;
}

const label = (d: WarnedDataset): string => `${d.kind} ${d.pickupMonth ?? '(no month)'}`;

/** What is odd about validating `val` against a model trained on `train`: kinds, months, the same file. */
export function pairWarnings(train: WarnedDataset | undefined, val: WarnedDataset | undefined, role = 'validation'): string[] {
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

const byMonth = <D extends WarnedDataset>(ds: readonly D[]): D[] => [...ds].sort((a, b) => (a.pickupMonth ?? '').localeCompare(b.pickupMonth ?? ''));

/** What is odd about several train and validation datasets: a role mixing kinds, a file in both, then the pair rules
 *  between the latest train month and the earliest validation month. */
export function setWarnings(train: readonly WarnedDataset[], val: readonly WarnedDataset[], role = 'validation'): string[] {
  const out: string[] = [];
  for (const [name, ds] of [['Train', train], [role[0].toUpperCase() + role.slice(1), val]] as const) {
    const kinds = [...new Set(ds.map((d) => d.kind))];
    if (kinds.length > 1) out.push(`${name} files mix kinds (${kinds.join(', ')}); Meter refuses that: choose files of one kind.`);
  }
  const both = train.filter((d) => val.some((v) => v.datasetId === d.datasetId));
  if (both.length > 0 && (train.length > 1 || val.length > 1)) out.push(`${both.map((d) => d.fileName).join(', ')} is in both train and ${role}, so the ${role} RMSE is partly measured on training trips.`);
  const latestTrain = byMonth(train).pop();
  const firstVal = byMonth(val)[0];
  if (both.length === 0 || (train.length === 1 && val.length === 1)) out.push(...pairWarnings(latestTrain, firstVal, role));
  return out;
}

/** A training request's warnings (the Train screen's): the train/validation sets, then the earliest test month
 *  against the latest train month. */
export function trainingWarnings(train: readonly WarnedDataset[], val: readonly WarnedDataset[], test: readonly WarnedDataset[] = []): string[] {
  return [...setWarnings(train, val), ...pairWarnings(byMonth(train).pop(), byMonth(test)[0], 'test')];
}

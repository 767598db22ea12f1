// The runs table as a tree (MLflow's nested runs): top-level rows are paged from core; an expanded search
// shows its trials right below it. The table is virtualized over "display" indices, so this maps a display
// index to a top-level row or one of its children and back, in time proportional to the expanded searches
// (few), not to the rows (many).
export interface Expansion {
  /** the parent's index among top-level rows */
  top: number;
  /** its children shown below it */
  count: number;
}

export type Slot = { top: number; child: null } | { top: number; child: number };

/** Expansions in top-level order, from the expanded parents' indices (parents not loaded are skipped). */
export function expansions(indexOf: (runId: string) => number | undefined, children: Record<string, readonly unknown[] | null>): Expansion[] {
  const out: Expansion[] = [];
  for (const [runId, kids] of Object.entries(children)) {
    const top = indexOf(runId);
    if (top !== undefined && kids && kids.length > 0) out.push({ top, count: kids.length });
  }
  return out.sort((a, b) => a.top - b.top);
}

export const displayCount = (total: number, exps: readonly Expansion[]): number => exps.reduce((n, e) => n + e.count, total);

export function slotAt(index: number, exps: readonly Expansion[]): Slot {
  let shift = 0; // children shown above this point
  for (const e of exps) {
    const parentAt = e.top + shift;
    if (index <= parentAt) break;
    if (index <= parentAt + e.count) return { top: e.top, child: index - parentAt - 1 };
    shift += e.count;
  }
  return { top: index - shift, child: null };
}

export function displayIndex(slot: Slot, exps: readonly Expansion[]): number {
  let shift = 0;
  for (const e of exps) {
    if (e.top > slot.top || (e.top === slot.top && slot.child === null)) break;
    if (e.top === slot.top) return e.top + shift + 1 + (slot.child ?? 0);
    shift += e.count;
  }
  return slot.top + shift;
}

// The runs table's state: filter, order, columns, experiments, trash or not, the loaded pages, and the
// selection. Filter/order/columns/experiments/lifecycle live in the URL; rows are fetched a page at a time
// as the table scrolls, so 10,000 runs never load at once.
import { create } from 'zustand';
import type { RunKeys, RunLifecycle } from '../../../shared/contract';
import type { ExperimentId, RunId, RunRow } from '../../../shared/domain';
import type { ErrorCode } from '../../../shared/errors';
import { toMeterError } from '../api/errors';
import { FilterSyntaxError, parseFilter, parseOrderBy } from '../../../shared/search/parser';
import { useApp } from './app-store';
import { displayCount, expansions, slotAt, type Expansion } from './run-tree';

export const PAGE = 200;
/** searches a filtered page opens by itself */
const AUTO_EXPAND = 10;
export const DEFAULT_COLUMNS = ['attributes.status', 'params.model', 'params.featureSet', 'metrics.rmse_val', 'metrics.rmse_train', 'attributes.duration', 'attributes.start_time'];

/** A filter or order that core or the page's parser refused (INVALID_ARGUMENT, with the position), or a
 *  search that failed for another reason (its code kept, so the notice can offer Retry). */
export interface FilterError { code: ErrorCode; message: string; position: number | null }

/** The view's part of the URL (#/runs?filter=…&order=…&exp=…&trash=1&cols=…). */
export function queryOf(s: Pick<RunsView, 'filter' | 'orderBy' | 'columns' | 'experimentIds' | 'lifecycle'>): Record<string, string> {
  const q: Record<string, string> = {
    filter: s.filter, order: s.orderBy, exp: s.experimentIds.join(','), trash: s.lifecycle === 'deleted' ? '1' : '',
    cols: s.columns.join(',') === DEFAULT_COLUMNS.join(',') ? '' : s.columns.join(','),
  };
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== ''));
}

interface RunsView {
  filter: string;
  orderBy: string;
  columns: string[];
  experimentIds: ExperimentId[];
  lifecycle: RunLifecycle;
  total: number;
  rows: (RunRow | undefined)[];
  error: FilterError | null;
  /** the last search was refused or failed: the table shows no rows (none are its results), even once the
   *  filter is fixed as it is typed, until a search succeeds */
  failed: boolean;
  keys: RunKeys;
  /** how many trials each search on the loaded pages has (matching the filter) */
  childCounts: Record<string, number>;
  /** the expanded searches' trials (null while they load), by the search's run id */
  children: Record<string, RunRow[] | null>;
  /** where each loaded top-level run sits in `rows` */
  rowIndex: Map<string, number>;
  selected: Set<string>;
  /** a display index (see rowAt) */
  anchor: number | null;
  version: number;
  loading: Set<number>;
  fromQuery(q: Record<string, string>): void;
  toQuery(): Record<string, string>;
  setFilter(filter: string): void;
  apply(): Promise<void>;
  sortBy(key: string): void;
  setColumns(columns: string[]): void;
  setExperiments(ids: ExperimentId[]): void;
  setLifecycle(l: RunLifecycle): void;
  ensure(index: number): void;
  /** Indices below are display indices: top-level rows with the expanded searches' trials below them. */
  layout(): Expansion[];
  displayTotal(): number;
  rowAt(index: number): { row: RunRow | undefined; depth: 0 | 1; parentId: string | null };
  expand(runId: string): Promise<void>;
  collapse(runId: string): void;
  select(index: number, mode: 'only' | 'toggle' | 'range'): void;
  clearSelection(): void;
}

/** The trash lists runs flat: a trashed trial of an active search would otherwise have no row to sit under. */
const nests = (s: Pick<RunsView, 'lifecycle'>): boolean => s.lifecycle === 'active';

const scopeOf = (s: Pick<RunsView, 'filter' | 'orderBy' | 'experimentIds' | 'lifecycle'>) => ({
  filter: s.filter, orderBy: s.orderBy, experimentIds: s.experimentIds.length ? s.experimentIds : undefined, lifecycle: s.lifecycle,
});

const errorOf = (err: unknown): FilterError => {
  if (err instanceof FilterSyntaxError) return { code: 'INVALID_ARGUMENT', message: err.message, position: err.position };
  const e = toMeterError(err);
  const pos = e.details?.position;
  return { code: e.code, message: e.message.replace(/^In the (filter|order) "[^"]*": /, ''), position: typeof pos === 'number' ? pos - 1 : null };
};

export const useRunsView = create<RunsView>((set, get) => {
  const client = () => useApp.getState().client;
  const fetchPage = async (page: number, version: number) => {
    const c = client();
    if (!c) return;
    const s = get();
    set({ loading: new Set(s.loading).add(page) });
    try {
      const res = await c.call('runs.search', { ...scopeOf(s), topLevel: nests(s) || undefined, limit: PAGE, offset: page * PAGE });
      if (get().version !== version) return; // a newer query replaced this one
      const rows = get().rows.length === res.total ? [...get().rows] : new Array<RunRow | undefined>(res.total);
      const rowIndex = new Map(get().rowIndex);
      res.runs.forEach((r, i) => { rows[page * PAGE + i] = r; rowIndex.set(r.runId, page * PAGE + i); });
      set({ rows, rowIndex, total: res.total, error: null, failed: false, childCounts: { ...get().childCounts, ...res.childCounts } });
      // With a filter, a search opens by itself to show the trials that matched (a few per page at most).
      if (s.filter.trim() !== '') {
        const open = Object.keys(res.childCounts ?? {}).filter((id) => !(id in get().children)).slice(0, AUTO_EXPAND);
        if (open.length) set({ children: { ...get().children, ...Object.fromEntries(open.map((id) => [id, null])) } });
        for (const id of open) void fetchChildren(id, version);
      }
    } catch (err) {
      if (get().version === version) set({ error: errorOf(err), failed: true, rows: [], total: 0 });
    } finally {
      const loading = new Set(get().loading);
      loading.delete(page);
      set({ loading });
    }
  };
  // A search's trials, with the same filter and order as the table (a search of ≤ MAX_PAGE trials loads at once).
  const fetchChildren = async (runId: string, version: number) => {
    const c = client();
    if (!c) return;
    try {
      const res = await c.call('runs.search', { ...scopeOf(get()), parentRunId: runId as RunId, limit: 5000 });
      if (get().version === version && runId in get().children) set({ children: { ...get().children, [runId]: res.runs } });
    } catch (err) {
      if (get().version === version) { const children = { ...get().children }; delete children[runId]; set({ children, error: errorOf(err) }); }
    }
  };
  return {
    filter: '', orderBy: '', columns: DEFAULT_COLUMNS, experimentIds: [], lifecycle: 'active',
    total: 0, rows: [], error: null, failed: false, keys: { metrics: [], params: [], tags: [] }, selected: new Set(), anchor: null, version: 0, loading: new Set(),
    childCounts: {}, children: {}, rowIndex: new Map(),

    fromQuery(q) {
      set({
        filter: q.filter ?? '', orderBy: q.order ?? '',
        columns: q.cols ? q.cols.split(',').filter(Boolean) : DEFAULT_COLUMNS,
        experimentIds: (q.exp ? q.exp.split(',').filter(Boolean) : []) as ExperimentId[],
        lifecycle: q.trash === '1' ? 'deleted' : 'active',
      });
    },
    toQuery() { return queryOf(get()); },
    setFilter(filter) {
      // Syntax is checked as you type, in the page, with the same parser core uses.
      try { parseFilter(filter); set({ filter, error: null }); } catch (err) { set({ filter, error: errorOf(err) }); }
    },
    async apply() {
      const c = client();
      if (!c) return;
      // A refused filter or order shows no rows: the last search's rows under a filter they don't match would read
      // as its results (core's refusals, e.g. a type error, clear them the same way in fetchPage).
      try { parseFilter(get().filter); parseOrderBy(get().orderBy); } catch (err) {
        set({ error: errorOf(err), failed: true, version: get().version + 1, rows: [], total: 0, rowIndex: new Map(), childCounts: {}, children: {}, selected: new Set(), anchor: null });
        return;
      }
      const version = get().version + 1;
      // searches stay expanded across a new filter or order; their trials are fetched again with it
      const expanded = nests(get()) ? Object.keys(get().children) : [];
      set({ version, rows: [], rowIndex: new Map(), childCounts: {}, children: Object.fromEntries(expanded.map((id) => [id, null])), selected: new Set(), anchor: null });
      c.call('runs.keys', {}).then((keys) => set({ keys }), () => {});
      for (const id of expanded) void fetchChildren(id, version);
      await fetchPage(0, version);
    },
    sortBy(key) {
      const [first] = get().orderBy.split(',');
      const [k, dir] = (first ?? '').trim().split(/\s+/);
      const next = k === key ? `${key} ${dir?.toUpperCase() === 'DESC' ? 'ASC' : 'DESC'}` : `${key} ${key.startsWith('metrics.') ? 'ASC' : 'DESC'}`;
      set({ orderBy: next });
      void get().apply();
    },
    setColumns(columns) { set({ columns }); },
    setExperiments(experimentIds) { set({ experimentIds }); void get().apply(); },
    setLifecycle(lifecycle) { set({ lifecycle, children: {} }); void get().apply(); },
    ensure(display) {
      const index = slotAt(display, get().layout()).top;
      const page = Math.floor(index / PAGE);
      const s = get();
      if (s.rows[index] === undefined && !s.loading.has(page) && index < s.total) void fetchPage(page, s.version);
    },
    layout() { const s = get(); return expansions((id) => s.rowIndex.get(id), s.children); },
    displayTotal() { return displayCount(get().total, get().layout()); },
    rowAt(index) {
      const s = get();
      const slot = slotAt(index, s.layout());
      const parent = s.rows[slot.top];
      if (slot.child === null) return { row: parent, depth: 0, parentId: null };
      return { row: (parent && s.children[parent.runId]?.[slot.child]) ?? undefined, depth: 1, parentId: parent?.runId ?? null };
    },
    async expand(runId) {
      if (runId in get().children) return;
      set({ children: { ...get().children, [runId]: null }, anchor: null });
      await fetchChildren(runId, get().version);
    },
    collapse(runId) {
      if (!(runId in get().children)) return;
      const children = { ...get().children };
      delete children[runId];
      set({ children, anchor: null });
    },
    select(index, mode) {
      const s = get();
      const id = s.rowAt(index).row?.runId;
      if (!id) return;
      const selected = new Set(mode === 'only' ? [] : s.selected);
      if (mode === 'range' && s.anchor !== null) {
        const [a, b] = s.anchor < index ? [s.anchor, index] : [index, s.anchor];
        for (let i = a; i <= b; i++) { const r = s.rowAt(i).row; if (r) selected.add(r.runId); }
        set({ selected });
        return;
      }
      if (mode === 'toggle' && selected.has(id)) selected.delete(id); else selected.add(id);
      set({ selected, anchor: index });
    },
    clearSelection() { set({ selected: new Set(), anchor: null }); },
  };
});

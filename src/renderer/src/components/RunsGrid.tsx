// The runs table, virtualized: only the rows in view are in the DOM, and pages load as they scroll in, so
// 10,000 runs scroll smoothly. Run name and the selection box stay put (sticky) while columns scroll.
// Keys: ↑/↓, Home/End and PgUp/PgDn move (with Shift they extend the selection), Space selects (Shift
// extends, Ctrl/⌘ toggles), Enter opens, ↑ on the first row reaches the sorting column headers (←/→, Enter). The
// grid is one Tab stop (the row last focused; headers and select boxes are not), and coming back from
// a run puts the focus on the row that opened it. A tuning search is one row with "▸ n trials": → expands it
// (then moves into its trials), ← collapses it or goes from a trial back to its search, as in a tree grid.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { SEARCH_MODELS_TAG, type RunRow } from '../../../shared/domain';
import { fmtDuration, fmtMetric, fmtTime } from '../format';
import { useRunsView } from '../store/runs-view';
import { displayCount, displayIndex, expansions } from '../store/run-tree';
import { RunStatus } from './RunStatus';
import { shownStatus } from './run-status';

const ROW = 34;
/** the run last opened from the grid: focused again when the grid comes back (Back from the run) */
let lastOpened: string | null = null;

export function columnLabel(key: string): string {
  return key.replace(/^attributes\./, '').replace(/^(metrics|params|tags)\./, '');
}

export function cellText(r: RunRow, key: string): string {
  const [prefix, ...rest] = key.split('.');
  const k = rest.join('.').replace(/^`|`$/g, '');
  if (prefix === 'metrics') return fmtMetric(r.metrics[k]);
  if (prefix === 'params') return r.params[k] ?? searchedModels(r, k) ?? '—';
  if (prefix === 'tags') return r.tags[k] ?? '—';
  switch (k) {
    case 'status': return shownStatus(r).label;
    case 'start_time': return fmtTime(r.startMs);
    case 'end_time': return r.endMs === null ? '—' : fmtTime(r.endMs);
    case 'duration': return fmtDuration(r.endMs === null ? null : r.endMs - r.startMs);
    case 'experiment': return r.experimentName;
    case 'run_id': return r.runId;
    default: return '—';
  }
}

/** A search's row has no model param of its own: its model column lists the kinds its space draws (its tag). */
function searchedModels(r: RunRow, param: string): string | undefined {
  return param === 'model' && r.tags['meter.search'] === 'parent' ? r.tags[SEARCH_MODELS_TAG] || undefined : undefined;
}

/** A trial's name without its search's name in front (gbt-search-trial-2 → trial-2): the row sits under it. */
function trialName(name: string, parentName: string | undefined): string {
  return parentName && name.startsWith(`${parentName}-`) && name.length > parentName.length + 1 ? name.slice(parentName.length + 1) : name;
}

export function RunsGrid({ onOpen }: { onOpen: (r: RunRow) => void }) {
  const { rows, total: topTotal, columns, orderBy, selected, anchor, ensure, select, sortBy, children, childCounts, rowIndex, rowAt, expand, collapse } = useRunsView();
  const layout = useMemo(() => expansions((id) => rowIndex.get(id), children), [rowIndex, children]);
  const total = displayCount(topTotal, layout);
  const [active, setActive] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12 });
  const items = virtual.getVirtualItems();
  useEffect(() => { for (const it of items) ensure(it.index); }, [items, ensure, rows]);
  const [sortKey, sortDir] = (orderBy.split(',')[0] ?? '').trim().split(/\s+/);
  // The run-name column narrows in a small window (--name-col, styles.css) so more columns fit beside it.
  const template = `36px var(--name-col) ${columns.map((c) => (c.startsWith('attributes.start') || c.startsWith('attributes.end') ? '176px' : c.startsWith('metrics.') ? '108px' : '120px')).join(' ')}`;
  // A column just chosen is scrolled into view (it is added last, often beyond the right edge).
  const known = useRef(columns);
  useEffect(() => {
    const added = columns.find((c) => !known.current.includes(c));
    known.current = columns;
    if (added) scroller.current?.querySelector<HTMLElement>(`[data-col="${CSS.escape(added)}"]`)?.scrollIntoView({ inline: 'nearest', block: 'nearest' });
  }, [columns]);

  const focusRow = (i: number) => {
    const el = scroller.current?.querySelector<HTMLElement>(`[data-index="${i}"]`);
    if (el) { el.focus(); return; } // already rendered: focus now, so a quick Enter opens the right run
    virtual.scrollToIndex(i);
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus());
  };
  const page = () => Math.max(1, Math.floor((scroller.current?.clientHeight ?? 10 * ROW) / ROW) - 2);
  const targets: Record<string, (i: number) => number> = {
    ArrowDown: (i) => i + 1, ArrowUp: (i) => i - 1, Home: () => 0, End: () => total - 1,
    PageDown: (i) => i + page(), PageUp: (i) => i - page(),
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>, i: number, r: RunRow | undefined) => {
    if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && r) { treeKey(e.key, i, r); e.preventDefault(); return; }
    // ↑ on the first row goes up into the column headers (they sort), as in a grid: the table stays one Tab stop
    if (e.key === 'ArrowUp' && i === 0 && !e.shiftKey) { headButtons()[0]?.focus(); e.preventDefault(); return; }
    const target = targets[e.key];
    if (target) {
      const j = Math.max(0, Math.min(total - 1, target(i)));
      if (e.shiftKey) {
        if (anchor === null) select(i, 'range'); // the first Shift+move starts the range at this row
        select(j, 'range');
      }
      if (j !== i) focusRow(j);
      e.preventDefault();
    } else if (e.key === 'Enter' && r) open(r);
    else if (e.key === ' ') { select(i, e.shiftKey ? 'range' : 'toggle'); e.preventDefault(); }
  };
  // The header's sort buttons are not Tab stops: ←/→ move between them, Enter or Space sorts, ↓ goes back
  // to the row last focused.
  const headButtons = () => Array.from(scroller.current?.querySelectorAll<HTMLButtonElement>('.grid-head button') ?? []);
  const onHeadKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const buttons = headButtons();
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const to = e.key === 'ArrowRight' ? at + 1 : e.key === 'ArrowLeft' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : null;
    if (to !== null) { const b = buttons[Math.max(0, Math.min(buttons.length - 1, to))]; b?.focus(); b?.scrollIntoView({ inline: 'nearest', block: 'nearest' }); e.preventDefault(); }
    else if (e.key === 'ArrowDown' && total > 0) { focusRow(tabStop ?? 0); e.preventDefault(); }
  };
  const open = (r: RunRow) => { lastOpened = r.runId; onOpen(r); };
  const treeKey = (key: 'ArrowRight' | 'ArrowLeft', i: number, r: RunRow) => {
    const { parentId } = rowAt(i);
    if (parentId) { if (key === 'ArrowLeft') focusRow(displayIndex({ top: rowIndex.get(parentId) ?? 0, child: null }, layout)); return; }
    if (!childCounts[r.runId]) return;
    if (key === 'ArrowLeft') collapse(r.runId);
    else if (r.runId in children) { if (children[r.runId]?.length) focusRow(i + 1); }
    else void expand(r.runId);
  };
  const toggleExpanded = (e: MouseEvent, r: RunRow) => { e.stopPropagation(); if (r.runId in children) collapse(r.runId); else void expand(r.runId); };
  const onClick = (e: MouseEvent, i: number, r: RunRow | undefined) => {
    if (!r) return;
    if (e.shiftKey) select(i, 'range');
    else if (e.ctrlKey || e.metaKey) select(i, 'toggle');
    else open(r);
  };
  // Back from a run: focus its row once it is loaded.
  useEffect(() => {
    if (!lastOpened) return;
    const i = displayIndexOfRun(lastOpened);
    if (i < 0) return;
    lastOpened = null;
    setActive(i);
    focusRow(i);
  });
  function displayIndexOfRun(runId: string): number {
    const top = rowIndex.get(runId);
    if (top !== undefined) return displayIndex({ top, child: null }, layout);
    for (const [parent, kids] of Object.entries(children)) {
      const child = kids?.findIndex((k) => k.runId === runId) ?? -1;
      const at = rowIndex.get(parent);
      if (child >= 0 && at !== undefined) return displayIndex({ top: at, child }, layout);
    }
    return -1;
  }
  const tabStop = items.some((it) => it.index === active) ? active : items[0]?.index;

  return (
    <div className="grid-scroll" ref={scroller} role="treegrid" aria-label="runs" aria-rowcount={total + 1} data-testid="runs-grid">
      <div className="grid-row grid-head" role="row" style={{ gridTemplateColumns: template }} onKeyDown={onHeadKey}>
        <div className="sticky-0" role="columnheader" />
        <div className="sticky-1" role="columnheader" aria-sort={sortKey === 'attributes.run_name' ? (sortDir === 'DESC' ? 'descending' : 'ascending') : 'none'}>
          <button tabIndex={-1} onClick={() => sortBy('attributes.run_name')}>Run{sortKey === 'attributes.run_name' ? (sortDir === 'DESC' ? ' ▼' : ' ▲') : ''}</button>
        </div>
        {columns.map((c) => (
          <div key={c} role="columnheader" className={c.startsWith('metrics.') ? 'num' : ''} title={c} data-col={c}
            aria-sort={sortKey === c ? (sortDir === 'DESC' ? 'descending' : 'ascending') : 'none'}>
            <button tabIndex={-1} onClick={() => sortBy(c)}>{columnLabel(c)}{sortKey === c ? (sortDir === 'DESC' ? ' ▼' : ' ▲') : ''}</button>
          </div>
        ))}
      </div>
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {items.map((it) => {
          const { row: r, depth, parentId } = rowAt(it.index);
          const isSel = r ? selected.has(r.runId) : false;
          const kids = r && depth === 0 ? childCounts[r.runId] ?? 0 : 0;
          const expanded = r ? r.runId in children : false;
          return (
            <div key={it.key} data-index={it.index} role="row" aria-rowindex={it.index + 2} aria-selected={isSel} tabIndex={it.index === tabStop ? 0 : -1}
              aria-level={depth + 1} aria-expanded={kids > 0 ? expanded : undefined} data-parent-id={parentId ?? undefined}
              data-skip-target={it.index === tabStop ? '' : undefined} onFocus={() => setActive(it.index)}
              className={`grid-row${isSel ? ' selected' : ''}${depth ? ' child' : ''}`} data-run-id={r?.runId}
              style={{ gridTemplateColumns: template, transform: `translateY(${it.start}px)` }}
              onKeyDown={(e) => onKey(e, it.index, r)} onClick={(e) => onClick(e, it.index, r)}>
              <div className="sticky-0" role="gridcell">
                {/* not a Tab stop: the row is (Space on it selects); a click on the box still toggles */}
                <input type="checkbox" tabIndex={-1} aria-label={`select ${r?.name ?? 'run'}`} checked={isSel} disabled={!r}
                  onClick={(e) => { e.stopPropagation(); select(it.index, e.shiftKey ? 'range' : 'toggle'); }} onChange={() => {}} />
              </div>
              <div className="sticky-1 name-cell" role="gridcell" title={r?.name}>
                {kids > 0 && r && (
                  <button className="expander" tabIndex={-1} aria-label={`${expanded ? 'collapse' : 'expand'} ${r.name}`} onClick={(e) => toggleExpanded(e, r)}>
                    {expanded ? '▾' : '▸'} {kids} {kids === 1 ? 'trial' : 'trials'}
                  </button>
                )}
                <span className="run-name">{r ? (depth ? trialName(r.name, parentId ? rows[rowIndex.get(parentId) ?? -1]?.name : undefined) : r.name) : '…'}</span>
              </div>
              {columns.map((c) => (
                <div key={c} role="gridcell" className={c.startsWith('metrics.') ? 'num' : ''}>
                  {r ? (c === 'attributes.status' ? <RunStatus run={r} /> : cellText(r, c)) : ''}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

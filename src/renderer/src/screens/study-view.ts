// How the user last looked at a search: the loss chart's log axis and the contour's two parameters, kept per
// search in localStorage (as the Train screen keeps its datasets), so a reload or coming back to the search
// shows it as it was left. One key holding the most recent searches, so the store can't grow without bound.
import { useCallback, useState } from 'react';

export interface StudyView {
  logLoss: boolean;
  /** the contour's parameters; null: the first two that varied */
  contourX: string | null;
  contourY: string | null;
}

export const DEFAULT_STUDY_VIEW: StudyView = { logLoss: false, contourX: null, contourY: null };
const KEY = 'meter.study-views';
/** searches remembered; the least recently changed is forgotten first */
export const KEPT_STUDIES = 100;

type Stored = Record<string, Partial<StudyView> & { at?: number }>;

function readAll(): Stored {
  try {
    const raw = localStorage.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Stored) : {};
  } catch {
    return {}; // storage disabled or a hand-edited value: start from the defaults
  }
}

export function recallStudyView(tuningId: string): StudyView {
  const v = readAll()[tuningId];
  if (!v || typeof v !== 'object') return DEFAULT_STUDY_VIEW;
  const name = (x: unknown): string | null => (typeof x === 'string' && x ? x : null);
  return { logLoss: v.logLoss === true, contourX: name(v.contourX), contourY: name(v.contourY) };
}

export function rememberStudyView(tuningId: string, view: StudyView, now = Date.now()): void {
  const all = readAll();
  all[tuningId] = { ...view, at: now };
  const kept = Object.entries(all).sort(([, a], [, b]) => (b.at ?? 0) - (a.at ?? 0)).slice(0, KEPT_STUDIES);
  try { localStorage.setItem(KEY, JSON.stringify(Object.fromEntries(kept))); } catch { /* storage disabled: nothing to remember */ }
}

/** The search's view and a setter that remembers each change. */
export function useStudyView(tuningId: string): [StudyView, (change: Partial<StudyView>) => void] {
  const [state, setState] = useState(() => ({ id: tuningId, view: recallStudyView(tuningId) }));
  const view = state.id === tuningId ? state.view : recallStudyView(tuningId);
  const update = useCallback((change: Partial<StudyView>) => setState((cur) => {
    const next = { ...(cur.id === tuningId ? cur.view : recallStudyView(tuningId)), ...change };
    rememberStudyView(tuningId, next);
    return { id: tuningId, view: next };
  }), [tuningId]);
  return [view, update];
}

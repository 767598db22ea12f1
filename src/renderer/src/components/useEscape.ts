// Escape cancels the running long job on every screen that shows one (Score, Monitor, Train, a flow run):
// one hook so the key behaves the same everywhere.
import { useEffect } from 'react';

/** While `active`, pressing Escape anywhere in the window calls `cancel`. */
export function useEscapeToCancel(active: boolean, cancel: () => void): void {
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') cancel(); };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, cancel]);
}

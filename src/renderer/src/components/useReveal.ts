// A form's outcome (its error, or what it did) is shown under the form; in a small window that is below the
// fold, so a click seemed to do nothing (newcomer trial 3). The outcome is scrolled into view and focused.
import { useEffect, useRef, type RefObject } from 'react';

/**
 * Whenever `shown` changes to something (a new error, a new note), scrolls the element into view (as little
 * as needed) and focuses it, so keyboard and screen-reader users land on it too; nothing happens when it
 * goes away. `focus: false` for what may come while the user does something else (a job's failure): it
 * comes into view and is announced (role=alert), but the focus stays where it is.
 */
export function useReveal<E extends HTMLElement>(shown: unknown, { focus = true }: { focus?: boolean } = {}): RefObject<E | null> {
  const ref = useRef<E>(null);
  useEffect(() => {
    const el = ref.current;
    if (!shown || !el) return;
    el.scrollIntoView({ block: 'nearest' });
    if (!focus) return;
    if (!el.hasAttribute('tabindex')) el.tabIndex = -1;
    el.focus({ preventScroll: true });
  }, [shown, focus]);
  return ref;
}

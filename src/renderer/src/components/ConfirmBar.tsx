// The inline "are you sure?" of every destructive or surprising action (roll back, move an alias, delete a
// version, purge runs, remove a dataset). A keyboard user must land in it (newcomer trial 3: focus stayed on
// the page behind): it takes focus on its safe button (marked data-safe: Cancel, Keep it), Tab and Shift+Tab go
// round its own buttons only, Esc closes it as its safe button does, and when it closes focus goes back to the
// button that opened it.
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

export function ConfirmBar({ label, onCancel, returnFocus, children }: {
  /** the dialog's accessible name ("confirm delete version") */
  label: string;
  /** closes it without acting (Esc) */
  onCancel: () => void;
  /** where focus goes when it closes: the opener as rendered again then (it was replaced by the bar) */
  returnFocus?: () => HTMLElement | null | undefined;
  children: ReactNode;
}) {
  const ref = useRef<HTMLSpanElement>(null);
  // read at close time, so the latest closure (and the opener's ref as rendered then) is used
  const back = useRef(returnFocus);
  back.current = returnFocus;
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const bar = ref.current;
    (bar?.querySelector<HTMLElement>('[data-safe]') ?? bar?.querySelector<HTMLElement>(FOCUSABLE))?.focus();
    return () => {
      // Only when focus was lost with the bar (it is on <body>): a click elsewhere keeps its own focus.
      if (document.activeElement && document.activeElement !== document.body) return;
      const target = back.current?.() ?? (opener?.isConnected ? opener : null);
      target?.focus();
    };
  }, []);
  const onKeyDown = (e: KeyboardEvent<HTMLSpanElement>) => {
    if (e.key === 'Escape') {
      // handled here: the window's Esc (cancel a running job) must not fire too
      e.stopPropagation();
      e.preventDefault();
      onCancel();
      return;
    }
    if (e.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  };
  return (
    <span ref={ref} className="row confirm" role="alertdialog" aria-label={label} aria-modal="false" onKeyDown={onKeyDown}>
      {children}
    </span>
  );
}

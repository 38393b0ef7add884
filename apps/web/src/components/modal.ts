import { useEffect, type KeyboardEvent, type RefObject } from 'react';

const FOCUSABLE = 'a[href], button:not(:disabled), input:not(:disabled), textarea, select, [tabindex]:not([tabindex="-1"])';

/**
 * Focus handling of a modal (dialogs, the lightbox): on mount focus moves into `ref` (its
 * [autofocus] element, else the first field or button that is not a close button, else the
 * modal itself; disabled controls cannot take focus) and returns, on unmount, to where it was. The returned key handler keeps Tab
 * inside the modal.
 */
export function useModalFocus(ref: RefObject<HTMLElement | null>): (e: KeyboardEvent) => void {
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const node = ref.current;
    const first = node?.querySelector<HTMLElement>('[autofocus], input:not(:disabled), textarea:not(:disabled), select:not(:disabled), button:not([data-close]):not(:disabled)');
    (first ?? node)?.focus();
    return () => before?.focus?.();
  }, [ref]);
  return (e) => {
    if (e.key !== 'Tab' || !ref.current) return;
    const focusables = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (focusables.length === 0) return;
    const first = focusables[0]!;
    const last = focusables[focusables.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
}

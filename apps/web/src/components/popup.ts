import { useEffect, useLayoutEffect, useState, type KeyboardEvent, type RefObject } from 'react';

/** Where a popup opens: under a point (a right-click), or under an element, right-aligned to it. */
export type Anchor = { x: number; y: number } | HTMLElement;

const MARGIN = 8;

/**
 * The popup's position, inside the window: below its anchor, or above it when there is no room
 * below. Measured after each render that changes `key` (e.g. a popup that changes size).
 */
export function usePlacement(ref: RefObject<HTMLElement | null>, anchor: Anchor, key?: unknown): { left: number; top: number } | null {
  const [pos, setPos] = useState<{ left: number; top: number } | null>(null);
  useLayoutEffect(() => {
    const node = ref.current;
    if (!node) return;
    const r = anchor instanceof HTMLElement ? anchor.getBoundingClientRect() : { left: anchor.x, right: anchor.x, top: anchor.y, bottom: anchor.y };
    const w = node.offsetWidth;
    const h = node.offsetHeight;
    const left = Math.max(MARGIN, Math.min(anchor instanceof HTMLElement ? r.right - w : r.left, window.innerWidth - w - MARGIN));
    let top = r.bottom + 4;
    if (top + h > window.innerHeight - MARGIN) top = Math.max(MARGIN, r.top - h - 4);
    setPos({ left, top });
  }, [ref, anchor, key]);
  return pos;
}

/** Calls `onClose` on a press outside the popup, and when the window loses focus or is resized. */
export function useDismiss(ref: RefObject<HTMLElement | null>, onClose: () => void): void {
  useEffect(() => {
    const onDown = (e: MouseEvent | TouchEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('touchstart', onDown);
    window.addEventListener('blur', onClose);
    window.addEventListener('resize', onClose);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('touchstart', onDown);
      window.removeEventListener('blur', onClose);
      window.removeEventListener('resize', onClose);
    };
  }, [ref, onClose]);
}

/**
 * Roving focus among a menu's items (role="menuitem" inside `container`): Down/Up (or
 * Right/Left for a horizontal row) wrap around, Home and End jump. True when the key was used.
 */
export function moveMenuFocus(e: KeyboardEvent, container: HTMLElement | null, orientation: 'vertical' | 'horizontal' = 'vertical'): boolean {
  const items = [...(container?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  if (items.length === 0) return false;
  const i = items.indexOf(document.activeElement as HTMLElement);
  const [next, previous] = orientation === 'vertical' ? ['ArrowDown', 'ArrowUp'] : ['ArrowRight', 'ArrowLeft'];
  const to =
    e.key === next ? (i + 1) % items.length : e.key === previous ? (i - 1 + items.length) % items.length : e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : -1;
  if (to < 0) return false;
  e.preventDefault();
  items[to]!.focus();
  return true;
}

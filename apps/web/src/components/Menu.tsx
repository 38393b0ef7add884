import { useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import { moveMenuFocus, useDismiss, usePlacement, type Anchor } from './popup.js';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
}

/**
 * A popup menu (role="menu") at an anchor: focus goes to the first item, Up/Down/Home/End move,
 * Enter or a click chooses, Escape, Tab or a click outside closes; focus returns to `returnTo`.
 */
export function Menu({ label, items, at, onClose, returnTo }: { label: string; items: MenuItem[]; at: Anchor; onClose: () => void; returnTo?: HTMLElement | null }) {
  const ref = useRef<HTMLDivElement>(null);
  const pos = usePlacement(ref, at);
  useDismiss(ref, onClose);
  useLayoutEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, []);

  const close = () => {
    onClose();
    returnTo?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (moveMenuFocus(e, ref.current)) return;
    if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  };

  return (
    <div ref={ref} className="popover menu" role="menu" aria-label={label} style={pos ?? { left: -9999, top: 0 }} onKeyDown={onKeyDown}>
      {items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className={`menu-item${item.danger ? ' menu-item-danger' : ''}`}
          onClick={() => {
            close();
            item.onSelect();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}

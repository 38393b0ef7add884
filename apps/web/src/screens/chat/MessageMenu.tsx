import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Icon, type IconName } from '../../components/Icon.js';
import { EmojiPicker, QUICK_REACTIONS } from './EmojiPicker.js';
import type { MenuAction } from './menu-actions.js';

const ITEMS: Record<MenuAction, { label: string; icon: IconName }> = {
  reply: { label: 'Reply', icon: 'reply' },
  forward: { label: 'Forward', icon: 'forward' },
  copy: { label: 'Copy text', icon: 'copy' },
  edit: { label: 'Edit', icon: 'edit' },
  delete: { label: 'Delete', icon: 'trash' },
  retry: { label: 'Retry', icon: 'send' },
  discard: { label: 'Discard', icon: 'close' },
};

/**
 * The message menu (role="menu"): arrow keys, Home/End, Escape and Tab close it; focus returns to
 * the opener. "React" shows the quick reactions and, on demand, the whole picker.
 */
export function MessageMenu({
  at,
  actions,
  canReact,
  onAction,
  onReact,
  onClose,
}: {
  at: { x: number; y: number } | HTMLElement;
  actions: MenuAction[];
  canReact: boolean;
  onAction: (action: MenuAction) => void;
  onReact: (emoji: string) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [mode, setMode] = useState<'menu' | 'react' | 'picker'>('menu');
  const [pos, setPos] = useState<{ left: number; top: number } | null>(null);

  // Place it beside the opener (or the pointer), inside the window.
  useLayoutEffect(() => {
    const node = ref.current;
    if (!node) return;
    const r = at instanceof HTMLElement ? at.getBoundingClientRect() : { left: at.x, right: at.x, top: at.y, bottom: at.y };
    const w = node.offsetWidth;
    const h = node.offsetHeight;
    const margin = 8;
    let left = at instanceof HTMLElement ? r.right - w : r.left;
    left = Math.max(margin, Math.min(left, window.innerWidth - w - margin));
    let top = r.bottom + 4;
    if (top + h > window.innerHeight - margin) top = Math.max(margin, r.top - h - 4);
    setPos({ left, top });
  }, [at, mode]);

  useEffect(() => {
    if (mode !== 'picker') ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [mode]);

  // A click elsewhere closes it.
  useEffect(() => {
    const onDown = (e: MouseEvent | TouchEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('touchstart', onDown);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('touchstart', onDown);
    };
  }, [onClose]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (mode === 'menu') onClose();
      else setMode('menu');
      return;
    }
    if (e.key === 'Tab') {
      e.preventDefault();
      onClose();
      return;
    }
    if (mode === 'picker') return;
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const horizontal = mode === 'react';
    const next =
      e.key === (horizontal ? 'ArrowRight' : 'ArrowDown')
        ? (i + 1) % items.length
        : e.key === (horizontal ? 'ArrowLeft' : 'ArrowUp')
          ? (i - 1 + items.length) % items.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? items.length - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    items[next]?.focus();
  };

  const reactItem = canReact ? (
    <button key="react" type="button" role="menuitem" tabIndex={-1} className="menu-item" aria-haspopup="menu" onClick={() => setMode('react')}>
      <Icon name="emoji" /> React
    </button>
  ) : null;

  return (
    <div
      ref={ref}
      className={`popover msg-menu msg-menu-${mode}`}
      style={pos ? { left: pos.left, top: pos.top } : { left: -9999, top: 0 }}
      onKeyDown={onKeyDown}
    >
      {mode === 'menu' ? (
        <div role="menu" aria-label="Message actions">
          {actions.includes('reply') ? <MenuItem action="reply" onAction={onAction} /> : null}
          {reactItem}
          {actions.filter((a) => a !== 'reply').map((a) => (
            <MenuItem key={a} action={a} onAction={onAction} />
          ))}
        </div>
      ) : mode === 'react' ? (
        <div role="menu" aria-label="React" className="react-row">
          {QUICK_REACTIONS.map((emoji) => (
            <button key={emoji} type="button" role="menuitem" tabIndex={-1} className="emoji" onClick={() => onReact(emoji)}>
              {emoji}
            </button>
          ))}
          <button type="button" role="menuitem" tabIndex={-1} className="icon-btn" aria-label="More emoji" onClick={() => setMode('picker')}>
            <Icon name="emoji" />
          </button>
        </div>
      ) : (
        <EmojiPicker label="React" onPick={onReact} onClose={() => setMode('react')} />
      )}
    </div>
  );
}

function MenuItem({ action, onAction }: { action: MenuAction; onAction: (a: MenuAction) => void }) {
  const item = ITEMS[action];
  return (
    <button type="button" role="menuitem" tabIndex={-1} className={`menu-item ${action === 'delete' || action === 'discard' ? 'menu-item-danger' : ''}`} onClick={() => onAction(action)}>
      <Icon name={item.icon} /> {item.label}
    </button>
  );
}

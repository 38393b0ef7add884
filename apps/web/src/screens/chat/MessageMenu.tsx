import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Icon, type IconName } from '../../components/Icon.js';
import { moveMenuFocus, useDismiss, usePlacement, type Anchor } from '../../components/popup.js';
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
  at: Anchor;
  actions: MenuAction[];
  canReact: boolean;
  onAction: (action: MenuAction) => void;
  onReact: (emoji: string) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [mode, setMode] = useState<'menu' | 'react' | 'picker'>('menu');
  const pos = usePlacement(ref, at, mode);
  useDismiss(ref, onClose);

  useEffect(() => {
    if (mode !== 'picker') ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [mode]);

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
    if (mode !== 'picker') moveMenuFocus(e, ref.current, mode === 'react' ? 'horizontal' : 'vertical');
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
      style={pos ?? { left: -9999, top: 0 }}
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

import { useEffect, useRef, type KeyboardEvent } from 'react';

/** The quick reactions offered first in the message menu. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

const CATEGORIES: { name: string; emoji: string[] }[] = [
  {
    name: 'Smileys',
    emoji: ['😀', '😃', '😄', '😁', '😆', '😅', '🤣', '😂', '🙂', '😉', '😊', '😇', '🥰', '😍', '🤩', '😘', '😋', '😜', '🤪', '🤔', '🤨', '😐', '😏', '😒', '🙄', '😬', '😌', '😴', '😷', '🤒', '🥳', '😎', '😕', '😟', '😮', '😲', '😳', '🥺', '😢', '😭', '😱', '😤', '😡', '🤯'],
  },
  {
    name: 'Gestures',
    emoji: ['👍', '👎', '👌', '✌️', '🤞', '🤝', '👏', '🙌', '🙏', '💪', '👋', '🤙', '👉', '👈', '👆', '👇', '✋', '🤷', '🤦', '🙈'],
  },
  {
    name: 'Hearts',
    emoji: ['❤️', '🧡', '💛', '💚', '💙', '💜', '🖤', '🤍', '💔', '💕', '💖', '💯', '✨', '🔥', '⭐', '🎉'],
  },
  {
    name: 'Things',
    emoji: ['☕', '🍕', '🍔', '🍰', '🍺', '🍷', '🎂', '🎁', '⚽', '🚗', '✈️', '🏠', '💻', '📱', '📷', '🎵', '📌', '✅', '❌', '⏰', '☀️', '🌧️', '🌙', '🌈'],
  },
];

const COLUMNS = 8;

/**
 * A grid of common emoji in a few categories; each emoji is a button named by the emoji. Arrow
 * keys move between them (one tab stop), Enter or a click picks one, Escape closes.
 */
export function EmojiPicker({ onPick, onClose, label = 'Emoji' }: { onPick: (emoji: string) => void; onClose: () => void; label?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button.emoji') ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS, Home: -i, End: buttons.length - 1 - i }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const next = buttons[Math.min(buttons.length - 1, Math.max(0, i + step))];
    if (next) {
      buttons.forEach((b) => (b.tabIndex = -1));
      next.tabIndex = 0;
      next.focus();
    }
  };

  let first = true;
  return (
    <div className="emoji-picker" role="group" aria-label={label} ref={ref} onKeyDown={onKeyDown}>
      {CATEGORIES.map((cat) => (
        <section key={cat.name} className="emoji-section" aria-label={cat.name}>
          <h3 className="emoji-heading">{cat.name}</h3>
          <div className="emoji-grid">
            {cat.emoji.map((emoji) => {
              const tabIndex = first ? 0 : -1;
              first = false;
              return (
                <button key={emoji} type="button" className="emoji" tabIndex={tabIndex} onClick={() => onPick(emoji)}>
                  {emoji}
                </button>
              );
            })}
          </div>
        </section>
      ))}
    </div>
  );
}

/** A round avatar with initials and a colour derived from the id (no images until media lands). */
export function Avatar({ id, name, size = 'md', online = false }: { id: string; name: string; size?: 'sm' | 'md' | 'lg'; online?: boolean }) {
  const cls = ['avatar', `avatar-hue-${hue(id)}`, size !== 'md' ? `avatar-${size}` : '', online ? 'avatar-online' : ''].filter(Boolean).join(' ');
  return (
    <span className={cls} aria-hidden="true">
      {initials(name)}
    </span>
  );
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const first = [...(words[0] ?? '?')][0] ?? '?';
  const second = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return (first + second).toUpperCase();
}

function hue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % 8;
}

import { useRef, useState } from 'react';
import type { Content } from '@ottr/sdk/browser';
import { Icon } from '../../../components/Icon.js';
import { Menu } from '../../../components/Menu.js';
import { ShareContact, ShareLocation } from './ShareDialogs.js';

/**
 * The composer's Attach button and its menu: Photo, video or file (the browser's file chooser;
 * the file goes to `onFile`), Location and Contact (their dialogs send through `onSend`).
 */
export function AttachButton({ disabled, onFile, onSend }: { disabled: boolean; onFile: (file: File) => void; onSend: (content: Content) => void }) {
  const button = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [menu, setMenu] = useState(false);
  const [sharing, setSharing] = useState<'location' | 'contact' | null>(null);
  return (
    <>
      <button type="button" className="icon-btn" aria-label="Attach" aria-haspopup="menu" aria-expanded={menu} ref={button} disabled={disabled} onClick={() => setMenu((m) => !m)}>
        <Icon name="attach" />
      </button>
      <input
        ref={input}
        type="file"
        hidden
        aria-label="File to send"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) onFile(file);
        }}
      />
      {menu && button.current ? (
        <Menu
          label="Attach"
          at={button.current}
          returnTo={button.current}
          onClose={() => setMenu(false)}
          items={[
            { label: 'Photo, video or file', onSelect: () => input.current?.click() },
            { label: 'Location', onSelect: () => setSharing('location') },
            { label: 'Contact', onSelect: () => setSharing('contact') },
          ]}
        />
      ) : null}
      {sharing === 'location' ? <ShareLocation onSend={onSend} onClose={() => setSharing(null)} /> : null}
      {sharing === 'contact' ? <ShareContact onSend={onSend} onClose={() => setSharing(null)} /> : null}
    </>
  );
}

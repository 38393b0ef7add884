import { useEffect, useState } from 'react';
import type { ConnectionState } from '@ottr/sdk/browser';

/**
 * Says when the app is not live: offline (the browser says so, or the server cannot be
 * reached), connecting, or catching up. Messages written meanwhile wait in the outbox. A short
 * blip (under a second) shows nothing.
 */
export function ConnectionBanner({ state }: { state: ConnectionState }) {
  const online = useBrowserOnline();
  const [shown, setShown] = useState<string | null>(null);
  const text = !online
    ? 'You are offline. Messages you write will be sent when you are back online.'
    : state === 'live'
      ? null
      : state === 'syncing'
        ? 'Catching up…'
        : state === 'backing-off' || state === 'connecting' || state === 'authenticating'
          ? 'Connecting… Messages you write will be sent once connected.'
          : null;
  useEffect(() => {
    if (text === null) {
      setShown(null);
      return;
    }
    if (!online) {
      setShown(text);
      return;
    }
    const timer = setTimeout(() => setShown(text), 1000);
    return () => clearTimeout(timer);
  }, [text, online]);
  return (
    <div className="connection-banner" role="status" aria-live="polite">
      {shown ? <p className="banner">{shown}</p> : null}
    </div>
  );
}

function useBrowserOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

import { useEffect, useState } from 'react';
import { createClient, type OttrClient } from '@ottr/sdk/browser';
import { ToastProvider } from '../components/Toasts.js';
import { Shell } from '../screens/shell/Shell.js';
import { SignIn } from '../screens/signin/SignIn.js';
import { OttrProvider, type Ottr } from './ottr.js';
import { Profiles } from './profiles.js';

/** The IndexedDB database the client keeps its session, cursor, outbox and caches in. */
const DATABASE = 'ottr';

function makeOttr(): Ottr {
  const client: OttrClient = createClient({ baseUrl: location.origin, databaseName: DATABASE });
  return { client, profiles: new Profiles(client) };
}

type Phase = { name: 'loading' } | { name: 'signed-out'; notice?: string } | { name: 'signed-in' };

/**
 * The root: one SDK client for the page's life. Shows sign-in until there is a session (restored
 * from IndexedDB on reload), then the app; back to sign-in when the session ends (signed out
 * here, revoked from another device, account deleted).
 */
export function App() {
  const [ottr] = useState(makeOttr);
  const [phase, setPhase] = useState<Phase>({ name: 'loading' });
  // The sign-in that just happened created the account: the shell asks for a name.
  const [newAccount, setNewAccount] = useState(false);

  useEffect(() => {
    const { client } = ottr;
    let alive = true;
    void client.auth.restore().then(
      (session) => alive && setPhase(session ? { name: 'signed-in' } : { name: 'signed-out' }),
      () => alive && setPhase({ name: 'signed-out' }),
    );
    const off = client.on('session', (e) => {
      if (e.type === 'signed-in') setPhase({ name: 'signed-in' });
      // Also emitted by the signOut() that follows an ended session: keep that one's notice.
      else if (e.type === 'signed-out') setPhase((p) => (p.name === 'signed-out' ? p : { name: 'signed-out' }));
      else if (e.type === 'ended') {
        setPhase({ name: 'signed-out', notice: e.reason === 'revoked' ? 'This device was signed out from another device.' : 'Your session ended. Sign in again.' });
        // The session is gone on the server: forget the local data too.
        void client.auth.signOut().catch(() => undefined);
      }
    });
    return () => {
      alive = false;
      off();
    };
  }, [ottr]);

  useEffect(() => {
    if (phase.name !== 'signed-in') return;
    const { client } = ottr;
    // connect() keeps reconnecting by itself; its promise only tells about the first time.
    client.connect().catch(() => undefined);
    return () => client.disconnect();
  }, [ottr, phase.name]);

  return (
    <OttrProvider value={ottr}>
      <ToastProvider>
        {phase.name === 'loading' ? (
          <div className="splash" role="status" aria-live="polite">
            Loading ottr…
          </div>
        ) : phase.name === 'signed-out' ? (
          <SignIn {...(phase.notice ? { notice: phase.notice } : {})} onNewAccount={() => setNewAccount(true)} />
        ) : (
          <Shell newAccount={newAccount} />
        )}
      </ToastProvider>
    </OttrProvider>
  );
}

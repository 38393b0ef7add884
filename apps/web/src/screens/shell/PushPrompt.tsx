import { useEffect, useRef, useState } from 'react';
import { useOttr } from '../../app/ottr.js';
import { pushPermission, refreshPush, turnOnPush, webPushKey } from '../../app/push.js';
import { dismissOffer, dismissedAt, isEngaged, noteChatOpened, noteSent, shouldOffer } from '../../app/push-prompt.js';
import { useRoute } from '../../app/router.js';
import { Icon } from '../../components/Icon.js';
import { errorText, useToast } from '../../components/Toasts.js';

/**
 * The offer to turn notifications on (the rule: app/push-prompt.ts): a bar above the chat list,
 * never in the way (it does not move an open chat) — it appears once the person sent a message in this browser or opened a chat a
 * second time. Also registers this browser's subscription again on each start when notifications
 * are allowed (app/push.ts refreshPush).
 */
export function PushPrompt() {
  const { client } = useOttr();
  const toast = useToast();
  const route = useRoute();
  const [engaged, setEngaged] = useState(() => isEngaged(localStorage));
  const [offer, setOffer] = useState(false);
  const [busy, setBusy] = useState(false);
  const lastOpened = useRef<string | null>(null);
  const chat = route.name === 'chat' ? route.id : null;

  useEffect(() => {
    refreshPush(client).catch(() => undefined);
  }, [client]);

  useEffect(() => {
    // Once per visit of a chat (not again when StrictMode runs effects twice).
    if (chat === lastOpened.current) return;
    lastOpened.current = chat;
    if (chat === null) return;
    if (noteChatOpened(localStorage, chat)) setEngaged(true);
  }, [chat]);

  useEffect(
    () =>
      client.on('status', (e) => {
        // previous null: a message written here has just entered the outbox.
        if (e.previous !== null) return;
        noteSent(localStorage);
        setEngaged(true);
      }),
    [client],
  );

  useEffect(() => {
    if (!engaged || pushPermission() !== 'default') return;
    let alive = true;
    webPushKey(client).then(
      (key) => alive && setOffer(shouldOffer({ permission: pushPermission(), webPush: key !== null, engaged, dismissedAt: dismissedAt(localStorage), now: Date.now() })),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [client, engaged]);

  if (!offer) return null;

  async function turnOn() {
    setBusy(true);
    try {
      const permission = await turnOnPush(client);
      setOffer(false);
      if (permission === 'granted') toast('Notifications are on');
      else if (permission === 'denied') toast('Notifications are blocked for this site. You can allow them in your browser’s site settings.');
      // Closed the browser's prompt without answering: as good as "Not now".
      else dismissOffer(localStorage, Date.now());
    } catch (err) {
      toast(`Could not turn notifications on: ${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  }

  function notNow() {
    dismissOffer(localStorage, Date.now());
    setOffer(false);
  }

  return (
    <section className="push-prompt" aria-label="Notifications offer">
      <Icon name="bell" />
      <p>Get notified of new messages?</p>
      <div className="push-prompt-actions">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void turnOn()}>
          Turn on
        </button>
        <button type="button" className="btn" disabled={busy} onClick={notNow}>
          Not now
        </button>
      </div>
    </section>
  );
}

import { useEffect, useState } from 'react';
import { navigate, useRoute } from '../../app/router.js';
import { useConnectionState, useOttr } from '../../app/ottr.js';
import { ChatView } from '../chat/ChatView.js';
import { ConversationInfo } from '../list/ConversationInfo.js';
import { ConversationList } from '../list/ConversationList.js';
import { Settings } from '../settings/Settings.js';
import { closeChatNotification } from '../../app/sw-messages.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { PushPrompt } from './PushPrompt.js';
import { WelcomeDialog } from './WelcomeDialog.js';
import './shell.css';

/**
 * The signed-in app: the conversation list beside the open screen (chat, info, settings). At
 * phone width one pane shows at a time: the list on `/`, the screen elsewhere. A new account
 * (`newAccount`: the sign-in just created it; its name is then the masked email or phone number)
 * or one without a name is asked for a name first.
 */
export function Shell({ newAccount }: { newAccount: boolean }) {
  const route = useRoute();
  const { client } = useOttr();
  const state = useConnectionState();
  const [askName, setAskName] = useState(false);
  const [named, setNamed] = useState(false);

  useEffect(() => {
    let alive = true;
    client.profile.me().then(
      (me) => alive && setAskName(me.displayName.trim() === ''),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [client]);

  // Escape on a chat goes back to the list (phone layout) unless a dialog took it.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && route.name !== 'home' && !e.defaultPrevented && !document.querySelector('[role="dialog"]')) {
        navigate(route.name === 'info' ? { name: 'chat', id: route.id } : { name: 'home' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route]);

  // An open chat has been seen: its notification (if any) goes.
  const chatId = route.name === 'chat' ? route.id : null;
  useEffect(() => {
    if (chatId) closeChatNotification(chatId);
  }, [chatId]);

  const activeId = route.name === 'chat' || route.name === 'info' ? route.id : null;
  return (
    <div className={`shell ${route.name === 'home' ? 'shell-at-list' : 'shell-at-pane'}`}>
      <ConnectionBanner state={state} />
      <div className="shell-panes">
        <aside className="shell-sidebar" aria-label="Chats">
          {/* Above the list, not the panes: appearing, it never moves the chat someone is reading. */}
          <PushPrompt />
          <ConversationList activeId={activeId} />
        </aside>
        <main className="shell-main">
          {route.name === 'chat' ? (
            <ChatView key={route.id} id={route.id} />
          ) : route.name === 'info' ? (
            <ConversationInfo key={route.id} id={route.id} />
          ) : route.name === 'settings' ? (
            <Settings />
          ) : (
            <div className="shell-empty">
              <img src="/icon.svg" alt="" width="72" height="72" />
              <p>Pick a chat, or start a new one.</p>
            </div>
          )}
        </main>
      </div>
      {(newAccount || askName) && !named ? <WelcomeDialog onDone={() => setNamed(true)} /> : null}
    </div>
  );
}

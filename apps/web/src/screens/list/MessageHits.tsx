import { useEffect, useId, useState } from 'react';
import type { AccountId, ConversationId, SearchHit } from '@ottr/sdk/browser';
import { useMe, useOttr } from '../../app/ottr.js';
import { navigate, routePath } from '../../app/router.js';
import { errorText } from '../../components/Toasts.js';
import { followLink } from './ConversationItem.js';
import { snippetParts } from './search.js';
import { listTime } from './time.js';

/** How long typing pauses before the server is asked. */
const DEBOUNCE_MS = 250;

/** The "Messages" part of the sidebar search: server full-text hits (sender, snippet), each opening its chat. */
export function MessageHits({ query, titleOf }: { query: string; titleOf: (id: ConversationId) => string | null }) {
  const { client, profiles } = useOttr();
  const me = useMe();
  const headingId = useId();
  const [state, setState] = useState<{ query: string; hits: SearchHit[] | null; error: string | null }>({ query: '', hits: null, error: null });

  useEffect(() => {
    let alive = true;
    const timer = setTimeout(() => {
      client.messages.search(query, { limit: 20 }).then(
        (r) => alive && setState({ query, hits: r.items, error: null }),
        (err: unknown) => alive && setState({ query, hits: null, error: errorText(err) }),
      );
    }, DEBOUNCE_MS);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [client, query]);

  const current = state.query === query;
  const hits = current ? (state.hits ?? []).filter((h) => h.event.type === 'message') : [];
  const now = Date.now();
  const senderName = (id: AccountId | null) => (id === null ? 'Someone' : id === me ? 'You' : profiles.name(id));

  return (
    <section className="hits" aria-labelledby={headingId}>
      <h3 id={headingId} className="list-section-title">
        Messages
      </h3>
      {!current ? (
        <p className="list-note" role="status">
          Searching…
        </p>
      ) : state.error ? (
        <p className="list-note error-text">{state.error}</p>
      ) : hits.length === 0 ? (
        <p className="list-note" role="status">
          No messages found
        </p>
      ) : (
        <ul className="hit-list" aria-label="Message results">
          {hits.map((h) => (
            <li key={h.event.id}>
              <a
                className="hit-link"
                href={routePath({ name: 'chat', id: h.event.conversationId })}
                onClick={(e) => followLink(e, () => navigate({ name: 'chat', id: h.event.conversationId }))}
              >
                <span className="conv-top">
                  <span className="conv-title">{titleOf(h.event.conversationId) ?? 'Chat'}</span>
                  <time className="conv-time">{listTime(h.event.at, now)}</time>
                </span>
                <span className="conv-preview">
                  {`${senderName(h.event.sender)}: `}
                  {snippetParts(h.snippet).map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

import { useEffect, useId, useState } from 'react';
import type { ConversationId, ConversationListItem } from '@ottr/sdk/browser';
import { isOttrError } from '@ottr/sdk/browser';
import { useConversation, useMe, useOttr, usePresence, useProfile } from '../../app/ottr.js';
import { navigate } from '../../app/router.js';
import { Avatar } from '../../components/Avatar.js';
import { Icon } from '../../components/Icon.js';
import { errorText, useToast } from '../../components/Toasts.js';
import { EditGroupDialog, LeaveDialog } from './InfoDialogs.js';
import { JoinChannel } from './JoinChannel.js';
import { Members } from './Members.js';
import { MUTE_CHOICES, isMuted, muteUntil, mutedForever, type MuteChoice } from './mute.js';
import { peerOf, titleOf, useProfilesChanged } from './titles.js';
import { dateTime } from './time.js';
import { useNow } from './useNow.js';
import './info.css';

/**
 * The info pane of a conversation (/c/<id>/info): who or what it is, and what you can do with it —
 * block a person; see, add and manage members of a group; leave; mute, pin; copy a channel's link.
 */
export function ConversationInfo({ id }: { id: ConversationId }) {
  const { client, profiles } = useOttr();
  const me = useMe();
  const item = useConversation(id);
  const [missing, setMissing] = useState<'forbidden' | { error: string } | null>(null);
  useProfilesChanged();

  // Not cached (a channel link opened by a non-member, a chat left long ago): ask the server.
  const cached = item !== null;
  useEffect(() => {
    if (cached) return;
    let alive = true;
    client.conversations.get(id).catch((err: unknown) => {
      // Forbidden: not a member — maybe a channel's link, which anyone may join.
      if (alive) setMissing(isOttrError(err) && (err.code === 'not_member' || err.code === 'forbidden') ? 'forbidden' : { error: isOttrError(err) && err.code === 'not_found' ? 'This chat doesn’t exist.' : errorText(err) });
    });
    return () => {
      alive = false;
    };
  }, [cached, client, id]);

  const back = (
    <button type="button" className="icon-btn" aria-label="Back to chat" onClick={() => navigate({ name: 'chat', id })}>
      <Icon name="back" />
    </button>
  );

  if (!item) {
    return (
      <section className="info">
        <div className="pane-header">
          {back}
          <span className="info-header-title">Chat info</span>
        </div>
        <div className="pane-body">
          {missing === 'forbidden' ? (
            <JoinChannel id={id} />
          ) : (
            <p className={missing ? 'error-text info-pad' : 'hint info-pad'} role="status">
              {missing ? missing.error : 'Loading…'}
            </p>
          )}
        </div>
      </section>
    );
  }

  const title = titleOf(item, me, profiles);
  const c = item.conversation;
  const active = item.membership.status === 'active';
  return (
    <section className="info" aria-label="Chat info">
      <div className="pane-header">
        {back}
        <span className="info-header-title">{c.kind === 'direct' ? 'Contact info' : c.kind === 'channel' ? 'Channel info' : 'Group info'}</span>
      </div>
      <div className="pane-body info-body">
        {c.kind === 'direct' ? (
          <DirectInfo item={item} title={title} />
        ) : (
          <>
            <div className="info-hero">
              <Avatar id={c.id} name={title} size="lg" />
              <h2>{title}</h2>
              <p className="hint">{c.kind === 'channel' ? 'Channel' : 'Group'}</p>
              {c.description ? <p className="info-description">{c.description}</p> : null}
              {active && (item.membership.role === 'owner' || item.membership.role === 'admin') ? <EditInfoButton item={item} /> : null}
            </div>
            {!active && c.kind === 'channel' ? <JoinChannel id={c.id} title={title} /> : null}
            {!active && c.kind === 'group' ? <p className="hint info-pad">You’re no longer a member of this group.</p> : null}
          </>
        )}
        {active ? <ChatSettings item={item} /> : null}
        {active && c.kind === 'channel' ? <ChannelLink id={c.id} /> : null}
        {active && c.kind !== 'direct' ? <Members item={item} /> : null}
        {active && c.kind !== 'direct' ? <LeaveButton item={item} title={title} /> : null}
      </div>
    </section>
  );
}

function EditInfoButton({ item }: { item: ConversationListItem }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        <Icon name="edit" />
        {item.conversation.kind === 'channel' ? 'Edit channel info' : 'Edit group info'}
      </button>
      {open ? <EditGroupDialog item={item} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

/** A direct chat: the person's name, about, presence, and Block/Unblock. */
function DirectInfo({ item, title }: { item: ConversationListItem; title: string }) {
  const { client } = useOttr();
  const me = useMe();
  const toast = useToast();
  const peer = peerOf(item, me);
  const profile = useProfile(peer);
  const presence = usePresence(peer && peer !== me ? [peer] : []).get(peer!);
  const [blocked, setBlocked] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const now = useNow(60_000);

  useEffect(() => {
    if (!peer || peer === me) return;
    let alive = true;
    client.blocks.list().then(
      (ids) => alive && setBlocked(ids.includes(peer)),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [client, me, peer]);

  async function toggleBlock() {
    if (!peer) return;
    setBusy(true);
    try {
      if (blocked) await client.blocks.unblock(peer);
      else await client.blocks.block(peer);
      setBlocked(!blocked);
      toast(blocked ? `${title} is unblocked` : `${title} is blocked: neither of you can message the other`);
    } catch (err) {
      toast(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const status = presence?.online ? 'online' : presence?.lastSeenAt ? `last seen ${dateTime(presence.lastSeenAt, now)}` : null;
  return (
    <>
      <div className="info-hero">
        <Avatar id={peer ?? item.conversation.id} name={title} size="lg" online={presence?.online === true} />
        <h2>{title}</h2>
        {status ? <p className="hint">{status}</p> : null}
      </div>
      {peer !== me ? (
        <div className="info-section">
          <div className="info-section-head">
            <h3>About</h3>
          </div>
          <p className="info-pad info-description">{profile?.about || 'No about yet'}</p>
        </div>
      ) : null}
      {peer && peer !== me && blocked !== null ? (
        <div className="info-section">
          <button type="button" className="info-row info-action info-danger" disabled={busy} onClick={() => void toggleBlock()}>
            <Icon name="close" />
            <span>{blocked ? 'Unblock' : 'Block'}</span>
          </button>
        </div>
      ) : null}
    </>
  );
}

/** Mute (with a duration) and pin switches, and the way to the notification settings of all chats. */
function ChatSettings({ item }: { item: ConversationListItem }) {
  const { client } = useOttr();
  const toast = useToast();
  const now = useNow(60_000);
  const [choice, setChoice] = useState<MuteChoice>('always');
  // A switch shows the new state at once; the SDK's answer (or a failure) settles it.
  const [pendingMute, setPendingMute] = useState<boolean | null>(null);
  const [pendingPin, setPendingPin] = useState<boolean | null>(null);
  const muteId = useId();
  const muteHintId = useId();
  const pinId = useId();
  const id = item.conversation.id;
  const until = item.membership.muteUntil;
  const muted = isMuted(until, now);

  function change(set: (v: boolean | null) => void, value: boolean, work: () => Promise<unknown>) {
    set(value);
    work()
      .catch((err: unknown) => toast(errorText(err)))
      .finally(() => set(null));
  }

  return (
    <div className="info-section">
      <div className="info-row">
        <Icon name="muted" />
        <span className="info-row-main">
          <label htmlFor={muteId}>Mute notifications</label>
          <span id={muteHintId} className="hint">
            {muted && until !== null ? (mutedForever(until) ? 'Muted' : `Muted until ${dateTime(until, now)}`) : 'Not muted'}
          </span>
        </span>
        {!muted ? (
          <select className="input info-select" aria-label="Mute for" value={choice} onChange={(e) => setChoice(e.target.value as MuteChoice)}>
            {MUTE_CHOICES.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        ) : null}
        <input
          id={muteId}
          type="checkbox"
          role="switch"
          className="switch"
          aria-describedby={muteHintId}
          checked={pendingMute ?? muted}
          onChange={(e) => {
            const on = e.target.checked;
            change(setPendingMute, on, () => (on ? client.conversations.mute(id, muteUntil(choice, Date.now())) : client.conversations.unmute(id)));
          }}
        />
      </div>
      <div className="info-row">
        <Icon name="pin" />
        <span className="info-row-main">
          <label htmlFor={pinId}>Pin chat</label>
        </span>
        <input
          id={pinId}
          type="checkbox"
          role="switch"
          className="switch"
          checked={pendingPin ?? item.membership.pinned}
          onChange={(e) => {
            const on = e.target.checked;
            change(setPendingPin, on, () => client.conversations.pin(id, on));
          }}
        />
      </div>
      <button type="button" className="info-row info-action" onClick={() => navigate({ name: 'settings' })}>
        <Icon name="bell" />
        <span className="info-row-main">
          <span>Notification settings</span>
          <span className="hint">{notificationsHint(item.conversation.kind, muted)}</span>
        </span>
      </button>
    </div>
  );
}

/** What this chat's notifications do, and what Settings holds. */
function notificationsHint(kind: ConversationListItem['conversation']['kind'], muted: boolean): string {
  const here = !muted
    ? 'New messages here notify you.'
    : kind === 'group'
      ? 'Muted: only mentions of you notify you (unless turned off in Settings).'
      : 'Muted: this chat doesn’t notify you.';
  return `${here} What notifications show, do-not-disturb hours and this browser’s notifications: Settings.`;
}

/** A channel's link (location.origin + /c/<id>), to copy and share. */
function ChannelLink({ id }: { id: ConversationId }) {
  const toast = useToast();
  const link = `${location.origin}/c/${id}`;
  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      toast('Link copied');
    } catch {
      toast('Copying isn’t allowed here: select the link and copy it.');
    }
  }
  return (
    <div className="info-section">
      <div className="info-row">
        <Icon name="forward" />
        <span className="info-row-main">
          <span>Invite link</span>
          <span className="hint info-link">{link}</span>
        </span>
        <button type="button" className="btn" onClick={() => void copy()}>
          Copy link
        </button>
      </div>
    </div>
  );
}

function LeaveButton({ item, title }: { item: ConversationListItem; title: string }) {
  const [open, setOpen] = useState(false);
  const label = item.conversation.kind === 'channel' ? 'Leave channel' : 'Leave group';
  return (
    <div className="info-section">
      <button type="button" className="info-row info-action info-danger" onClick={() => setOpen(true)}>
        <Icon name="logout" />
        <span>{label}</span>
      </button>
      {open ? <LeaveDialog item={item} title={title} onClose={() => setOpen(false)} /> : null}
    </div>
  );
}

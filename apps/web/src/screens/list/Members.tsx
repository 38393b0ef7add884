import { useCallback, useEffect, useId, useState } from 'react';
import type { AccountId, ConversationListItem, Member, Role } from '@ottr/sdk/browser';
import { useClientValue, useMe, useOttr, useProfile } from '../../app/ottr.js';
import { Avatar } from '../../components/Avatar.js';
import { Icon } from '../../components/Icon.js';
import { errorText, useToast } from '../../components/Toasts.js';
import { AddMembersDialog } from './InfoDialogs.js';
import { Menu, type MenuItem } from '../../components/Menu.js';

const RANK: Record<Role, number> = { owner: 0, admin: 1, member: 2 };

/**
 * The "Members" section of a group's or channel's info: fetched once (the SDK keeps the cached
 * list current from membership events), owner and admins first, you marked "You"; admins get
 * "Add members" and a menu per member (make/remove admin, remove).
 */
export function Members({ item }: { item: ConversationListItem }) {
  const { client } = useOttr();
  const me = useMe();
  const toast = useToast();
  const headingId = useId();
  const id = item.conversation.id;
  const [loads, setLoads] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [menu, setMenu] = useState<{ member: Member; name: string; at: { x: number; y: number }; returnTo: HTMLElement } | null>(null);
  const members = useClientValue(
    ['membership'],
    (c) => c.conversations.cachedMembers(id),
    `${id}:${loads}`,
    (_name, p) => p.conversationId === id,
  );
  const myRole = item.membership.role;
  const admin = myRole === 'owner' || myRole === 'admin';
  const channel = item.conversation.kind === 'channel';
  // A channel's subscribers are listed to its admins only.
  const listed = !channel || admin;

  useEffect(() => {
    if (!listed) return;
    let alive = true;
    client.conversations.members(id).then(
      () => alive && setLoads((n) => n + 1),
      (err: unknown) => alive && setError(errorText(err)),
    );
    return () => {
      alive = false;
    };
  }, [client, id, listed]);

  const closeMenu = useCallback(() => setMenu(null), []);
  const act = (work: Promise<unknown>) => void work.catch((err: unknown) => toast(errorText(err)));

  const menuItems = (m: Member): MenuItem[] => {
    const list: MenuItem[] = [];
    if (m.role === 'member') list.push({ label: 'Make admin', onSelect: () => act(client.conversations.setRole(id, m.accountId, 'admin')) });
    if (m.role === 'admin' && myRole === 'owner') list.push({ label: 'Remove admin', onSelect: () => act(client.conversations.setRole(id, m.accountId, 'member')) });
    if (m.role === 'member' || (m.role === 'admin' && myRole === 'owner')) {
      list.push({ label: channel ? 'Remove from channel' : 'Remove from group', danger: true, onSelect: () => act(client.conversations.removeMember(id, m.accountId)) });
    }
    return list;
  };

  const sorted = members ? [...members].sort((a, b) => RANK[a.role] - RANK[b.role] || Number(b.accountId === me) - Number(a.accountId === me)) : null;

  return (
    <section className="info-section" aria-labelledby={headingId}>
      <div className="info-section-head">
        <h3 id={headingId}>{channel ? 'Subscribers' : 'Members'}</h3>
        <span className="hint">{countText(item.conversation.memberCount, channel)}</span>
      </div>
      {admin ? (
        <button type="button" className="info-row info-action" onClick={() => setAdding(true)}>
          <Icon name="group" />
          <span>Add members</span>
        </button>
      ) : null}
      {error ? <p className="error-text info-pad">{error}</p> : null}
      {!listed ? null : sorted ? (
        <ul className="member-list" aria-label="Members">
          {sorted.map((m) => (
            <MemberRow key={m.accountId} member={m} me={me} canManage={admin && m.accountId !== me && menuItems(m).length > 0} onMenu={(name, at, returnTo) => setMenu({ member: m, name, at, returnTo })} />
          ))}
        </ul>
      ) : !error ? (
        <p className="hint info-pad" role="status">
          Loading members…
        </p>
      ) : null}
      {menu ? <Menu label={`Options for ${menu.name}`} items={menuItems(menu.member)} at={menu.at} returnTo={menu.returnTo} onClose={closeMenu} /> : null}
      {adding ? <AddMembersDialog item={item} members={(members ?? []).map((m) => m.accountId)} onClose={() => setAdding(false)} /> : null}
    </section>
  );
}

function MemberRow({ member, me, canManage, onMenu }: { member: Member; me: AccountId | null; canManage: boolean; onMenu: (name: string, at: { x: number; y: number }, returnTo: HTMLElement) => void }) {
  const profile = useProfile(member.accountId);
  const mine = member.accountId === me;
  const name = mine ? 'You' : profile?.deleted ? 'Deleted account' : profile?.displayName || 'Someone';
  return (
    <li className="member">
      <Avatar id={member.accountId} name={profile?.displayName || name} size="sm" />
      <span className="member-main">
        <span className="member-name">{name}</span>
        {profile?.about && !mine ? <span className="member-about">{profile.about}</span> : null}
      </span>
      {member.role !== 'member' ? <span className="member-role">{member.role === 'owner' ? 'Owner' : 'Admin'}</span> : null}
      {canManage ? (
        <button
          type="button"
          className="icon-btn"
          aria-label="Member options"
          aria-haspopup="menu"
          onClick={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            onMenu(name, { x: r.left, y: r.bottom }, e.currentTarget);
          }}
        >
          <Icon name="more" />
        </button>
      ) : null}
    </li>
  );
}

function countText(n: number, channel: boolean): string {
  const noun = channel ? (n === 1 ? 'subscriber' : 'subscribers') : n === 1 ? 'member' : 'members';
  return `${n.toLocaleString()} ${noun}`;
}

import type {
  AccountId,
  Content,
  ConversationId,
  ConversationListItem,
  Member,
  MessageEvent,
  MessageId,
  ReactionSummary,
  ReceiptState,
} from '@ottr/protocol';

/**
 * Where one of your messages stands. Only moves forward: `pending` (kept locally, waiting to go
 * out) → `sent` (stored by the server, ✓) → `delivered` (a device of the peer — in a group, of
 * any recipient — has it, ✓✓) → `read`; or `pending` → `failed` (the server refused it; see
 * `error`, and `retry()`).
 */
export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** A message as the client shows it: its current state (edits, deletes and reactions applied). */
export interface LocalMessage {
  /** The conversation it belongs to. */
  conversationId: ConversationId;
  /** Chosen by the sending device; identifies a pending message before it has an id. */
  clientMsgId: string;
  /** The server's id; null while pending or failed. */
  id: MessageId | null;
  /** Position in the conversation; null while pending or failed. */
  seq: number | null;
  /** The author. */
  sender: AccountId;
  /** Server time once sent; the local time it was written while pending. */
  at: number;
  /** Null once deleted for everyone (and, for a pending forward, until the server copies it). */
  content: Content | null;
  /** The message this one answers (seq once sent). */
  replyTo?: { messageId: MessageId; seq?: number };
  /** A forwarded copy: the original and its author. */
  forwarded?: { messageId: MessageId; senderId?: AccountId };
  /** A pending forward: the message whose content the server will copy. */
  forwardOf?: MessageId;
  /** Set once edited (ms, server time). */
  editedAt?: number;
  /** Set once deleted for everyone. */
  deletedAt?: number;
  /** Reactions by emoji: count and (up to 50) accounts. */
  reactions: ReactionSummary[];
  /** Status of your own messages (any of your devices); null for other people's. */
  status: MessageStatus | null;
  /** Why a `failed` message failed: the server's error code and message. */
  error?: { code: string; message: string };
}

/** The client's record of one conversation. */
export interface ConversationRecord {
  /** The conversation, your membership, unread count and last event, kept current. */
  item: ConversationListItem;
  /** Every event with seq ≤ appliedSeq has been applied (or predates what this device tracks). */
  appliedSeq: number;
  /** The message cache holds every message with seq ≥ coveredFrom (up to appliedSeq). */
  coveredFrom: number;
  /** Other members' receipt pointers, as far as known (direct: the peer). */
  receipts: Record<string, ReceiptState>;
  /** Members, once fetched with `conversations.members()`; kept current by events. */
  members: Member[] | null;
}

/** Most messages kept per conversation. */
export const DEFAULT_MESSAGES_PER_CONVERSATION = 500;

/** A deep copy of plain JSON data. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Conversation list order: pinned first, then by latest activity, then by id. */
export function compareItems(a: ConversationListItem, b: ConversationListItem): number {
  if (a.membership.pinned !== b.membership.pinned) return a.membership.pinned ? -1 : 1;
  if (a.conversation.lastEventAt !== b.conversation.lastEventAt) return b.conversation.lastEventAt - a.conversation.lastEventAt;
  return a.conversation.id < b.conversation.id ? -1 : a.conversation.id > b.conversation.id ? 1 : 0;
}

/** The highest read and delivered pointers among other members. */
export function peerPointers(record: ConversationRecord, me: AccountId): { readSeq: number; deliveredSeq: number } {
  let readSeq = 0;
  let deliveredSeq = 0;
  for (const r of Object.values(record.receipts)) {
    if (r.accountId === me) continue;
    readSeq = Math.max(readSeq, r.readSeq);
    deliveredSeq = Math.max(deliveredSeq, r.deliveredSeq, r.readSeq);
  }
  return { readSeq, deliveredSeq };
}

/** Status of one of your sent messages at `seq`, from the other members' pointers. */
export function statusAt(seq: number, pointers: { readSeq: number; deliveredSeq: number }): MessageStatus {
  if (pointers.readSeq >= seq) return 'read';
  if (pointers.deliveredSeq >= seq) return 'delivered';
  return 'sent';
}

const RANK: Record<MessageStatus, number> = { failed: -1, pending: 0, sent: 1, delivered: 2, read: 3 };

/** The later of two statuses (statuses only move forward). */
export function laterStatus(a: MessageStatus | null, b: MessageStatus): MessageStatus {
  return a === null || RANK[b] > RANK[a] ? b : a;
}

/** A message event as a LocalMessage. */
export function fromEvent(event: MessageEvent, me: AccountId, status: MessageStatus | null): LocalMessage {
  const m: LocalMessage = {
    conversationId: event.conversationId,
    clientMsgId: event.clientMsgId,
    id: event.id,
    seq: event.seq,
    sender: event.sender ?? me,
    at: event.at,
    content: event.content,
    reactions: event.reactions ? clone(event.reactions) : [],
    status: event.sender === me ? status : null,
  };
  if (event.replyTo) m.replyTo = { ...event.replyTo };
  if (event.forwarded) m.forwarded = { ...event.forwarded };
  if (event.editedAt !== undefined) m.editedAt = event.editedAt;
  if (event.deletedAt !== undefined) {
    m.deletedAt = event.deletedAt;
    m.content = null;
    m.reactions = [];
  }
  return m;
}

/**
 * Applies one reaction to a summary, idempotently: an account already listed is not counted
 * twice. (Summaries list at most 50 accounts; beyond that the count is best effort.)
 */
export function applyReaction(reactions: ReactionSummary[], emoji: string, accountId: AccountId, action: 'add' | 'remove'): ReactionSummary[] {
  const out = reactions.map((r) => ({ ...r, accountIds: [...r.accountIds] }));
  const i = out.findIndex((r) => r.emoji === emoji);
  const r = out[i];
  if (action === 'add') {
    if (!r) return [...out, { emoji, count: 1, accountIds: [accountId] }];
    if (r.accountIds.includes(accountId)) return out;
    r.accountIds.push(accountId);
    r.count = Math.max(r.count + 1, r.accountIds.length);
    return out;
  }
  if (!r) return out;
  const listed = r.accountIds.indexOf(accountId);
  if (listed >= 0) r.accountIds.splice(listed, 1);
  else if (r.count <= r.accountIds.length) return out; // not there
  r.count -= 1;
  return r.count <= 0 ? out.filter((_, j) => j !== i) : out;
}

/** Inserts or replaces `message` (by seq) in a seq-ordered list. */
export function upsertBySeq(list: LocalMessage[], message: LocalMessage): void {
  const seq = message.seq ?? 0;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid]!.seq ?? 0) < seq) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo]?.seq === seq) list[lo] = message;
  else list.splice(lo, 0, message);
}

import type {
  AccountId,
  ConversationEvent,
  ConversationId,
  ConversationListItem,
  DeleteEvent,
  EditEvent,
  MessageEvent,
  MessageId,
  Presence,
  ReactionEvent,
  Role,
  SystemEvent,
} from '@ottr/protocol';
import type { StateChange } from './connection.js';
import type { LocalMessage, MessageStatus } from './model.js';
import type { SessionEvent } from './session.js';

/** How an event reached the client. */
export type EventSource = 'live' | 'sync' | 'history' | 'send';

/** A new message from someone else, or from another device of your account. */
export interface MessageNotice {
  conversationId: ConversationId;
  /** The message as cached (status set when it is your own). */
  message: LocalMessage;
  event: MessageEvent;
}

/** An edit, delete or reaction; `message` is the cached message after it (null when not cached). */
export interface ChangeNotice<E> {
  conversationId: ConversationId;
  messageId: MessageId;
  message: LocalMessage | null;
  event: E;
}

/** A member's pointers moved: `own` for your own other devices (read elsewhere). */
export interface ReceiptNotice {
  conversationId: ConversationId;
  accountId: AccountId;
  readSeq: number;
  deliveredSeq: number;
  own: boolean;
}

/** Someone is typing (or stopped: also sent when `expiresInMs` passed without renewal). */
export interface TypingNotice {
  conversationId: ConversationId;
  accountId: AccountId;
  state: 'typing' | 'stopped';
  expiresInMs: number;
}

/** Membership changed: somebody joined, left, was added, removed or got a new role, or your own settings changed. */
export interface MembershipNotice {
  conversationId: ConversationId;
  accountId: AccountId;
  change: 'added' | 'joined' | 'left' | 'removed' | 'role' | 'settings';
  /** True when it is about your own membership. */
  own: boolean;
  role?: Role;
  /** The system event behind it (absent for settings changed on another device). */
  event?: SystemEvent;
  /** The conversation as cached after the change. */
  item: ConversationListItem;
}

/** Your own message's status moved (pending → sent → delivered → read, or failed). */
export interface StatusNotice {
  conversationId: ConversationId;
  clientMsgId: string;
  status: MessageStatus;
  previous: MessageStatus | null;
  message: LocalMessage;
}

/** The cached conversation list changed. */
export interface ConversationsNotice {
  /** The list in order (pinned first, then by activity), active and not archived. */
  items: ConversationListItem[];
  changed: ConversationId[];
}

/** Every event the client emits, by name. */
export interface ClientEvents {
  /** The connection state machine moved. */
  state: StateChange;
  message: MessageNotice;
  edit: ChangeNotice<EditEvent>;
  delete: ChangeNotice<DeleteEvent>;
  reaction: ChangeNotice<ReactionEvent>;
  receipt: ReceiptNotice;
  typing: TypingNotice;
  presence: Presence;
  membership: MembershipNotice;
  /** Conversation created, title or description changed. */
  system: { conversationId: ConversationId; event: SystemEvent };
  conversations: ConversationsNotice;
  status: StatusNotice;
  session: SessionEvent;
  /** Every conversation event, once, in seq order per conversation, as it is applied. */
  event: { event: ConversationEvent; source: EventSource };
  /** Something failed in the background (a store write, a listener that threw, a gap fill). */
  error: { error: unknown; context: string };
}

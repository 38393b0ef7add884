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
  /** Where it arrived. */
  conversationId: ConversationId;
  /** The message as cached (status set when it is your own). */
  message: LocalMessage;
  /** The event as the server sent it. */
  event: MessageEvent;
}

/** An edit, delete or reaction; `message` is the cached message after it (null when not cached). */
export interface ChangeNotice<E> {
  conversationId: ConversationId;
  /** The message changed. */
  messageId: MessageId;
  /** The cached message after the change; null when it is not cached. */
  message: LocalMessage | null;
  /** The edit, delete or reaction event. */
  event: E;
}

/** A member's pointers moved: `own` for your own other devices (read elsewhere). */
export interface ReceiptNotice {
  conversationId: ConversationId;
  /** Whose pointers moved. */
  accountId: AccountId;
  /** Highest seq that account has read. */
  readSeq: number;
  /** Highest seq a device of that account has received. */
  deliveredSeq: number;
  /** Your own account (another of your devices). */
  own: boolean;
}

/** Someone is typing (or stopped: also sent when `expiresInMs` passed without renewal). */
export interface TypingNotice {
  conversationId: ConversationId;
  /** Who types. */
  accountId: AccountId;
  state: 'typing' | 'stopped';
  /** Treat as stopped after this long without a renewal (0 for a `stopped`). */
  expiresInMs: number;
}

/** Membership changed: somebody joined, left, was added, removed or got a new role, or your own settings changed. */
export interface MembershipNotice {
  conversationId: ConversationId;
  /** Whose membership changed. */
  accountId: AccountId;
  /** What happened. */
  change: 'added' | 'joined' | 'left' | 'removed' | 'role' | 'settings';
  /** True when it is about your own membership. */
  own: boolean;
  /** The role after the change, when it has one. */
  role?: Role;
  /** The system event behind it (absent for settings changed on another device). */
  event?: SystemEvent;
  /** The conversation as cached after the change. */
  item: ConversationListItem;
}

/** Your own message's status moved (pending → sent → delivered → read, or failed). */
export interface StatusNotice {
  conversationId: ConversationId;
  /** Which of your messages (its id is not known while pending). */
  clientMsgId: string;
  /** The new status. */
  status: MessageStatus;
  /** The status before (null for the first, `pending`). */
  previous: MessageStatus | null;
  /** The message now. */
  message: LocalMessage;
}

/** The cached conversation list changed. */
export interface ConversationsNotice {
  /** The list in order (pinned first, then by activity), active and not archived. */
  items: ConversationListItem[];
  /** The conversations that changed. */
  changed: ConversationId[];
}

/** Every event the client emits, by name. */
export interface ClientEvents {
  /** The connection state machine moved. */
  state: StateChange;
  /** A new message from someone else or another device of yours (yours from this device: `status`). */
  message: MessageNotice;
  /** A message was edited. */
  edit: ChangeNotice<EditEvent>;
  /** A message was deleted for everyone. */
  delete: ChangeNotice<DeleteEvent>;
  /** A reaction was added or taken back. */
  reaction: ChangeNotice<ReactionEvent>;
  /** A member's read/delivered pointers moved. */
  receipt: ReceiptNotice;
  /** Someone types or stopped. */
  typing: TypingNotice;
  /** A watched account came online or went offline. */
  presence: Presence;
  /** Membership changes: joins, leaves, roles, your own settings. */
  membership: MembershipNotice;
  /** Conversation created, title or description changed. */
  system: { conversationId: ConversationId; event: SystemEvent };
  /** The cached conversation list changed. */
  conversations: ConversationsNotice;
  /** Your message's status moved. */
  status: StatusNotice;
  /** Signed in, tokens rotated, session ended by the server, signed out. */
  session: SessionEvent;
  /** Every conversation event, once, in seq order per conversation, as it is applied. */
  event: { event: ConversationEvent; source: EventSource };
  /** Something failed in the background (a store write, a listener that threw, a gap fill). */
  error: { error: unknown; context: string };
}

import type { AccountId, ConversationId, DeviceId, EventId, MessageId } from '@ottr/protocol';
import type { AppendResult, Store } from '@ottr/server';

/** Two accounts and their direct conversation, with fixed ids. */
export async function seedDirect(store: Store): Promise<{ a: AccountId; b: AccountId; id: ConversationId }> {
  const a = 'acc_01J000000000000000000000AA' as AccountId;
  const b = 'acc_01J000000000000000000000BB' as AccountId;
  for (const id of [a, b]) {
    await store.accounts.create({ id, phone: null, email: null, displayName: id, about: '', avatar: null, presencePrivacy: 'everyone', createdAt: 1 });
  }
  const id = 'cnv_01J000000000000000000000CC' as ConversationId;
  await store.conversations.getOrCreateDirect(a, b, id, 'evt_01J000000000000000000000DD' as EventId, 2);
  return { a, b, id };
}

let n = 0;

export function send(store: Store, id: ConversationId, sender: AccountId, text: string): Promise<AppendResult> {
  n++;
  return store.events.append({
    type: 'message', id: `msg_${process.pid}_${n}_${Math.random()}` as MessageId, conversationId: id, sender, at: Date.now(),
    deviceId: 'dev_seed' as DeviceId, clientMsgId: `${process.pid}-${n}-${Math.random()}`, content: { kind: 'text', text },
  });
}

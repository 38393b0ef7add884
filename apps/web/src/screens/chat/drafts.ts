import type { AccountId, ConversationId } from '@ottr/sdk/browser';

/** Where a chat's unsent text is kept (per account and conversation, so accounts on one browser do not mix). */
export function draftKey(me: AccountId, id: ConversationId): string {
  return `ottr.draft.${me}.${id}`;
}

/** The saved draft ('' when none or storage is unavailable). */
export function loadDraft(storage: Pick<Storage, 'getItem'> | undefined, key: string): string {
  try {
    return storage?.getItem(key) ?? '';
  } catch {
    return '';
  }
}

/** Saves a draft; an empty one is removed. Storage errors (full, disabled) only lose the draft. */
export function saveDraft(storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined, key: string, text: string): void {
  try {
    if (text.trim() === '') storage?.removeItem(key);
    else storage?.setItem(key, text);
  } catch {
    // A draft is a convenience: nothing to tell the user.
  }
}

/** Why a text cannot be sent, or null: empty, or over the protocol's size limit (UTF-8 bytes). */
export function sendProblem(text: string, maxBytes: number): string | null {
  if (text.trim() === '') return 'empty';
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > maxBytes) return `This message is too long (${Math.ceil(bytes / 1024)} KB; the limit is ${Math.floor(maxBytes / 1024)} KB). Shorten it or split it.`;
  return null;
}

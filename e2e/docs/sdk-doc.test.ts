import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createClient, type ClientEvents } from '@ottr/sdk/node';

const doc = readFileSync(fileURLToPath(new URL('../../docs/sdk.md', import.meta.url)), 'utf8');

/** Methods the client calls on its own API groups (not for apps). */
const INTERNAL = new Set(['constructor', 'sent', 'received', 'stopAll', 'resubscribe', 'uploadOpened', 'stream']);

/** Public methods (not getters) of an object's class. */
function methods(o: object): string[] {
  const proto = Object.getPrototypeOf(o) as object;
  return Object.getOwnPropertyNames(proto).filter((n) => !INTERNAL.has(n) && typeof Object.getOwnPropertyDescriptor(proto, n)?.value === 'function');
}

/** docs/sdk.md is how apps learn the SDK: every public method and event must be in it. */
describe('docs/sdk.md', () => {
  const client = createClient({ baseUrl: 'http://127.0.0.1:9' });
  const groups = { auth: client.auth, profile: client.profile, devices: client.devices, blocks: client.blocks, presence: client.presence, typing: client.typing, conversations: client.conversations, messages: client.messages, media: client.media, stickers: client.stickers, push: client.push };

  it.each(Object.entries(groups))('documents every method of client.%s', (_name, group) => {
    expect(methods(group).filter((m) => !doc.includes(`${m}(`))).toEqual([]);
  });

  it('documents every method of the client itself', () => {
    expect(methods(client).filter((m) => !doc.includes(`${m}(`))).toEqual([]);
  });

  it('lists every event in the events table', () => {
    const events: (keyof ClientEvents)[] = ['state', 'message', 'edit', 'delete', 'reaction', 'receipt', 'typing', 'presence', 'membership', 'system', 'conversations', 'status', 'session', 'event', 'error'];
    expect(events.filter((e) => !new RegExp(`^\\| \`${e}\` \\|`, 'm').test(doc))).toEqual([]);
  });
});

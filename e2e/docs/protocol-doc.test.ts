import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLOSE, ClientFrameSchemas, ERROR_CODES, ROUTES, ServerFrameSchema } from '@ottr/protocol';

const doc = readFileSync(fileURLToPath(new URL('../../docs/protocol.md', import.meta.url)), 'utf8');

/** docs/protocol.md is the wire contract: everything on the wire must be in it. */
describe('docs/protocol.md', () => {
  it('lists every REST route', () => {
    const missing = Object.values(ROUTES)
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !doc.includes(r));
    expect(missing).toEqual([]);
  });

  it('lists every error code', () => {
    expect(ERROR_CODES.filter((c) => !doc.includes(`\`${c}\``))).toEqual([]);
  });

  it('lists every close code', () => {
    expect(Object.values(CLOSE).filter((c) => !new RegExp(`^\\| ${c} \\|`, 'm').test(doc))).toEqual([]);
  });

  it('describes every client and server frame type', () => {
    const server = ServerFrameSchema.anyOf.map((s) => (s.properties as { type: { const: string } }).type.const);
    const types = [...Object.keys(ClientFrameSchemas), ...server];
    expect(types.filter((t) => !doc.includes(`\`${t}\``))).toEqual([]);
  });
});

import { expect, test } from 'vitest';
import { XmlFramer } from './xml-framer.js';

function frame(chunks: string[]): { opens: number; elements: string[]; closed: boolean } {
  const out = { opens: 0, elements: [] as string[], closed: false };
  const framer = new XmlFramer({
    streamOpen: () => out.opens++,
    element: (name, raw) => out.elements.push(`${name}|${raw}`),
    streamClose: () => (out.closed = true),
  });
  for (const c of chunks) framer.push(c);
  return out;
}

const STREAM =
  `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='1' version='1.0'>` +
  `<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>` +
  `<message from='a@x/r' to='b@x' type='chat' id="q>1"><body>1 &lt; 2</body></message>` +
  `<presence/>` +
  ` <iq type='result' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>b@x/r</jid></bind></iq>` +
  `</stream:stream>`;

const EXPECTED = [
  `stream:features|<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`,
  `message|<message from='a@x/r' to='b@x' type='chat' id="q>1"><body>1 &lt; 2</body></message>`,
  `presence|<presence/>`,
  `iq|<iq type='result' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>b@x/r</jid></bind></iq>`,
];

test('splits a stream into its header, top-level elements and close, in one chunk', () => {
  expect(frame([STREAM])).toEqual({ opens: 1, elements: EXPECTED, closed: true });
});

test('gives the same elements whatever the chunk boundaries', () => {
  for (const size of [1, 2, 3, 7, 64]) {
    const chunks: string[] = [];
    for (let i = 0; i < STREAM.length; i += size) chunks.push(STREAM.slice(i, i + size));
    expect([size, frame(chunks)]).toEqual([size, { opens: 1, elements: EXPECTED, closed: true }]);
  }
});

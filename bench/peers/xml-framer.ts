// A minimal streaming XML framer for XMPP: it splits the bytes of one stream into the stream
// header and its top-level elements (stanzas and nonzas), each handed over as raw text with its
// element name. It does not build a tree or check well-formedness: the peers are trusted
// servers, and the load client only needs framing plus a few regexes on small elements.

export interface FramerEvents {
  streamOpen(raw: string): void;
  element(name: string, raw: string): void;
  streamClose(): void;
}

export class XmlFramer {
  private buf = '';
  private pos = 0;
  private depth = 0; // 0 outside the stream, 1 inside it between elements, >1 inside an element
  private start = -1; // where the current top-level element starts in buf
  private name = '';

  constructor(private readonly on: FramerEvents) {}

  /** Forgets everything: the server is about to open a new stream (after SASL success). */
  reset(): void {
    this.buf = '';
    this.pos = 0;
    this.depth = 0;
    this.start = -1;
  }

  push(chunk: string): void {
    if (this.start < 0 && this.pos >= this.buf.length) {
      this.buf = chunk;
      this.pos = 0;
    } else this.buf += chunk;
    this.scan();
    // Keep only what is still needed: the element in progress, or the unscanned tail.
    const keep = this.start >= 0 ? this.start : this.pos;
    if (keep > 0) {
      this.buf = this.buf.slice(keep);
      this.pos -= keep;
      if (this.start >= 0) this.start = 0;
    }
  }

  private scan(): void {
    const buf = this.buf;
    for (;;) {
      const lt = buf.indexOf('<', this.pos);
      if (lt < 0) {
        this.pos = buf.length;
        return;
      }
      const next = buf.charCodeAt(lt + 1);
      if (Number.isNaN(next)) {
        this.pos = lt;
        return;
      }
      if (next === 63 /* ? */ || next === 33 /* ! */) {
        const close = next === 63 ? '?>' : buf.startsWith('<!--', lt) ? '-->' : ']]>';
        const end = buf.indexOf(close, lt + 2);
        if (end < 0) {
          this.pos = lt;
          return;
        }
        this.pos = end + close.length;
        continue;
      }
      const gt = tagEnd(buf, lt + 1);
      if (gt < 0) {
        this.pos = lt;
        return;
      }
      this.pos = gt + 1;
      if (next === 47 /* / */) {
        this.depth--;
        if (this.depth === 1) this.emit(gt + 1);
        else if (this.depth <= 0) {
          this.depth = 0;
          this.on.streamClose();
        }
        continue;
      }
      const name = tagName(buf, lt + 1);
      if (name === 'stream:stream' || name === 'stream') {
        this.depth = 1;
        this.start = -1;
        this.on.streamOpen(buf.slice(lt, gt + 1));
        continue;
      }
      const selfClosing = buf.charCodeAt(gt - 1) === 47;
      if (this.depth === 1) {
        this.start = lt;
        this.name = name;
        if (selfClosing) this.emit(gt + 1);
        else this.depth = 2;
      } else if (!selfClosing) this.depth++;
    }
  }

  private emit(end: number): void {
    const raw = this.buf.slice(this.start, end);
    this.start = -1;
    this.on.element(this.name, raw);
  }
}

/** Index of the '>' that ends the tag opened before `from`, skipping quoted attribute values; -1 if not there yet. */
function tagEnd(buf: string, from: number): number {
  let quote = 0;
  for (let i = from; i < buf.length; i++) {
    const c = buf.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return i;
  }
  return -1;
}

function tagName(buf: string, from: number): string {
  let i = from;
  while (i < buf.length) {
    const c = buf.charCodeAt(i);
    if (c === 32 || c === 62 || c === 47 || c === 9 || c === 10 || c === 13) break;
    i++;
  }
  return buf.slice(from, i);
}

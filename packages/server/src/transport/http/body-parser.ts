import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LIMITS } from '@ottr/protocol';
import { AppError } from '../../errors/index.js';

type Done = (err: Error | null, body?: unknown) => void;
type JsonParser = (req: FastifyRequest, body: string, done: Done) => void;

/**
 * Accepts only `application/json` (any other type is 415), at most LIMITS.bodyBytes (413), strict
 * UTF-8 (invalid bytes are `malformed_json`, not silently replaced), parsed by Fastify's
 * prototype-poisoning-safe JSON parser. An empty body counts as no body, so clients that always
 * send `Content-Type: application/json` can still DELETE; routes that need a body reject it
 * in validation.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error') as unknown as JsonParser;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: LIMITS.bodyBytes }, (req, raw: Buffer, done: Done) => {
    if (raw.length === 0) {
      done(null, undefined);
      return;
    }
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      done(new AppError('malformed_json', 'The body is not valid UTF-8'));
      return;
    }
    parseJson(req, text, done);
  });
}

import type { ValueError } from '@sinclair/typebox/errors';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ClientFrameSchemas, LIMITS, type ClientFrameType, type ErrorCode } from '@ottr/protocol';

/** A client frame that passed every check: its type is known and it matches its schema. */
export interface ParsedFrame {
  ok: true;
  type: ClientFrameType;
  id: string | undefined;
  frame: Record<string, unknown>;
}

/** Why a client frame was rejected; `id` is echoed in the error frame when it could be read. */
export interface RejectedFrame {
  ok: false;
  code: ErrorCode;
  message: string;
  id: string | undefined;
  /** The frame type for metrics: a known type, `unknown` or `invalid`. */
  metricType: string;
}

export type InboundResult = ParsedFrame | RejectedFrame;

/** Each client frame schema compiled once, at module load. */
const VALIDATORS = Object.fromEntries(
  Object.entries(ClientFrameSchemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
) as { [K in ClientFrameType]: TypeCheck<(typeof ClientFrameSchemas)[K]> };

export function isClientFrameType(type: string): type is ClientFrameType {
  return Object.hasOwn(VALIDATORS, type);
}

function reject(code: ErrorCode, message: string, id?: string, metricType = 'invalid'): RejectedFrame {
  return { ok: false, code, message, id, metricType };
}

/**
 * Checks one WebSocket message, in this order: larger than LIMITS.frameBytes →
 * `frame_too_large`; binary → `bad_request`; not JSON → `malformed_json`; not an object with a string
 * `type` → `bad_request`; a type that is not a client frame → `unknown_frame`; schema mismatch →
 * `validation_failed` naming the first failing path.
 */
export function parseInbound(data: Buffer, isBinary: boolean): InboundResult {
  if (data.byteLength > LIMITS.frameBytes) {
    return reject('frame_too_large', `The frame has ${data.byteLength} bytes; the limit is ${LIMITS.frameBytes}`);
  }
  if (isBinary) return reject('bad_request', 'Binary frames are not accepted; send JSON text frames');
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return reject('malformed_json', 'The frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('bad_request', 'A frame must be a JSON object with a string "type"');
  }
  const frame = value as Record<string, unknown>;
  const id = typeof frame.id === 'string' ? frame.id : undefined;
  const type = frame.type;
  if (typeof type !== 'string') return reject('bad_request', 'A frame must be a JSON object with a string "type"', id);
  if (!isClientFrameType(type)) return reject('unknown_frame', `Unknown frame type "${truncate(type, 64)}"`, id, 'unknown');
  const validator = VALIDATORS[type];
  if (!validator.Check(frame)) {
    const first = validator.Errors(frame).First();
    const { path, message } = first ? explain(first) : { path: '', message: 'does not match the schema' };
    return reject('validation_failed', `${type}: ${path || '/'}: ${message}`, id, type);
  }
  return { ok: true, type, id, frame };
}

/**
 * A readable message for a schema error. TypeBox reports a failed union as "Expected union
 * value"; instead, name the first error of the variant the value was meant to be (the first one
 * whose literal discriminator, e.g. `kind`, matched), or list the accepted literals.
 */
function explain(e: ValueError): { path: string; message: string } {
  if (e.errors.length === 0) return { path: e.path, message: e.message };
  const discriminator = (v: ValueError) => isLiteral(v) && (v.path === e.path || parentOf(v.path) === e.path);
  const accepted: string[] = [];
  let at = e.path;
  for (const variant of e.errors) {
    const errors = [...variant];
    const wrong = errors.find(discriminator);
    if (!wrong) return errors[0] ? explain(errors[0]) : { path: e.path, message: e.message };
    at = wrong.path;
    accepted.push(JSON.stringify((wrong.schema as { const?: unknown }).const));
  }
  return { path: at, message: `Expected one of ${[...new Set(accepted)].join(', ')}` };
}

function isLiteral(e: ValueError): boolean {
  return (e.schema as { const?: unknown }).const !== undefined;
}

function parentOf(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

import type { TSchema } from '@sinclair/typebox';
import type { ValueError } from '@sinclair/typebox/errors';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { AppError } from '../../errors/index.js';

/** Where a value came from; used as the first segment of error paths (`query.limit`). */
export type InputPart = 'params' | 'query' | 'body' | 'response';

export type ValidationResult = { value: unknown } | { error: AppError };

const MAX_REPORTED = 5;
const MAX_SEGMENT = 64;
const MAX_DETAIL = 600;
/** Errors counted per union variant to rank the variants (bounded: input may be huge). */
const RANK_LIMIT = 20;

/**
 * Compiles a schema once (at startup) into a validator that never throws. Query strings and
 * path parameters arrive as strings: their integer and boolean fields are converted strictly
 * (`"12"` → 12, `"true"` → true; `"1e3"`, `"0x10"`, `" 5"` stay strings and fail the check).
 * JSON numbers outside ±(2^53 − 1) are rejected everywhere: they cannot be represented exactly.
 */
export function compileValidator(schema: TSchema, part: InputPart): (data: unknown) => ValidationResult {
  const check = TypeCompiler.Compile(schema);
  const coerce = part === 'query' || part === 'params';
  return (data) => {
    try {
      const value = coerce ? coerceStrings(schema, data) : data;
      if (!check.Check(value)) return { error: new AppError('validation_failed', describe(check, value, part)) };
      const unsafe = findUnsafeNumber(value, part);
      if (unsafe !== null) return { error: new AppError('validation_failed', `${unsafe}: number out of range (beyond ±2^53−1)`) };
      return { value };
    } catch (err) {
      // Only reachable through a bug in the checker; still an answer about the input.
      return { error: new AppError('validation_failed', `${part}: could not be validated`, { cause: err }) };
    }
  };
}

/** Checks a handler's output against its response schema (tests; see HttpAppOptions.checkResponses). */
export function compileResponseCheck(schema: TSchema): (value: unknown) => string | null {
  const check = TypeCompiler.Compile(schema);
  return (value) => (check.Check(value) ? null : describe(check, value, 'response'));
}

const INTEGER = /^-?(?:0|[1-9][0-9]{0,15})$/;
const NUMBER = /^-?(?:0|[1-9][0-9]{0,15})(?:\.[0-9]{1,16})?$/;

function scalarType(schema: TSchema | undefined): string | undefined {
  const t = (schema as { type?: unknown } | undefined)?.type;
  return typeof t === 'string' ? t : undefined;
}

/** Strict string → integer/number/boolean conversion of the top-level properties of an object schema. */
function coerceStrings(schema: TSchema, data: unknown): unknown {
  const props = (schema as { properties?: Record<string, TSchema> }).properties;
  if (!props || data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(data as Record<string, unknown>)) {
    out[key] = typeof raw === 'string' ? convert(scalarType(props[key]), raw) : raw;
  }
  return out;
}

function convert(type: string | undefined, raw: string): unknown {
  switch (type) {
    case 'integer':
      return INTEGER.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : raw;
    case 'number':
      return NUMBER.test(raw) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    default:
      return raw;
  }
}

/** The path of the first number beyond the safe integer range, or null. Iterative: depth is unbounded. */
function findUnsafeNumber(root: unknown, part: InputPart): string | null {
  const stack: [unknown, string][] = [[root, part]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'number') {
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return path;
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push([value[i], `${path}[${i}]`]);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) stack.push([v, `${path}.${segment(k)}`]);
    }
  }
  return null;
}

function segment(key: string): string {
  return key.length > MAX_SEGMENT ? `${key.slice(0, MAX_SEGMENT)}…` : key;
}

/** `/content/mentions/0/offset` under `body` → `body.content.mentions[0].offset`. */
export function formatPath(part: InputPart, pointer: string): string {
  if (pointer === '') return part;
  let out: string = part;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^[0-9]+$/.test(key) ? `[${key}]` : `.${segment(key)}`;
  }
  return out;
}

/**
 * A readable account of why `value` failed: which fields, what was expected. For a union, the
 * variant that came closest (fewest errors) is explained instead of "Expected union value".
 */
function describe(check: TypeCheck<TSchema>, value: unknown, part: InputPart): string {
  const lines: string[] = [];
  collect(check.Errors(value), part, lines);
  const detail = lines.length > 0 ? lines.join('; ') : `${part}: does not match the schema`;
  return detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}…` : detail;
}

function collect(errors: Iterable<ValueError>, part: InputPart, lines: string[]): void {
  const seen = new Set<string>();
  for (const error of errors) {
    if (lines.length >= MAX_REPORTED) return;
    if (error.errors.length > 0) {
      const best = closestVariant(error.errors);
      if (best.length > 0) {
        collect(best, part, lines);
        continue;
      }
    }
    const path = formatPath(part, error.path);
    // "Expected required property" is followed by "Expected <type>" for the same path: keep one.
    if (seen.has(path)) continue;
    seen.add(path);
    lines.push(`${path}: ${error.message}`);
  }
}

function closestVariant(variants: Iterable<ValueError>[]): ValueError[] {
  let best: ValueError[] = [];
  let bestScore = Infinity;
  for (const variant of variants) {
    const errors: ValueError[] = [];
    for (const e of variant) {
      errors.push(e);
      if (errors.length >= RANK_LIMIT) break;
    }
    // A wrong literal (a discriminator like `kind` or `type`) makes a variant an unlikely intent.
    const score = errors.length + (errors.some((e) => e.schema.const !== undefined) ? RANK_LIMIT : 0);
    if (score < bestScore) {
      best = errors;
      bestScore = score;
    }
  }
  return best;
}

import type { MiddlewareHandler } from 'hono';
import { AppError } from '../kernel/errors.ts';
import type { AppEnv } from './context.ts';
import { errorResponse } from './errors.ts';

const jsonMediaType = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Refuses, before any schema sees them, the JSON bodies that `JSON.parse` would quietly change:
 *
 * - a number whose text is not an integer but parses to one (`1.0000000000000001` → 1): doubles
 *   round, and an amount must be what the client wrote. `1000.0` and `1e3` are exact and pass;
 *   an integer beyond 2^53 is left to the schema (an amount: "at most …").
 * - a `__proto__` key: schemas built on plain objects drop it without a word.
 * - a string with an unpaired surrogate (`"\ud800"`): ill-formed Unicode, which stored and shown to
 *   others would break their strict JSON parsers.
 *
 * Each is a 400 `validation_failed` naming the field. A body that is not UTF-8 is a 400
 * `invalid_json` (not text with U+FFFD where bytes were). A body that is not JSON at all passes
 * through, so the route's validator answers `invalid_json` as before. An empty body (many clients
 * send `Content-Type: application/json` on every request) reads as no body, as it does without
 * the header: `{}`, so a route whose body is optional takes it, and one that needs fields names
 * the first one missing.
 */
export function strictJsonBodies(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = c.req.header('content-type');
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || !type || !jsonMediaType.test(type))
      return next();
    let text: string;
    try {
      text = utf8.decode(await c.req.arrayBuffer());
    } catch {
      return errorResponse(c, new AppError('invalid_json', 'the request body is not valid UTF-8 text'));
    }
    // Later reads (the route's validator) take this text, not the bytes decoded again.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    if (text.trim() === '') {
      // Hono's `json()` parses the cached text (its type says string; it holds the promise).
      (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve('{}');
      return next();
    }
    const problem = strictJsonProblem(text);
    return problem ? errorResponse(c, problem) : next();
  };
}

/** Refuses bytes that are not UTF-8 instead of turning them into U+FFFD without a word. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Stands in, after parsing, for a number that is not what its text says. */
interface Inexact {
  readonly inexactSource: string;
}
/** The stand-ins made by `reviveInexact`, so no client object can pass for one. */
const inexactMarkers = new WeakSet<object>();

const mayHideProblem = /\d[.eE]|__proto__|\\u/;

/** What is wrong with this JSON text (see `strictJsonBodies`); undefined when fine or not JSON. */
export function strictJsonProblem(text: string): AppError | undefined {
  // Every body is parsed again by its route's validator, so the reviver's second parse (the
  // costly one) runs only where it can find something: an inexact integer needs a digit before
  // `.`, `e` or `E`, and a `__proto__` key is spelled out or escaped with `\u`.
  if (!mayHideProblem.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, reviveInexact);
  } catch {
    return undefined;
  }
  return problemIn(parsed, []);
}

// Node 24's JSON.parse hands a reviver each primitive's source text (the third argument).
function reviveInexact(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number' || !Number.isInteger(value) || context?.source === undefined) return value;
  if (isIntegerText(context.source)) return value;
  const marker: Inexact = { inexactSource: context.source };
  inexactMarkers.add(marker);
  return marker;
}

/** Whether a JSON number's text denotes an integer exactly (`1.0`, `1e3`, `-0` do; `1.5e0` does not). */
export function isIntegerText(source: string): boolean {
  const match = /^-?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(source);
  if (!match) return false;
  const fraction = match[2] ?? '';
  let digits = `${match[1]}${fraction}`.replace(/^0+/, '');
  let scale = Number(match[3] ?? '0') - fraction.length;
  if (digits === '') return true;
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale += 1;
  }
  return scale >= 0;
}

function problemIn(value: unknown, path: string[]): AppError | undefined {
  if (typeof value === 'string' && !value.isWellFormed()) {
    const param = path.join('.');
    return new AppError(
      'validation_failed',
      `${param || 'body'}: holds an unpaired surrogate (\\ud800–\\udfff alone); send well-formed Unicode`,
      param === '' ? {} : { param },
    );
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (inexactMarkers.has(value)) {
    const param = path.join('.');
    return new AppError(
      'validation_failed',
      `${param || 'body'}: ${(value as Inexact).inexactSource} is not an exact integer; write the number you mean`,
      param === '' ? {} : { param },
    );
  }
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) {
    const param = [...path, '__proto__'].join('.');
    return new AppError('validation_failed', `${param}: "__proto__" is not allowed as a key`, { param });
  }
  for (const [key, child] of Object.entries(value)) {
    const problem = problemIn(child, [...path, key]);
    if (problem) return problem;
  }
  return undefined;
}

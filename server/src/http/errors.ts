import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { AppError, type ErrorCode } from '../kernel/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { InvalidCursorError } from '../platform/store.ts';
import type { AppEnv } from './context.ts';

/**
 * A message as a sentence, the way an API's users read it: a capital first letter and a full
 * stop. Services write them in lower case so they compose (`"amount: " + issue`); a message that
 * starts with a field path or an id (`card.exp_year: …`, `mer_1 …`) keeps its first word as is.
 *
 * @example asSentence('insufficient funds for this transfer') // 'Insufficient funds for this transfer.'
 */
export function asSentence(message: string): string {
  const first = /^[^\s:]*/.exec(message)?.[0] ?? '';
  const capital = /[._]|\d/.test(first) ? message : message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?…)"'`]$/.test(capital) ? capital : `${capital}.`;
}

/** The error body every route returns: `{ error: { type, code, message, param, request_id } }`. */
export function errorBody(error: AppError, requestId: string | undefined) {
  return {
    error: {
      type: error.type,
      code: error.code,
      message: asSentence(error.message),
      ...(error.param !== undefined ? { param: error.param } : {}),
      ...(error.details ?? {}),
      request_id: requestId,
    },
  };
}

export function errorResponse(c: Context<AppEnv>, error: AppError): Response {
  return c.json(errorBody(error, c.get('requestId')), error.status);
}

/** Renders the first zod issue as a `validation_failed` error naming the field. */
export function validationError(error: ZodError, target: string): AppError {
  const issue = error.issues[0];
  // An unrecognized key is named by the key itself, under the object that holds it.
  const key = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const path = [...(issue?.path.map(String) ?? []), ...(key !== undefined ? [key] : [])].join('.');
  const param = path === '' ? undefined : path;
  // A message that already names its field ("interval must be one of …") is not prefixed again.
  const field = param?.split('.').at(-1);
  const named = field !== undefined && issue?.message.startsWith(`${field} `);
  const message = issue
    ? key !== undefined
      ? `${param}: no such field here`
      : named
        ? issue.message
        : `${param ?? target}: ${issue.message}`
    : `invalid ${target}`;
  return new AppError('validation_failed', message, param === undefined ? {} : { param });
}

/**
 * The `defaultHook` for every OpenAPIHono app: a failed schema check becomes a 400 naming the
 * field instead of the library's default body.
 */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target: string },
  c: Context<AppEnv>,
): Response | undefined {
  if (!result.success) return errorResponse(c, validationError(result.error, result.target));
  return undefined;
}

/** `app.onError`: typed errors become their status; anything else is a logged 500 that leaks nothing. */
export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context<AppEnv>): Response => {
    if (error instanceof AppError) return errorResponse(c, error);
    // Cursors are opaque: a malformed `starting_after` is the client's mistake, on every list route.
    if (error instanceof InvalidCursorError) {
      return errorResponse(
        c,
        new AppError('validation_failed', 'starting_after is not a valid cursor', {
          param: 'starting_after',
        }),
      );
    }
    if (error instanceof HTTPException) {
      if (error.status === 415) {
        return errorResponse(
          c,
          new AppError(
            'unsupported_media_type',
            'the request body must be JSON (Content-Type: application/json)',
            {
              param: 'Content-Type',
            },
          ),
        );
      }
      const code: ErrorCode =
        error.status === 413
          ? 'body_too_large'
          : error.status === 401
            ? 'unauthenticated'
            : /json/i.test(error.message)
              ? 'invalid_json'
              : 'invalid_request';
      return errorResponse(
        c,
        new AppError(
          code,
          code === 'invalid_json' ? 'the request body is not valid JSON' : error.message || 'invalid request',
        ),
      );
    }
    if (error instanceof SyntaxError)
      return errorResponse(c, new AppError('invalid_json', 'the request body is not valid JSON'));
    logger.error('unhandled error', {
      request_id: c.get('requestId'),
      error: String(error),
      stack: error.stack,
    });
    return errorResponse(c, new AppError('internal_error', 'an internal error occurred; it has been logged'));
  };
}

import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from './context.ts';
import { validationHook } from './errors.ts';

/** Every module's routes are an OpenAPIHono app with the shared validation hook. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

export const errorSchema = z
  .object({
    error: z.object({
      type: z.string().openapi({ example: 'invalid_request_error' }),
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      param: z.string().optional().openapi({ example: 'amount' }),
      request_id: z.string().optional(),
    }),
  })
  .openapi('Error');

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { 'application/json': { schema } }, required: true };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

/** The error responses a route can answer, by status. */
export function errorResponses(...statuses: Array<400 | 401 | 402 | 403 | 404 | 409 | 422 | 429>) {
  const descriptions: Record<number, string> = {
    400: 'Invalid request: the field at fault is named in `param`',
    401: 'Missing, invalid or expired credentials',
    402: 'Declined: insufficient funds',
    403: 'Not allowed for this caller',
    404: 'Not found (or not visible to this caller)',
    409: "Conflicts with the object's current state, or the idempotency key is in use",
    422: 'Idempotency key reused with another request, or unprocessable input',
    429: 'Rate limited; see Retry-After',
  };
  return Object.fromEntries(
    statuses.map((status) => [status, jsonResponse(errorSchema, descriptions[status]!)]),
  );
}

export const bearerSecurity = [{ bearerAuth: [] }];

export const idempotencyHeaderSchema = z.object({
  'idempotency-key': z
    .string()
    .max(255)
    .optional()
    .openapi({ description: 'Makes the POST safe to retry: a replay returns the stored response.' }),
});

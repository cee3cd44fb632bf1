import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { bearerSecurity, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts';
import { AppError } from '../kernel/errors.ts';
import type { RateLimiter } from '../platform/rate-limiter.ts';
import { resolveUser, type WalletDeps } from './service.ts';

/**
 * Checks per sender: enough for someone typing a few recipients (and correcting typos), far too
 * few to walk a list of emails to learn who uses Sluice.
 */
export const recipientChecksPerWindow = 20;
export const recipientCheckWindowSeconds = 600;

const recipientCheckSchema = z
  .object({
    to: z
      .string()
      .min(1, { error: 'to is required: an email or a user id' })
      .max(320)
      .openapi({ example: 'bob@example.com' }),
  })
  .strict()
  .openapi('RecipientCheck');

const recipientSchema = z
  .object({
    name: z.string().openapi({ example: 'Bob Lee' }),
    email: z.string().openapi({ example: 'bob@example.com' }),
  })
  .openapi('Recipient', {
    description: 'Who a transfer to `to` would reach: their name and email, nothing else.',
  });

const route = createRoute({
  method: 'post',
  path: '/v1/wallet/recipient-check',
  tags: ['Wallet'],
  security: bearerSecurity,
  summary: 'Who a transfer would reach, before you confirm it',
  description: `Answers the name behind an email (or user id), so the sender can confirm the right person before any money moves. It moves nothing. Limited to ${recipientChecksPerWindow} checks per ${recipientCheckWindowSeconds / 60} minutes per user, so it cannot be used to test a list of emails; a refusal is a 429 with \`Retry-After\`.`,
  request: { body: jsonBody(recipientCheckSchema) },
  responses: {
    200: jsonResponse(recipientSchema, 'The recipient'),
    ...errorResponses(400, 401, 404, 429),
  },
});

/** Counts one check by `userId`; `rate_limited` (with `Retry-After`) past the limit. */
async function countCheck(c: Context<AppEnv>, limiter: RateLimiter, userId: string, now: number) {
  const result = await limiter.consume({
    key: `wallet:recipient-check:${userId}`,
    limit: recipientChecksPerWindow,
    windowSeconds: recipientCheckWindowSeconds,
    now,
  });
  if (result.allowed) return;
  const retryAfter = Math.max(1, Math.ceil((result.resetAt - now) / 1000));
  c.header('Retry-After', String(retryAfter));
  throw new AppError('rate_limited', 'too many recipient checks; wait and try again', {
    details: { retry_after: retryAfter },
  });
}

/** `POST /v1/wallet/recipient-check`: the Send form's check before its confirm step. */
export function recipientCheckRoutes(deps: WalletDeps, limiter: RateLimiter) {
  const app = createRouter();
  app.openapi(route, async (c) => {
    const userId = c.var.principal.userId;
    await countCheck(c, limiter, userId, deps.clock.now());
    const recipient = await resolveUser(deps, c.req.valid('json').to, 'to');
    if (recipient.id === userId)
      throw new AppError('self_transfer', 'you cannot send money to yourself', { param: 'to' });
    return c.json({ name: recipient.name, email: recipient.email }, 200);
  });
  return app;
}

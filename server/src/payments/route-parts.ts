import { createRoute, z } from '@hono/zod-openapi';
import {
  bearerSecurity,
  errorResponses,
  idempotencyHeaderSchema,
  jsonBody,
  jsonResponse,
} from '../http/openapi.ts';
import { listSchema } from '../http/schemas.ts';
import type { MerchantActor } from './service.ts';

/** What the merchant API's route files (payments, settlements, disputes) share. */

export const tags = ['Payments sandbox'];
export const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
/** The merchant API: an `sk_test_…` key, or a user token with `Sluice-Merchant: mer_…`. */
export const merchantHeaders = z.object({
  'sluice-merchant': z
    .string()
    .optional()
    .openapi({ description: 'With a user access token: the merchant to act as (its owner only).' }),
});
export const mutatingHeaders = merchantHeaders.extend(idempotencyHeaderSchema.shape);

/**
 * `GET path`: a page of the merchant's objects, newest first; `query` is `paginationQuerySchema`
 * or an extension of it (filters).
 *
 * @example listRoute('/v1/disputes', disputeSchema, 'Your disputes, newest first', 'A page of disputes', paginationQuerySchema)
 */
export function listRoute<T extends z.ZodType, Q extends z.ZodObject>(
  path: string,
  item: T,
  summary: string,
  description: string,
  query: Q,
) {
  return createRoute({
    method: 'get',
    path,
    tags,
    security: bearerSecurity,
    summary,
    request: { headers: merchantHeaders, query },
    responses: { 200: jsonResponse(listSchema(item), description), ...errorResponses(400, 401, 429) },
  });
}

/** `GET path` with an `{id}`: one of the merchant's objects (404 for anyone else's). */
export function getRoute<T extends z.ZodType>(path: string, item: T, summary: string, description: string) {
  return createRoute({
    method: 'get',
    path,
    tags,
    security: bearerSecurity,
    summary,
    request: { headers: merchantHeaders, params: idParam },
    responses: { 200: jsonResponse(item, description), ...errorResponses(401, 404, 429) },
  });
}

/** `POST path` with a JSON `body` that creates one object (201); safe to retry with `Idempotency-Key`. */
export function createObjectRoute<B extends z.ZodType, T extends z.ZodType>(
  path: string,
  body: B,
  created: T,
  summary: string,
  description: string,
  errors: Parameters<typeof errorResponses>,
) {
  return createRoute({
    method: 'post',
    path,
    tags,
    security: bearerSecurity,
    summary,
    request: { headers: mutatingHeaders, body: jsonBody(body) },
    responses: { 201: jsonResponse(created, description), ...errorResponses(...errors) },
  });
}

/** Who acts on a merchant route: the merchant authenticated (`c.var.merchant`) and its owner. */
export function actorOf(c: { var: { merchant: { merchantId: string; ownerId: string } } }): MerchantActor {
  return { merchantId: c.var.merchant.merchantId, ownerId: c.var.merchant.ownerId };
}

/** What a list route's query asks for: a page size and where the previous page ended. */
export function pageRequest(query: { limit: number; starting_after?: string | undefined }): {
  limit: number;
  cursor?: string;
} {
  return { limit: query.limit, ...(query.starting_after ? { cursor: query.starting_after } : {}) };
}

/** The `{ data, has_more, next_cursor }` answer of a list route. */
export function pageBody<T>(page: { data: T[]; next_cursor: string | undefined }) {
  return { data: page.data, has_more: page.next_cursor !== undefined, next_cursor: page.next_cursor ?? null };
}

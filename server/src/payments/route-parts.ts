import { createRoute, z } from '@hono/zod-openapi';
import {
  bearerSecurity,
  errorResponses,
  idempotencyHeaderSchema,
  jsonBody,
  jsonResponse,
} from '../http/openapi.ts';
import { idParamSchema, objectRoutes } from '../http/object-routes.ts';
import type { MerchantActor } from './service.ts';

/** What the merchant API's route files (payments, settlements, disputes) share. */

export const tags = ['Payments sandbox'];
export const idParam = idParamSchema;
/** The merchant API: an `sk_test_…` key, or a user token with `Sluice-Merchant: mer_…`. */
export const merchantHeaders = z.object({
  'sluice-merchant': z
    .string()
    .optional()
    .openapi({ description: 'With a user access token: the merchant to act as (its owner only).' }),
});
export const mutatingHeaders = merchantHeaders.extend(idempotencyHeaderSchema.shape);

/** `GET /v1/<things>` and `GET /v1/<things>/{id}` of the payments API. */
export const { listRoute, getRoute } = objectRoutes({ tags, headers: merchantHeaders, idParam });

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

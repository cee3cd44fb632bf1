import { createRoute, z } from '@hono/zod-openapi';
import { bearerSecurity, createRouter, errorResponses, jsonResponse } from '../http/openapi.ts';
import { listSchema, paginationQuerySchema } from '../http/schemas.ts';
import type { PaymentsDeps } from './merchants.ts';
import { settlementSchema } from './model.ts';
import { getSettlement, listSettlements } from './settlement.ts';

const idParam = z.object({ id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' } }) });
const tags = ['Payments sandbox'];
const merchantHeaders = z.object({ 'sluice-merchant': z.string().optional().openapi({ description: 'With a user access token: the merchant to act as (its owner only).' }) });

const routes = {
  list: createRoute({
    method: 'get', path: '/v1/settlements', tags, security: bearerSecurity, summary: 'Your settlements, newest first',
    request: { headers: merchantHeaders, query: paginationQuerySchema },
    responses: { 200: jsonResponse(listSchema(settlementSchema), 'A page of settlements'), ...errorResponses(400, 401, 429) },
  }),
  get: createRoute({
    method: 'get', path: '/v1/settlements/{id}', tags, security: bearerSecurity, summary: 'One settlement, with its payments',
    request: { headers: merchantHeaders, params: idParam },
    responses: { 200: jsonResponse(settlementSchema, 'The settlement'), ...errorResponses(401, 404, 429) },
  }),
};

/** `/v1/settlements*`: the merchant's T+1 settlements (`c.var.merchant`). */
export function settlementRoutes(deps: PaymentsDeps) {
  const app = createRouter();
  app.openapi(routes.list, async (c) => {
    const query = c.req.valid('query');
    const result = await listSettlements(deps, c.var.merchant.merchantId, { limit: query.limit, ...(query.starting_after ? { cursor: query.starting_after } : {}) });
    return c.json({ data: result.data, has_more: result.next_cursor !== undefined, next_cursor: result.next_cursor ?? null }, 200);
  });
  app.openapi(routes.get, async (c) => c.json(await getSettlement(deps, c.var.merchant.merchantId, c.req.valid('param').id), 200));
  return app;
}

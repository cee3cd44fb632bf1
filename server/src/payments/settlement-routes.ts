import { createRouter } from '../http/openapi.ts';
import { paginationQuerySchema } from '../http/schemas.ts';
import type { PaymentsDeps } from './merchants.ts';
import { settlementSchema } from './model.ts';
import { getRoute, listRoute, pageBody, pageRequest } from './route-parts.ts';
import { getSettlement, listSettlements } from './settlement.ts';

const routes = {
  list: listRoute(
    '/v1/settlements',
    settlementSchema,
    'Your settlements, newest first',
    'A page of settlements',
    paginationQuerySchema,
  ),
  get: getRoute(
    '/v1/settlements/{id}',
    settlementSchema,
    'One settlement, with its payments',
    'The settlement',
  ),
};

/** `/v1/settlements*`: the merchant's T+1 settlements (`c.var.merchant`). */
export function settlementRoutes(deps: PaymentsDeps) {
  const app = createRouter();
  app.openapi(routes.list, async (c) =>
    c.json(
      pageBody(await listSettlements(deps, c.var.merchant.merchantId, pageRequest(c.req.valid('query')))),
      200,
    ),
  );
  app.openapi(routes.get, async (c) =>
    c.json(await getSettlement(deps, c.var.merchant.merchantId, c.req.valid('param').id), 200),
  );
  return app;
}

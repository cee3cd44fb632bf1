import { createRouter } from '../http/openapi.ts';
import type { PaymentsDeps } from './merchants.ts';
import { settlementSchema } from './model.ts';
import { pageBody, pageRequest } from '../http/object-routes.ts';
import { getRoute, listRoute } from './route-parts.ts';
import { getSettlement, listSettlements } from './settlement.ts';

const routes = {
  list: listRoute('/v1/settlements', settlementSchema, {
    summary: 'Your settlements, newest first',
    description: 'A page of settlements',
  }),
  get: getRoute('/v1/settlements/{id}', settlementSchema, {
    summary: 'One settlement, with its payments',
    description: 'The settlement',
  }),
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

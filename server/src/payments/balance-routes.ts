import { z } from '@hono/zod-openapi';
import { createRouter } from '../http/openapi.ts';
import { paginationQuerySchema } from '../http/schemas.ts';
import { listBalanceTransactions } from './balance.ts';
import type { PaymentsDeps } from './merchants.ts';
import { balanceTransactionSchema } from './model.ts';
import { pageBody, pageRequest } from '../http/object-routes.ts';
import { listRoute } from './route-parts.ts';

const routes = {
  list: listRoute('/v1/balance/transactions', balanceTransactionSchema, {
    summary: 'Every change of your available balance, newest first',
    description: 'A page of balance transactions, each with the balance after it',
    query: paginationQuerySchema.extend({
      currency: z
        .string()
        .length(3)
        .toUpperCase()
        .default('USD')
        .openapi({ description: 'The balance to explain (one per currency).', example: 'USD' }),
    }),
  }),
};

/** `/v1/balance/transactions`: what explains the merchant's available balance (`c.var.merchant`). */
export function balanceRoutes(deps: PaymentsDeps) {
  const app = createRouter();
  app.openapi(routes.list, async (c) => {
    const query = c.req.valid('query');
    const page = await listBalanceTransactions(deps, c.var.merchant.merchantId, {
      currency: query.currency,
      ...pageRequest(query),
    });
    return c.json(pageBody(page), 200);
  });
  return app;
}

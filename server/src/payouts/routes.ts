import { createRoute } from '@hono/zod-openapi';
import { actorOf, approvalSchema, requestApproval } from '../approvals/index.ts';
import { bearerSecurity, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts';
import { idempotencyHeaderSchema } from '../http/openapi.ts';
import {
  idParamSchema,
  merchantHeadersSchema,
  objectRoutes,
  pageBody,
  pageRequest,
} from '../http/object-routes.ts';
import { isAppError } from '../kernel/errors.ts';
import { formatDecimal } from '../kernel/money.ts';
import type { ModuleDeps } from '../platform/module.ts';
import { createPayoutSchema, payoutSchema } from './model.ts';
import { checkPayout, executePayout, getPayout, listPayouts, payoutOrder } from './service.ts';

const tags = ['Payouts'];
const headers = merchantHeadersSchema;
const { listRoute, getRoute } = objectRoutes({ tags, headers, idParam: idParamSchema });

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/payouts',
    tags,
    security: bearerSecurity,
    summary: "Pay out from your available balance to the owner's wallet or bank (ACH credit)",
    description:
      "Owners and admins. Under a `payout` approval policy (amount above its threshold) the answer is 202 with the approval request; the payout is made when the last approval lands. Above the available balance: 402 `insufficient_funds`, nothing written. To `ach` (US dollars, with your `ach` connector): a CCD credit to `bank_account` in your NACHA file of the business day (`GET /v1/ach/files/{day}`), `in_transit` until it settles two business days later (`paid`, `payout.paid`), or `returned` with the bank's return code and the amount back in your balance (`payout.returned`).",
    request: { headers: headers.extend(idempotencyHeaderSchema.shape), body: jsonBody(createPayoutSchema) },
    responses: {
      201: jsonResponse(payoutSchema, 'The payout'),
      202: jsonResponse(approvalSchema, 'The approval request the payout waits on'),
      ...errorResponses(400, 401, 402, 403, 409, 422, 429),
    },
  }),
  list: listRoute('/v1/payouts', payoutSchema, {
    summary: 'Your payouts, newest first',
    description: 'A page of payouts',
  }),
  get: getRoute('/v1/payouts/{id}', payoutSchema, { summary: 'One payout', description: 'The payout' }),
};

export function payoutRoutes(deps: ModuleDeps) {
  const app = createRouter();
  app.openapi(routes.create, async (c) => {
    const input = await payoutOrder(deps, c.req.valid('json'));
    const merchant = c.var.merchant;
    await checkPayout(deps, merchant.merchantId, input);
    const pending = await requestApproval(deps, {
      merchantId: merchant.merchantId,
      ownerId: merchant.ownerId,
      action: 'payout',
      amount: input.amount,
      currency: input.currency,
      params: input,
      summary: `Payout of ${formatDecimal(input.amount, input.currency)} ${input.currency} to ${input.bank_account ? `the bank account ending ${input.bank_account.last4}` : input.destination}`,
      requestedBy: actorOf(merchant),
    });
    if (pending) return c.json(pending, 202);
    // A concurrent payout of the same balance wins the sequence: judge again against what is left.
    for (let attempt = 0; ; attempt++) {
      try {
        return c.json(await executePayout(deps, merchant.merchantId, input), 201);
      } catch (error) {
        if (!(isAppError(error) && error.code === 'conflict') || attempt >= 5) throw error;
      }
    }
  });
  app.openapi(routes.list, async (c) => {
    const page = await listPayouts(deps, c.var.merchant.merchantId, pageRequest(c.req.valid('query')));
    return c.json(pageBody(page), 200);
  });
  app.openapi(routes.get, async (c) =>
    c.json(await getPayout(deps, c.var.merchant.merchantId, c.req.valid('param').id), 200),
  );
  return app;
}

import { formatDecimal, type Currency } from '../kernel/money.ts';
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf as approvalActorOf, approvalSchema, requestApproval } from '../approvals/index.ts';
import { AppError } from '../kernel/errors.ts';
import { bearerSecurity, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts';
import { merchantHeadersSchema, objectRoutes, pageBody, pageRequest } from '../http/object-routes.ts';
import { listSchema, paginationQuerySchema } from '../http/schemas.ts';
import { getIntentRecord } from './intents.ts';
import { createVendor, getVendor, getVendorRecord, listVendors, type VendorDeps } from './vendors.ts';
import {
  createVendorPayoutSchema,
  createVendorSchema,
  splitGroupSchema,
  vendorPayoutSchema,
  vendorSchema,
} from './vendors-model.ts';
import {
  checkVendorPayout,
  createVendorPayout,
  listVendorPayouts,
  vendorPayoutApprovalParams,
  vendorPayoutExecutorName,
} from './vendors-payouts.ts';
import { settleDueSplits } from './vendors-settlement.ts';
import { readSplit, toSplitGroup, vendorSplitIntents } from './vendors-store.ts';

const tags = ['Vendors'];
const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ven_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
});
const merchantHeaders = merchantHeadersSchema;
const mutatingHeaders = merchantHeaders.extend({ 'idempotency-key': z.string().max(255).optional() });
const { listRoute, getRoute } = objectRoutes({ tags, headers: merchantHeaders, idParam });

const routes = {
  createVendor: createRoute({
    tags,
    security: bearerSecurity,
    method: 'post',
    path: '/v1/vendors',
    summary: 'Connect a vendor: an account with its own balance that payments can be split to',
    request: { headers: mutatingHeaders, body: jsonBody(createVendorSchema) },
    responses: { 201: jsonResponse(vendorSchema, 'The vendor'), ...errorResponses(400, 401, 409, 422, 429) },
  }),
  listVendors: listRoute('/v1/vendors', vendorSchema, {
    summary: 'Your vendors with their balances, newest first',
    description: 'A page of vendors',
  }),
  getVendor: getRoute('/v1/vendors/{id}', vendorSchema, {
    summary: 'One vendor with its pending and available balance',
    description: 'The vendor',
  }),
  vendorSplits: createRoute({
    tags,
    security: bearerSecurity,
    method: 'get',
    path: '/v1/vendors/{id}/splits',
    summary: 'The split payments a vendor has a share of, newest first, with what refunds took back',
    request: { headers: merchantHeaders, params: idParam, query: paginationQuerySchema },
    responses: {
      200: jsonResponse(listSchema(splitGroupSchema), 'A page of split groups'),
      ...errorResponses(400, 401, 404, 429),
    },
  }),
  createPayout: createRoute({
    tags,
    security: bearerSecurity,
    method: 'post',
    path: '/v1/vendors/{id}/payouts',
    summary: "Pay out of a vendor's available balance, to a wallet or a bank account (ACH credit)",
    description:
      'Owners and admins. Under your `payout` approval policy (an amount above its threshold) the answer is 202 with the approval request, and the payout is made once when the last approval lands. 402 `insufficient_funds` (param `amount`) when the available balance cannot cover it: a balance is never paid out twice, however many payouts race for it.',
    request: { headers: mutatingHeaders, params: idParam, body: jsonBody(createVendorPayoutSchema) },
    responses: {
      201: jsonResponse(vendorPayoutSchema, 'The payout'),
      202: jsonResponse(approvalSchema, 'The approval request the payout waits on'),
      ...errorResponses(400, 401, 402, 403, 404, 409, 422, 429),
    },
  }),
  listPayouts: createRoute({
    tags,
    security: bearerSecurity,
    method: 'get',
    path: '/v1/vendors/{id}/payouts',
    summary: "A vendor's payouts, newest first",
    request: { headers: merchantHeaders, params: idParam, query: paginationQuerySchema },
    responses: {
      200: jsonResponse(listSchema(vendorPayoutSchema), 'A page of payouts'),
      ...errorResponses(400, 401, 404, 429),
    },
  }),
  intentSplits: getRoute('/v1/payment-intents/{id}/splits', splitGroupSchema, {
    summary: "Where a payment intent's vendor shares stand: transferred, reversed by refunds, settled",
    description: 'The split group',
  }),
  settle: createRoute({
    tags,
    security: bearerSecurity,
    method: 'post',
    path: '/v1/test-helpers/vendors/settle',
    summary: "Settle your vendors' shares due by your sandbox clock now (the hourly job does it too)",
    request: { headers: merchantHeaders },
    responses: {
      200: jsonResponse(z.object({ settled: z.number().int() }), 'How many split groups settled'),
      ...errorResponses(401, 429),
    },
  }),
};

const actorOf = (c: { var: { merchant: { merchantId: string; ownerId: string } } }) => ({
  merchantId: c.var.merchant.merchantId,
  ownerId: c.var.merchant.ownerId,
});

/** Vendors, their split payments and payouts (merchant API). */
export function vendorRoutes(deps: VendorDeps) {
  const app = createRouter();
  app.openapi(routes.createVendor, async (c) =>
    c.json(await createVendor(deps, actorOf(c), c.req.valid('json')), 201),
  );
  app.openapi(routes.listVendors, async (c) =>
    c.json(
      pageBody(await listVendors(deps, c.var.merchant.merchantId, pageRequest(c.req.valid('query')))),
      200,
    ),
  );
  app.openapi(routes.getVendor, async (c) =>
    c.json(await getVendor(deps, c.var.merchant.merchantId, c.req.valid('param').id), 200),
  );
  app.openapi(routes.vendorSplits, async (c) => {
    const vendor = await getVendorRecord(deps, c.var.merchant.merchantId, c.req.valid('param').id);
    const page = await vendorSplitIntents(deps.store, vendor.id, pageRequest(c.req.valid('query')));
    const groups = await Promise.all(page.intents.map((intent) => readSplit(deps.store, intent)));
    return c.json(
      pageBody({ data: groups.flatMap((g) => (g ? [toSplitGroup(g)] : [])), next_cursor: page.next_cursor }),
      200,
    );
  });
  app.openapi(routes.createPayout, async (c) => {
    const idem = c.var.idempotency;
    const input = c.req.valid('json');
    const vendor = await checkVendorPayout(deps, c.var.merchant.merchantId, c.req.valid('param').id, input);
    // Vendor payouts fall under the merchant's `payout` approval policy, like its own payouts.
    const pending = await requestApproval(deps, {
      ...actorOf(c),
      action: 'payout',
      executor: vendorPayoutExecutorName,
      amount: input.amount,
      currency: input.currency,
      params: await vendorPayoutApprovalParams(deps, vendor.id, input),
      summary: `Payout of ${formatDecimal(input.amount, input.currency as Currency)} ${input.currency} to vendor ${vendor.name}`,
      requestedBy: approvalActorOf(c.var.merchant),
    });
    if (pending) return c.json(pending, 202);
    return c.json(
      await createVendorPayout(
        deps,
        actorOf(c),
        vendor.id,
        input,
        idem && ((payout) => idem.record(201, payout)),
      ),
      201,
    );
  });
  app.openapi(routes.listPayouts, async (c) =>
    c.json(
      pageBody(
        await listVendorPayouts(
          deps,
          c.var.merchant.merchantId,
          c.req.valid('param').id,
          pageRequest(c.req.valid('query')),
        ),
      ),
      200,
    ),
  );
  app.openapi(routes.intentSplits, async (c) => {
    const intent = await getIntentRecord(deps, c.var.merchant.merchantId, c.req.valid('param').id);
    const split = await readSplit(deps.store, intent.id);
    if (!split) throw new AppError('not_found', `payment intent ${intent.id} has no splits`);
    return c.json(toSplitGroup(split), 200);
  });
  app.openapi(routes.settle, async (c) =>
    c.json({ settled: await settleDueSplits(deps, c.var.merchant.merchantId) }, 200),
  );
  return app;
}

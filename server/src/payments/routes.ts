import { createRoute, z } from '@hono/zod-openapi';
import { errorBody } from '../http/errors.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  idempotencyHeaderSchema,
  jsonBody,
  jsonResponse,
} from '../http/openapi.ts';
import { paginationQuerySchema } from '../http/schemas.ts';
import { requireVerifiedEmail } from '../identity/index.ts';
import type { Identity } from '../platform/identity.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
import { createMerchant, toMerchant, type PaymentsDeps } from './merchants.ts';
import {
  advanceClockResultSchema,
  advanceClockSchema,
  apiKeySchema,
  capturePaymentSchema,
  createApiKeySchema,
  createdApiKeySchema,
  createMerchantSchema,
  createPaymentSchema,
  createRefundSchema,
  merchantBalanceSchema,
  merchantSchema,
  paymentSchema,
  paymentListQuerySchema,
  refundSchema,
  type CreatePayment,
} from './model.ts';
import { getMerchantBalance } from './balance.ts';
import { listMyMerchants, requireMemberPermission, type Person } from './members.ts';
import type { Permission } from './permissions.ts';
import { createRefund, getRefund } from './refunds.ts';
import { withApprovalResponse } from '../approvals/index.ts';
import { requestRefundApproval } from './refund-approvals.ts';
import { pageBody, pageRequest } from '../http/object-routes.ts';
import {
  actorOf as actor,
  createObjectRoute,
  getRoute,
  idParam,
  listRoute,
  merchantHeaders,
  mutatingHeaders,
  tags,
} from './route-parts.ts';
import { createPayment, declineError, getPayment, listPayments } from './service.ts';
import { advanceClock, capturePayment, voidPayment, type SettleMerchantRun } from './transitions.ts';

const keyParams = idParam.extend({
  key_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'key_id', in: 'path' } }),
});
const merchantTags = ['Merchants'];

const routes = {
  createMerchant: createRoute({
    method: 'post',
    path: '/v1/merchants',
    tags: merchantTags,
    security: bearerSecurity,
    summary: 'Create a sandbox merchant you own',
    request: { headers: idempotencyHeaderSchema, body: jsonBody(createMerchantSchema) },
    responses: {
      201: jsonResponse(merchantSchema, 'The merchant'),
      ...errorResponses(400, 401, 403, 409, 422),
    },
  }),
  listMerchants: createRoute({
    method: 'get',
    path: '/v1/merchants',
    tags: merchantTags,
    security: bearerSecurity,
    summary: 'Your merchants and the teams you joined, oldest first',
    request: { query: paginationQuerySchema },
    responses: {
      200: jsonResponse(
        z.object({
          data: z.array(merchantSchema),
          has_more: z.boolean(),
          next_cursor: z.string().nullable(),
        }),
        'A page of your merchants',
      ),
      ...errorResponses(400, 401),
    },
  }),
  getMerchant: createRoute({
    method: 'get',
    path: '/v1/merchants/{id}',
    tags: merchantTags,
    security: bearerSecurity,
    summary: 'One of your merchants',
    request: { params: idParam },
    responses: { 200: jsonResponse(merchantSchema, 'The merchant'), ...errorResponses(401, 404) },
  }),
  createKey: createRoute({
    method: 'post',
    path: '/v1/merchants/{id}/api-keys',
    tags: merchantTags,
    security: bearerSecurity,
    summary: 'Create an API key (the secret is shown only here)',
    description:
      'The secret is returned once and stored hashed.\n\nA replay of the same Idempotency-Key answers the same status and body with `secret: null` and the header `Idempotent-Redacted: secret`: the secret is never stored, so it is shown once.',
    request: {
      params: idParam,
      headers: idempotencyHeaderSchema,
      body: { ...jsonBody(createApiKeySchema), required: false },
    },
    responses: {
      201: jsonResponse(createdApiKeySchema, 'The key with its secret'),
      ...errorResponses(400, 401, 404, 409, 422),
    },
  }),
  listKeys: createRoute({
    method: 'get',
    path: '/v1/merchants/{id}/api-keys',
    tags: merchantTags,
    security: bearerSecurity,
    summary: "The merchant's API keys (no secrets)",
    request: { params: idParam },
    responses: {
      200: jsonResponse(
        z.object({ data: z.array(apiKeySchema), has_more: z.boolean(), next_cursor: z.string().nullable() }),
        'The keys',
      ),
      ...errorResponses(401, 404),
    },
  }),
  revokeKey: createRoute({
    method: 'delete',
    path: '/v1/merchants/{id}/api-keys/{key_id}',
    tags: merchantTags,
    security: bearerSecurity,
    summary: 'Revoke an API key, at once',
    request: { params: keyParams },
    responses: { 200: jsonResponse(apiKeySchema, 'The revoked key'), ...errorResponses(401, 404) },
  }),
  createPayment: createObjectRoute(
    '/v1/payments',
    createPaymentSchema,
    paymentSchema,
    'Charge a card (authorize, and capture unless capture=false)',
    'The payment',
    [400, 401, 402, 409, 422, 429],
  ),
  listPayments: listRoute('/v1/payments', paymentSchema, {
    summary: 'Your payments, newest first',
    description: 'A page of payments',
    query: paymentListQuerySchema,
  }),
  getPayment: getRoute('/v1/payments/{id}', paymentSchema, {
    summary: 'One payment',
    description: 'The payment',
  }),
  capture: createRoute({
    method: 'post',
    path: '/v1/payments/{id}/capture',
    tags,
    security: bearerSecurity,
    summary: 'Capture an authorization (once; the rest is released)',
    request: {
      headers: mutatingHeaders,
      params: idParam,
      body: { ...jsonBody(capturePaymentSchema), required: false },
    },
    responses: {
      200: jsonResponse(paymentSchema, 'The captured payment'),
      ...errorResponses(400, 401, 404, 409, 422, 429),
    },
  }),
  void: createRoute({
    method: 'post',
    path: '/v1/payments/{id}/void',
    tags,
    security: bearerSecurity,
    summary: 'Void an authorization, releasing the hold',
    request: { headers: mutatingHeaders, params: idParam },
    responses: {
      200: jsonResponse(paymentSchema, 'The canceled payment'),
      ...errorResponses(401, 404, 409, 422, 429),
    },
  }),
  createRefund: withApprovalResponse(
    createObjectRoute(
      '/v1/refunds',
      createRefundSchema,
      refundSchema,
      'Refund part or all of a captured payment',
      'The refund',
      [400, 401, 402, 403, 404, 409, 422, 429],
    ),
  ),
  getRefund: getRoute('/v1/refunds/{id}', refundSchema, { summary: 'One refund', description: 'The refund' }),
  balance: createRoute({
    method: 'get',
    path: '/v1/balance',
    tags,
    security: bearerSecurity,
    summary: 'Your balance per currency',
    request: { headers: merchantHeaders },
    responses: { 200: jsonResponse(merchantBalanceSchema, 'Balances'), ...errorResponses(401, 429) },
  }),
  advanceClock: createRoute({
    method: 'post',
    path: '/v1/test-helpers/advance-clock',
    tags,
    security: bearerSecurity,
    summary: 'Move your sandbox clock forward, firing what falls due',
    request: { headers: mutatingHeaders, body: jsonBody(advanceClockSchema) },
    responses: {
      200: jsonResponse(advanceClockResultSchema, 'The new sandbox time and what expired'),
      ...errorResponses(400, 401, 422, 429),
    },
  }),
};

function single<T>(data: T[]) {
  return { data, has_more: false, next_cursor: null };
}

/**
 * `/v1/merchants*`: a signed-in user manages the merchants they own (`c.var.principal`); only a
 * user with a verified email creates one (403 `email_not_verified`).
 */
export function merchantRoutes(deps: PaymentsDeps & { users: Pick<Identity, 'getUser'> }) {
  const app = createRouter();
  app.openapi(routes.createMerchant, async (c) => {
    requireVerifiedEmail(await deps.users.getUser(c.var.principal.userId));
    return c.json(
      await createMerchant(deps, c.var.principal.userId, c.req.valid('json'), c.var.principal.email),
      201,
    );
  });
  app.openapi(routes.listMerchants, async (c) => {
    const page = await listMyMerchants(
      { ...deps, identity: deps.users },
      c.var.principal,
      pageRequest(c.req.valid('query')),
    );
    return c.json(pageBody(page), 200);
  });
  app.openapi(routes.getMerchant, async (c) => {
    const { merchant } = await requireMemberPermission(
      { ...deps, identity: deps.users },
      c.req.valid('param').id,
      c.var.principal,
      'read',
    );
    return c.json(toMerchant(deps, merchant), 200);
  });
  // API keys hold the merchant's whole API: its owners and admins manage them, any member lists them.
  const keyOwner = async (c: { var: { principal: Person } }, merchantId: string, permission: Permission) =>
    (
      await requireMemberPermission(
        { ...deps, identity: deps.users },
        merchantId,
        c.var.principal,
        permission,
      )
    ).merchant.owner;
  app.openapi(routes.createKey, async (c) => {
    const body = (await c.req.text()) ? c.req.valid('json') : {};
    const id = c.req.valid('param').id;
    return c.json(await createApiKey(deps, await keyOwner(c, id, 'manage'), id, body), 201);
  });
  app.openapi(routes.listKeys, async (c) => {
    const id = c.req.valid('param').id;
    return c.json(single(await listApiKeys(deps, await keyOwner(c, id, 'read'), id)), 200);
  });
  app.openapi(routes.revokeKey, async (c) => {
    const params = c.req.valid('param');
    const owner = await keyOwner(c, params.id, 'manage');
    return c.json(await revokeApiKey(deps, owner, params.id, params.key_id), 200);
  });
  return app;
}

/** The merchant API: every route acts as `c.var.merchant`, set by `requireMerchant`. */
/** `settle`: how advance-clock settles (see `advanceClock`); default, the settlement step itself. */
export function paymentRoutes(deps: PaymentsDeps & { settle?: SettleMerchantRun }) {
  const app = createRouter();

  app.openapi(routes.createPayment, async (c) => {
    const idem = c.var.idempotency;
    // A decline is recorded with the failed payment, as the 402 it answers.
    const respond =
      idem &&
      ((p: Parameters<typeof declineError>[0]) =>
        p.status === 'failed'
          ? idem.record(402, errorBody(declineError(p), c.var.requestId))
          : idem.record(201, p));
    return c.json(await createPayment(deps, actor(c), c.req.valid('json') as CreatePayment, respond), 201);
  });

  app.openapi(routes.listPayments, async (c) => {
    const query = c.req.valid('query');
    const { limit: _limit, starting_after: _after, ...filters } = query;
    const result = await listPayments(deps, c.var.merchant.merchantId, { ...pageRequest(query), ...filters });
    return c.json(pageBody(result), 200);
  });

  app.openapi(routes.getPayment, async (c) =>
    c.json(await getPayment(deps, c.var.merchant.merchantId, c.req.valid('param').id), 200),
  );

  app.openapi(routes.capture, async (c) => {
    const idem = c.var.idempotency;
    const body = (await c.req.text()) ? c.req.valid('json') : {};
    return c.json(
      await capturePayment(
        deps,
        actor(c),
        c.req.valid('param').id,
        body.amount,
        idem && ((p) => idem.record(200, p)),
      ),
      200,
    );
  });

  app.openapi(routes.void, async (c) => {
    const idem = c.var.idempotency;
    return c.json(
      await voidPayment(deps, actor(c), c.req.valid('param').id, idem && ((p) => idem.record(200, p))),
      200,
    );
  });

  app.openapi(routes.createRefund, async (c) => {
    // Under the merchant's refund approval policy the refund waits for its approvers (202).
    const pending = await requestRefundApproval(deps, c.var.merchant, c.req.valid('json'));
    if (pending) return c.json(pending, 202);
    const idem = c.var.idempotency;
    return c.json(
      await createRefund(deps, actor(c), c.req.valid('json'), idem && ((r) => idem.record(201, r))),
      201,
    );
  });

  app.openapi(routes.getRefund, async (c) =>
    c.json(await getRefund(deps, c.var.merchant.merchantId, c.req.valid('param').id), 200),
  );

  app.openapi(routes.balance, async (c) =>
    c.json(await getMerchantBalance(deps, c.var.merchant.merchantId), 200),
  );

  app.openapi(routes.advanceClock, async (c) =>
    c.json(
      await advanceClock(deps, c.var.merchant.merchantId, c.req.valid('json').seconds, deps.settle),
      200,
    ),
  );

  return app;
}

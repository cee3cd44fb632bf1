import { createRoute, z } from '@hono/zod-openapi';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  idempotencyHeaderSchema,
  jsonBody,
  jsonResponse,
} from '../http/openapi.ts';
import { listSchema, paginationQuerySchema } from '../http/schemas.ts';
import {
  activityEntrySchema,
  balanceSchema,
  createPaymentRequestSchema,
  paymentRequestSchema,
  paymentRequestStatuses,
  sendMoneySchema,
  walletTransferSchema,
} from './model.ts';
import {
  acceptPaymentRequest,
  cancelPaymentRequest,
  createPaymentRequest,
  declinePaymentRequest,
  getPaymentRequest,
  listPaymentRequests,
} from './payment-requests.ts';
import {
  getBalances,
  getWalletTransfer,
  listActivity,
  listWalletTransfers,
  sendMoney,
  type WalletDeps,
} from './service.ts';

const tags = ['Wallet'];
const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

function page<T>(result: { data: T[]; next_cursor: string | undefined }) {
  return {
    data: result.data,
    has_more: result.next_cursor !== undefined,
    next_cursor: result.next_cursor ?? null,
  };
}

/** `GET path`: a page of the caller's own objects. */
function listRoute<T extends z.ZodType, Q extends z.ZodObject>(
  path: string,
  summary: string,
  query: Q,
  item: T,
  description: string,
) {
  return createRoute({
    method: 'get',
    path,
    tags,
    security: bearerSecurity,
    summary,
    request: { query },
    responses: { 200: jsonResponse(listSchema(item), description), ...errorResponses(400, 401) },
  });
}

/** `GET path/{id}`: one object, for the users it concerns; anyone else gets a 404. */
function getRoute<T extends z.ZodType>(path: string, summary: string, schema: T, description: string) {
  return createRoute({
    method: 'get',
    path,
    tags,
    security: bearerSecurity,
    summary,
    request: { params: idParam },
    responses: { 200: jsonResponse(schema, description), ...errorResponses(401, 404) },
  });
}

const routes = {
  wallet: createRoute({
    method: 'get',
    path: '/v1/wallet',
    tags,
    security: bearerSecurity,
    summary: 'Your balances',
    responses: {
      200: jsonResponse(z.object({ balances: z.array(balanceSchema) }), 'Balances per currency'),
      ...errorResponses(401),
    },
  }),
  sendMoney: createRoute({
    method: 'post',
    path: '/v1/transfers',
    tags,
    security: bearerSecurity,
    summary: 'Send money to another user',
    request: { headers: idempotencyHeaderSchema, body: jsonBody(sendMoneySchema) },
    responses: {
      201: jsonResponse(walletTransferSchema, 'The transfer'),
      ...errorResponses(400, 401, 402, 404, 409, 422),
    },
  }),
  listTransfers: listRoute(
    '/v1/transfers',
    'Your transfers, newest first',
    paginationQuerySchema,
    walletTransferSchema,
    'A page of transfers',
  ),
  getTransfer: getRoute(
    '/v1/transfers/{id}',
    'One transfer (its two parties only)',
    walletTransferSchema,
    'The transfer',
  ),
  createRequest: createRoute({
    method: 'post',
    path: '/v1/payment-requests',
    tags,
    security: bearerSecurity,
    summary: 'Request money from another user',
    request: { headers: idempotencyHeaderSchema, body: jsonBody(createPaymentRequestSchema) },
    responses: {
      201: jsonResponse(paymentRequestSchema, 'The payment request'),
      ...errorResponses(400, 401, 404, 409, 422),
    },
  }),
  listRequests: listRoute(
    '/v1/payment-requests',
    'Incoming or outgoing payment requests',
    paginationQuerySchema.extend({
      role: z.enum(['incoming', 'outgoing']).default('incoming'),
      status: z.enum(paymentRequestStatuses).optional(),
    }),
    paymentRequestSchema,
    'A page of payment requests',
  ),
  getRequest: getRoute(
    '/v1/payment-requests/{id}',
    'One payment request',
    paymentRequestSchema,
    'The payment request',
  ),
  activity: listRoute(
    '/v1/activity',
    'Your ledger entries, newest first',
    paginationQuerySchema,
    activityEntrySchema,
    'A page of activity',
  ),
};

const actions = ['accept', 'decline', 'cancel'] as const;
const actionRoute = (action: (typeof actions)[number]) =>
  createRoute({
    method: 'post',
    path: `/v1/payment-requests/{id}/${action}`,
    tags,
    security: bearerSecurity,
    summary:
      action === 'accept'
        ? 'Pay a pending request (exactly once)'
        : action === 'decline'
          ? 'Decline a request (payer)'
          : 'Cancel your request (requester)',
    request: { params: idParam, headers: idempotencyHeaderSchema },
    responses: {
      200: jsonResponse(paymentRequestSchema, 'The payment request'),
      ...errorResponses(401, 402, 403, 404, 409, 422),
    },
  });
const resolve = {
  accept: acceptPaymentRequest,
  decline: declinePaymentRequest,
  cancel: cancelPaymentRequest,
};

/** Wallet routes: all need a signed-in user (`c.var.principal`). */
export function walletRoutes(deps: WalletDeps) {
  const app = createRouter();

  app.openapi(routes.wallet, async (c) =>
    c.json({ balances: await getBalances(deps, c.var.principal.userId) }, 200),
  );

  app.openapi(routes.sendMoney, async (c) => {
    const idem = c.var.idempotency;
    const transfer = await sendMoney(
      deps,
      c.var.principal.userId,
      c.req.valid('json'),
      idem && ((t) => idem.record(201, t)),
    );
    return c.json(transfer, 201);
  });

  app.openapi(routes.listTransfers, async (c) => {
    const query = c.req.valid('query');
    return c.json(
      page(await listWalletTransfers(deps, c.var.principal.userId, query.limit, query.starting_after)),
      200,
    );
  });

  app.openapi(routes.getTransfer, async (c) =>
    c.json(await getWalletTransfer(deps, c.var.principal.userId, c.req.valid('param').id), 200),
  );

  app.openapi(routes.createRequest, async (c) => {
    const idem = c.var.idempotency;
    const request = await createPaymentRequest(
      deps,
      c.var.principal.userId,
      c.req.valid('json'),
      idem && ((r) => idem.record(201, r)),
    );
    return c.json(request, 201);
  });

  app.openapi(routes.listRequests, async (c) => {
    const query = c.req.valid('query');
    const result = await listPaymentRequests(deps, c.var.principal.userId, {
      role: query.role,
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.starting_after ? { cursor: query.starting_after } : {}),
    });
    return c.json(page(result), 200);
  });

  app.openapi(routes.getRequest, async (c) =>
    c.json(await getPaymentRequest(deps, c.var.principal.userId, c.req.valid('param').id), 200),
  );

  for (const action of actions) {
    app.openapi(actionRoute(action), async (c) => {
      const idem = c.var.idempotency;
      const request = await resolve[action](
        deps,
        c.var.principal.userId,
        c.req.valid('param').id,
        idem && ((r) => idem.record(200, r)),
      );
      return c.json(request, 200);
    });
  }

  app.openapi(routes.activity, async (c) => {
    const query = c.req.valid('query');
    return c.json(
      page(await listActivity(deps, c.var.principal.userId, query.limit, query.starting_after)),
      200,
    );
  });

  return app;
}

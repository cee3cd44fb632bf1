import { createRoute, z } from '@hono/zod-openapi';
import { withApprovalResponse } from '../approvals/index.ts';
import { errorBody } from '../http/errors.ts';
import { bearerSecurity, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts';
import {
  idParamSchema,
  merchantHeadersSchema,
  objectRoutes,
  pageBody,
  pageRequest,
} from '../http/object-routes.ts';
import { listSchema } from '../http/schemas.ts';
import type { ModuleDeps } from '../platform/module.ts';
import {
  createConnector,
  deleteConnector,
  deletedConnectorRetentionMs,
  getConnectorRecord,
  listConnectors,
  setFault,
  toConnector,
  updateConnector,
} from './connectors-service.ts';
import { achDayFile, applyReturnFile, settleDueAch } from './ach/service.ts';
import { requestConnectorChange, requestIntentRefund } from './approval-gates.ts';
import { hubDeps } from './deps.ts';
import {
  answerIntent,
  cancelIntent,
  captureIntent,
  createIntent,
  getIntentRecord,
  getPayerIntent,
  intentDeclined,
  intentUnavailable,
  listIntents,
  refundIntent,
} from './intents.ts';
import {
  captureIntentSchema,
  connectorSchema,
  createConnectorSchema,
  createIntentSchema,
  faultSchema,
  intentSchema,
  refundIntentSchema,
  routingObjectSchema,
  routingSchema,
  updateConnectorSchema,
  type CreateIntent,
} from './model.ts';
import { getRouting, setRouting } from './routing-service.ts';
import { toIntent } from './store.ts';
import { receiveWebhook } from './webhooks.ts';
import { vendorDeps } from './vendors.ts';
import { vendorRoutes } from './vendors-routes.ts';

const tags = ['Processing hub'];
const idParam = idParamSchema;
const merchantHeaders = merchantHeadersSchema;
const mutatingHeaders = merchantHeaders.extend({
  'idempotency-key': z.string().max(255).optional(),
});

const { listRoute, getRoute } = objectRoutes({ tags, headers: merchantHeaders, idParam });

const routes = {
  createConnector: withApprovalResponse(
    createRoute({
      tags,
      security: bearerSecurity,
      method: 'post',
      path: '/v1/connectors',
      summary: 'Connect a payment provider (credentials are sealed and never returned)',
      request: { headers: mutatingHeaders, body: jsonBody(createConnectorSchema) },
      responses: {
        201: jsonResponse(connectorSchema, 'The connector'),
        ...errorResponses(400, 401, 409, 422, 429),
      },
    }),
  ),
  listConnectors: createRoute({
    tags,
    security: bearerSecurity,
    method: 'get',
    path: '/v1/connectors',
    summary: 'Your connectors, with their circuit breakers and injected faults',
    request: { headers: merchantHeaders },
    responses: {
      200: jsonResponse(listSchema(connectorSchema), 'The connectors'),
      ...errorResponses(401, 429),
    },
  }),
  getConnector: getRoute('/v1/connectors/{id}', connectorSchema, {
    summary: 'One connector',
    description: 'The connector',
  }),
  updateConnector: withApprovalResponse(
    createRoute({
      tags,
      security: bearerSecurity,
      method: 'patch',
      path: '/v1/connectors/{id}',
      summary: 'Rename, disable or re-key a connector',
      request: { headers: merchantHeaders, params: idParam, body: jsonBody(updateConnectorSchema) },
      responses: {
        200: jsonResponse(connectorSchema, 'The connector'),
        ...errorResponses(400, 401, 404, 429),
      },
    }),
  ),
  deleteConnector: withApprovalResponse(
    createRoute({
      tags,
      security: bearerSecurity,
      method: 'delete',
      path: '/v1/connectors/{id}',
      summary: 'Remove a connector (routing skips its provider from then on)',
      description: `From then on the connector is 404 to you (a second DELETE too), listed and routed to nowhere, and its provider is free for a new connector. It is kept, its credentials sealed, for ${deletedConnectorRetentionMs / 86_400_000} days, so that the recovery job can still undo an attempt a crash cut off before the delete; then it is erased. An attempt the job reaches only after that ends \`interrupted\`: look for its id at the provider.`,
      request: { headers: merchantHeaders, params: idParam },
      responses: {
        200: jsonResponse(connectorSchema, 'The removed connector'),
        ...errorResponses(401, 404, 429),
      },
    }),
  ),
  getRouting: createRoute({
    tags,
    security: bearerSecurity,
    method: 'get',
    path: '/v1/routing',
    summary: 'Your routing rules',
    request: { headers: merchantHeaders },
    responses: { 200: jsonResponse(routingObjectSchema, 'The routing table'), ...errorResponses(401, 429) },
  }),
  putRouting: createRoute({
    tags,
    security: bearerSecurity,
    method: 'put',
    path: '/v1/routing',
    summary: 'Replace your routing rules: the first rule that matches a payment picks its ordered providers',
    request: { headers: merchantHeaders, body: jsonBody(routingSchema) },
    responses: {
      200: jsonResponse(routingObjectSchema, 'The routing table'),
      ...errorResponses(400, 401, 422, 429),
    },
  }),
  createIntent: createRoute({
    tags,
    security: bearerSecurity,
    method: 'post',
    path: '/v1/payment-intents',
    summary: 'Pay through your routing: fails over on technical failures, never after a decline',
    description:
      '402 `card_declined` when the provider declines; 503 `providers_unavailable` when every provider routed to failed technically. Both name the stored `payment_intent`, whose attempts tell what happened. A call that timed out is asked about by its key and undone at its provider before the next provider is tried; when the provider cannot be asked then, the attempt reads `unreconciled` until a job (every minute, from five minutes after the call) can, and `payment_intent.attempt_reconciled` tells what it found.',
    request: { headers: mutatingHeaders, body: jsonBody(createIntentSchema) },
    responses: {
      201: jsonResponse(intentSchema, 'The payment intent with its attempts'),
      ...errorResponses(400, 401, 402, 409, 422, 429, 503),
    },
  }),
  listIntents: listRoute('/v1/payment-intents', intentSchema, {
    summary: 'Your payment intents, newest first',
    description: 'A page of payment intents',
  }),
  getIntent: getRoute('/v1/payment-intents/{id}', intentSchema, {
    summary: 'One payment intent with every attempt',
    description: 'The payment intent',
  }),
  captureIntent: createRoute({
    tags,
    security: bearerSecurity,
    method: 'post',
    path: '/v1/payment-intents/{id}/capture',
    summary: 'Capture an authorized intent at the provider that took it',
    request: {
      headers: mutatingHeaders,
      params: idParam,
      body: { ...jsonBody(captureIntentSchema), required: false },
    },
    responses: {
      200: jsonResponse(intentSchema, 'The payment intent'),
      ...errorResponses(400, 401, 404, 409, 422, 429, 503),
    },
  }),
  cancelIntent: createRoute({
    tags,
    security: bearerSecurity,
    method: 'post',
    path: '/v1/payment-intents/{id}/cancel',
    summary:
      'Void an authorized intent at the provider that took it, or withdraw one its payer has not answered',
    request: { headers: mutatingHeaders, params: idParam },
    responses: {
      200: jsonResponse(intentSchema, 'The payment intent'),
      ...errorResponses(401, 404, 409, 422, 429, 503),
    },
  }),
  refundIntent: withApprovalResponse(
    createRoute({
      tags,
      security: bearerSecurity,
      method: 'post',
      path: '/v1/payment-intents/{id}/refunds',
      summary: 'Refund through the provider that took the payment',
      description:
        "Refunds `amount` (by default what is left) at the provider that took the payment, once: the call carries a key fixed by the refund's place towards the provider. 409 `conflict` when a concurrent refund changed the intent first (retry); 409 `refund_in_progress` when the intent's next refund was begun for another amount (the error's `amount`), by a concurrent call or one cut off before its answer was stored: a refund of that amount completes it. 503 `provider_unavailable`: the provider did not answer; a retry is safe.",
      request: {
        headers: mutatingHeaders,
        params: idParam,
        body: { ...jsonBody(refundIntentSchema), required: false },
      },
      responses: {
        200: jsonResponse(intentSchema, 'The payment intent with the refund'),
        ...errorResponses(400, 401, 404, 409, 422, 429, 503),
      },
    }),
  ),
  setFault: createRoute({
    tags,
    security: bearerSecurity,
    method: 'post',
    path: '/v1/test-helpers/connectors/{id}/faults',
    summary: 'Make a connector time out, fail or decline, at a rate or for N calls (sandbox)',
    request: { headers: merchantHeaders, params: idParam, body: jsonBody(faultSchema) },
    responses: {
      200: jsonResponse(connectorSchema, 'The connector with its fault'),
      ...errorResponses(400, 401, 404, 429),
    },
  }),
  clearFault: createRoute({
    tags,
    security: bearerSecurity,
    method: 'delete',
    path: '/v1/test-helpers/connectors/{id}/faults',
    summary: "Clear a connector's injected fault",
    request: { headers: merchantHeaders, params: idParam },
    responses: { 200: jsonResponse(connectorSchema, 'The connector'), ...errorResponses(401, 404, 429) },
  }),
  payerIntent: createRoute({
    method: 'get',
    path: '/v1/payer/payment-intents/{id}',
    tags,
    security: bearerSecurity,
    summary: 'A wallet payment asked of you',
    request: { params: idParam },
    responses: { 200: jsonResponse(intentSchema, 'The payment intent'), ...errorResponses(401, 404) },
  }),
  approveIntent: createRoute({
    method: 'post',
    path: '/v1/payer/payment-intents/{id}/approve',
    tags,
    security: bearerSecurity,
    summary: 'Approve a wallet payment asked of you: the amount is held on (or paid from) your wallet',
    request: { params: idParam },
    responses: {
      200: jsonResponse(intentSchema, 'The payment intent'),
      ...errorResponses(401, 402, 404, 409),
    },
  }),
  rejectIntent: createRoute({
    method: 'post',
    path: '/v1/payer/payment-intents/{id}/reject',
    tags,
    security: bearerSecurity,
    summary: 'Refuse a wallet payment asked of you',
    request: { params: idParam },
    responses: { 200: jsonResponse(intentSchema, 'The payment intent'), ...errorResponses(401, 404, 409) },
  }),
  achFile: createRoute({
    method: 'get',
    path: '/v1/ach/files/{day}',
    tags,
    security: bearerSecurity,
    summary: 'Your NACHA file of one business day (debits and refund credits)',
    request: {
      headers: merchantHeaders,
      params: z.object({
        day: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'day must be YYYY-MM-DD' })
          // A date that exists: 2026-13-45 is bad input, not a day without a file.
          .refine(
            (day) => {
              const at = Date.parse(`${day}T00:00:00Z`);
              return !Number.isNaN(at) && new Date(at).toISOString().startsWith(day);
            },
            {
              error: 'day must be a calendar date (YYYY-MM-DD)',
            },
          )
          .openapi({ param: { name: 'day', in: 'path' }, example: '2026-01-15' }),
      }),
    },
    responses: {
      200: {
        content: { 'text/plain': { schema: z.string() } },
        description: 'The NACHA file (94-character records)',
      },
      ...errorResponses(400, 401, 404, 429),
    },
  }),
  achReturns: createRoute({
    method: 'post',
    path: '/v1/test-helpers/ach/returns',
    tags,
    security: bearerSecurity,
    summary:
      'Deliver a NACHA return file (R01, R02, R03 …): each returned entry reverses its debit (sandbox)',
    request: {
      headers: merchantHeaders,
      body: jsonBody(z.object({ file: z.string().min(1).max(1_000_000) }).strict()),
    },
    responses: {
      200: jsonResponse(
        z.object({
          returned: z.array(
            z.object({
              trace_number: z.string(),
              return_code: z.string(),
              reference: z.string(),
              payment_intent: z.string().nullable(),
            }),
          ),
          ignored: z.array(z.string()),
        }),
        'What the file reversed',
      ),
      ...errorResponses(400, 401, 429),
    },
  }),
  achSettle: createRoute({
    method: 'post',
    path: '/v1/test-helpers/ach/settle',
    tags,
    security: bearerSecurity,
    summary: 'Settle the ACH debits due by your sandbox clock (T+2 business days) now',
    request: { headers: merchantHeaders },
    responses: {
      200: jsonResponse(z.object({ settled: z.number().int() }), 'How many settled'),
      ...errorResponses(401, 429),
    },
  }),
  webhook: createRoute({
    method: 'post',
    path: '/v1/hub/webhooks/{id}',
    tags,
    summary:
      "A provider's webhook for one connector (Stripe-Signature or PayPal's transmission headers verified)",
    request: { params: idParam },
    responses: {
      200: jsonResponse(z.object({ received: z.literal(true), applied: z.boolean() }), 'Received'),
      ...errorResponses(400, 404),
    },
  }),
};

const page = <T>(data: T[]) => ({ data, has_more: false, next_cursor: null });
const actorOf = (c: { var: { merchant: { merchantId: string; ownerId: string } } }) => ({
  merchantId: c.var.merchant.merchantId,
  ownerId: c.var.merchant.ownerId,
});

/** The hub's routes: connectors, routing, payment intents, fault injection, provider webhooks. */
export function hubRoutes(moduleDeps: ModuleDeps) {
  const deps = hubDeps(moduleDeps);
  const app = createRouter();
  app.openapi(routes.createConnector, async (c) => {
    // Under the merchant's connector_change approval policy a change waits for approval (202).
    const pending = await requestConnectorChange(deps, c.var.merchant, {
      op: 'create',
      input: c.req.valid('json'),
    });
    if (pending) return c.json(pending, 202);
    return c.json(await createConnector(deps, c.var.merchant.merchantId, c.req.valid('json')), 201);
  });
  app.openapi(routes.listConnectors, async (c) =>
    c.json(page(await listConnectors(deps, c.var.merchant.merchantId)), 200),
  );
  app.openapi(routes.getConnector, async (c) =>
    c.json(
      await toConnector(
        deps,
        await getConnectorRecord(deps, c.var.merchant.merchantId, c.req.valid('param').id),
      ),
      200,
    ),
  );
  app.openapi(routes.updateConnector, async (c) => {
    const change = { op: 'update', id: c.req.valid('param').id, input: c.req.valid('json') } as const;
    const pending = await requestConnectorChange(deps, c.var.merchant, change);
    if (pending) return c.json(pending, 202);
    return c.json(await updateConnector(deps, c.var.merchant.merchantId, change.id, change.input), 200);
  });
  app.openapi(routes.deleteConnector, async (c) => {
    const pending = await requestConnectorChange(deps, c.var.merchant, {
      op: 'delete',
      id: c.req.valid('param').id,
    });
    if (pending) return c.json(pending, 202);
    return c.json(await deleteConnector(deps, c.var.merchant.merchantId, c.req.valid('param').id), 200);
  });
  app.openapi(routes.getRouting, async (c) => c.json(await getRouting(deps, c.var.merchant.merchantId), 200));
  app.openapi(routes.putRouting, async (c) =>
    c.json(await setRouting(deps, c.var.merchant.merchantId, c.req.valid('json')), 200),
  );

  app.openapi(routes.createIntent, async (c) => {
    const idem = c.var.idempotency;
    const respond =
      idem &&
      ((intent: Parameters<typeof intentDeclined>[0]) =>
        intent.status === 'failed'
          ? idem.record(
              intent.last_error?.code === 'card_declined' ? 402 : 503,
              errorBody(
                intent.last_error?.code === 'card_declined'
                  ? intentDeclined(intent)
                  : intentUnavailable(intent),
                c.var.requestId,
              ),
            )
          : idem.record(201, intent));
    const intent = await createIntent(deps, actorOf(c), c.req.valid('json') as CreateIntent, respond);
    if (intent.status === 'failed')
      throw intent.last_error?.code === 'card_declined' ? intentDeclined(intent) : intentUnavailable(intent);
    return c.json(intent, 201);
  });
  app.openapi(routes.listIntents, async (c) => {
    const result = await listIntents(deps, c.var.merchant.merchantId, pageRequest(c.req.valid('query')));
    return c.json(pageBody(result), 200);
  });
  app.openapi(routes.getIntent, async (c) =>
    c.json(toIntent(await getIntentRecord(deps, c.var.merchant.merchantId, c.req.valid('param').id)), 200),
  );
  app.openapi(routes.captureIntent, async (c) => {
    const idem = c.var.idempotency;
    const body = (await c.req.text()) ? c.req.valid('json') : {};
    return c.json(
      await captureIntent(
        deps,
        actorOf(c),
        c.req.valid('param').id,
        body.amount,
        idem && ((i) => idem.record(200, i)),
      ),
      200,
    );
  });
  app.openapi(routes.cancelIntent, async (c) => {
    const idem = c.var.idempotency;
    return c.json(
      await cancelIntent(deps, actorOf(c), c.req.valid('param').id, idem && ((i) => idem.record(200, i))),
      200,
    );
  });
  app.openapi(routes.refundIntent, async (c) => {
    const idem = c.var.idempotency;
    const body = (await c.req.text()) ? c.req.valid('json') : {};
    // Under the merchant's refund approval policy the refund waits for approval (202).
    const pending = await requestIntentRefund(deps, c.var.merchant, c.req.valid('param').id, body.amount);
    if (pending) return c.json(pending, 202);
    return c.json(
      await refundIntent(
        deps,
        actorOf(c),
        c.req.valid('param').id,
        body.amount,
        idem && ((i) => idem.record(200, i)),
      ),
      200,
    );
  });
  app.openapi(routes.setFault, async (c) =>
    c.json(
      await setFault(deps, c.var.merchant.merchantId, c.req.valid('param').id, c.req.valid('json')),
      200,
    ),
  );
  app.openapi(routes.clearFault, async (c) =>
    c.json(await setFault(deps, c.var.merchant.merchantId, c.req.valid('param').id, null), 200),
  );
  app.openapi(routes.payerIntent, async (c) =>
    c.json(await getPayerIntent(deps, c.var.principal.userId, c.req.valid('param').id), 200),
  );
  app.openapi(routes.approveIntent, async (c) => {
    const intent = await answerIntent(deps, c.var.principal.userId, c.req.valid('param').id, 'approve');
    if (intent.status === 'failed') throw intentDeclined(intent);
    return c.json(intent, 200);
  });
  app.openapi(routes.rejectIntent, async (c) =>
    c.json(await answerIntent(deps, c.var.principal.userId, c.req.valid('param').id, 'reject'), 200),
  );
  app.openapi(routes.achFile, async (c) => {
    const text = await achDayFile(deps, c.var.merchant.merchantId, c.req.valid('param').day);
    return c.text(text, 200, {
      'content-disposition': `attachment; filename="ach-${c.req.valid('param').day}.txt"`,
    });
  });
  app.openapi(routes.achReturns, async (c) =>
    c.json(await applyReturnFile(deps, actorOf(c), c.req.valid('json').file), 200),
  );
  app.openapi(routes.achSettle, async (c) =>
    c.json({ settled: await settleDueAch(deps, c.var.merchant.merchantId) }, 200),
  );
  app.openapi(routes.webhook, async (c) =>
    c.json(await receiveWebhook(deps, c.req.valid('param').id, await c.req.text(), c.req.header()), 200),
  );
  app.route('/', vendorRoutes(vendorDeps(moduleDeps)));
  return app;
}

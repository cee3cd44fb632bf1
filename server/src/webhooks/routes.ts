import { createRoute, z } from '@hono/zod-openapi';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  idempotencyHeaderSchema,
  jsonBody,
  jsonResponse,
} from '../http/openapi.ts';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
  type WebhookDeps,
} from './endpoints.ts';
import {
  getEvent,
  listEndpointDeliveries,
  listEventDeliveries,
  listEvents,
  redeliverEvent,
  sendTestEvent,
} from './events.ts';
import {
  deliverySchema,
  deliveryStatuses,
  endpointSchema,
  eventSchema,
  listQuerySchema,
  listSchema,
  redeliverSchema,
  endpointSchemas,
  rotateSecretSchema,
  testEventType,
} from './model.ts';

const tags = ['Webhooks'];
const security = bearerSecurity;
const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const deletedSchema = z.object({
  id: z.string(),
  object: z.literal('webhook_endpoint'),
  deleted: z.literal(true),
});
/** A `created` bound in Unix seconds (up to the year 9999). */
const createdBound = (description: string) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(253_402_300_799)
    .optional()
    .openapi({ description, example: 1767225600 });
const eventListQuery = (eventTypes: readonly string[]) =>
  listQuerySchema.extend({
    type: z.enum([...eventTypes, testEventType]).optional(),
    'created[gte]': createdBound('Only events created at or after this Unix time (seconds).'),
    'created[gt]': createdBound('Only events created after this Unix time.'),
    'created[lte]': createdBound('Only events created at or before this Unix time.'),
    'created[lt]': createdBound('Only events created before this Unix time.'),
  });

function page<T>(result: { data: T[]; next_cursor: string | undefined }) {
  return {
    data: result.data,
    has_more: result.next_cursor !== undefined,
    next_cursor: result.next_cursor ?? null,
  };
}

const base = '/v1/webhook-endpoints';
const secretReplayNote =
  'A replay of the same Idempotency-Key answers the same status and body with `secret: null` and the header `Idempotent-Redacted: secret`: idempotency records never hold a secret.';
/** The routes, for the event types this app's modules offer to webhooks. */
const routesFor = (eventTypes: readonly string[], bodies = endpointSchemas(eventTypes)) => ({
  create: createRoute({
    method: 'post',
    path: base,
    tags,
    security,
    summary: 'Register a webhook endpoint (its secret is shown only here)',
    description: secretReplayNote,
    request: { headers: idempotencyHeaderSchema, body: jsonBody(bodies.create) },
    responses: {
      201: jsonResponse(endpointSchema, 'The endpoint, with its signing secret'),
      ...errorResponses(400, 401, 409, 422),
    },
  }),
  list: createRoute({
    method: 'get',
    path: base,
    tags,
    security,
    summary: 'Your webhook endpoints',
    request: { query: listQuerySchema },
    responses: {
      200: jsonResponse(listSchema(endpointSchema), 'A page of endpoints'),
      ...errorResponses(400, 401),
    },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{id}`,
    tags,
    security,
    summary: 'One webhook endpoint',
    request: { params: idParam },
    responses: { 200: jsonResponse(endpointSchema, 'The endpoint'), ...errorResponses(401, 404) },
  }),
  update: createRoute({
    method: 'patch',
    path: `${base}/{id}`,
    tags,
    security,
    summary: 'Change the URL, events, description or status',
    request: { params: idParam, body: jsonBody(bodies.update) },
    responses: { 200: jsonResponse(endpointSchema, 'The endpoint'), ...errorResponses(400, 401, 404) },
  }),
  remove: createRoute({
    method: 'delete',
    path: `${base}/{id}`,
    tags,
    security,
    summary: 'Delete a webhook endpoint',
    request: { params: idParam },
    responses: { 200: jsonResponse(deletedSchema, 'Deleted'), ...errorResponses(401, 404) },
  }),
  rotate: createRoute({
    method: 'post',
    path: `${base}/{id}/rotate-secret`,
    tags,
    security,
    summary:
      'A new signing secret; the previous one keeps signing until expires_in_seconds (both signatures are sent)',
    description: secretReplayNote,
    request: {
      params: idParam,
      headers: idempotencyHeaderSchema,
      body: { ...jsonBody(rotateSecretSchema), required: false },
    },
    responses: {
      200: jsonResponse(endpointSchema, 'The endpoint, with its new secret'),
      ...errorResponses(400, 401, 404, 409, 422),
    },
  }),
  test: createRoute({
    method: 'post',
    path: `${base}/{id}/test`,
    tags,
    security,
    summary: `Send a ${testEventType} event to this endpoint only`,
    request: { params: idParam, headers: idempotencyHeaderSchema },
    responses: {
      202: jsonResponse(z.object({ event: eventSchema, delivery: deliverySchema }), 'Queued'),
      ...errorResponses(401, 404, 409, 422),
    },
  }),
  endpointDeliveries: createRoute({
    method: 'get',
    path: `${base}/{id}/deliveries`,
    tags,
    security,
    summary: 'Deliveries to this endpoint; status=dead lists the dead letters',
    request: {
      params: idParam,
      query: listQuerySchema.extend({ status: z.enum(deliveryStatuses).optional() }),
    },
    responses: {
      200: jsonResponse(listSchema(deliverySchema), 'A page of deliveries'),
      ...errorResponses(400, 401, 404),
    },
  }),
  events: createRoute({
    method: 'get',
    path: '/v1/events',
    tags,
    security,
    summary: 'Your events, newest first',
    description:
      'With `type`, each call reads through at most 1,000 of your events: a page can hold fewer than `limit` (even none) with `has_more: true`. Follow `next_cursor` until `has_more` is false. The `created[…]` bounds combine, and pages keep them: pass them again with `starting_after`.',
    request: { query: eventListQuery(eventTypes) },
    responses: {
      200: jsonResponse(listSchema(eventSchema), 'A page of events'),
      ...errorResponses(400, 401),
    },
  }),
  event: createRoute({
    method: 'get',
    path: '/v1/events/{id}',
    tags,
    security,
    summary: 'One event',
    request: { params: idParam },
    responses: { 200: jsonResponse(eventSchema, 'The event'), ...errorResponses(401, 404) },
  }),
  eventDeliveries: createRoute({
    method: 'get',
    path: '/v1/events/{id}/deliveries',
    tags,
    security,
    summary: 'Deliveries of one event, each with its attempt log',
    request: { params: idParam, query: listQuerySchema },
    responses: {
      200: jsonResponse(listSchema(deliverySchema), 'A page of deliveries'),
      ...errorResponses(400, 401, 404),
    },
  }),
  redeliver: createRoute({
    method: 'post',
    path: '/v1/events/{id}/redeliver',
    tags,
    security,
    summary: 'Send an event again, to one endpoint or to all subscribed',
    request: {
      params: idParam,
      headers: idempotencyHeaderSchema,
      body: { ...jsonBody(redeliverSchema), required: false },
    },
    responses: {
      202: jsonResponse(z.object({ data: z.array(deliverySchema) }), 'The new deliveries'),
      ...errorResponses(400, 401, 404, 409, 422),
    },
  }),
});

/**
 * Webhook endpoints and the merchant's event log. Every route needs a merchant (`c.var.merchant`,
 * set by the `merchant` authentication scheme) and sees only that merchant's objects. Endpoints
 * subscribe to `eventTypes`: the event types every module of the app offers to webhooks.
 */
export function webhookRoutes(deps: WebhookDeps, eventTypes: readonly string[]) {
  const app = createRouter();
  const routes = routesFor(eventTypes);
  const merchant = (c: { var: { merchant: { merchantId: string } } }) => c.var.merchant.merchantId;

  app.openapi(routes.create, async (c) =>
    c.json(await createEndpoint(deps, merchant(c), c.req.valid('json')), 201),
  );
  app.openapi(routes.list, async (c) => {
    const query = c.req.valid('query');
    return c.json(page(await listEndpoints(deps, merchant(c), query.limit, query.starting_after)), 200);
  });
  app.openapi(routes.get, async (c) =>
    c.json(await getEndpoint(deps, merchant(c), c.req.valid('param').id), 200),
  );
  app.openapi(routes.update, async (c) =>
    c.json(await updateEndpoint(deps, merchant(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(routes.remove, async (c) =>
    c.json(await deleteEndpoint(deps, merchant(c), c.req.valid('param').id), 200),
  );
  app.openapi(routes.rotate, async (c) => {
    const body = c.req.valid('json') as Partial<z.infer<typeof rotateSecretSchema>> | undefined;
    return c.json(
      await rotateSecret(deps, merchant(c), c.req.valid('param').id, body?.expires_in_seconds ?? 86_400),
      200,
    );
  });
  app.openapi(routes.test, async (c) =>
    c.json(await sendTestEvent(deps, merchant(c), c.req.valid('param').id), 202),
  );
  app.openapi(routes.endpointDeliveries, async (c) => {
    const query = c.req.valid('query');
    const result = await listEndpointDeliveries(deps, merchant(c), c.req.valid('param').id, {
      limit: query.limit,
      ...(query.starting_after ? { cursor: query.starting_after } : {}),
      ...(query.status ? { status: query.status } : {}),
    });
    return c.json(page(result), 200);
  });

  app.openapi(routes.events, async (c) => {
    const query = c.req.valid('query');
    const created = {
      gt: query['created[gt]'],
      gte: query['created[gte]'],
      lt: query['created[lt]'],
      lte: query['created[lte]'],
    };
    const result = await listEvents(deps, merchant(c), {
      limit: query.limit,
      ...(query.starting_after ? { startingAfter: query.starting_after } : {}),
      ...(query.type ? { type: query.type } : {}),
      created: Object.fromEntries(Object.entries(created).filter(([, value]) => value !== undefined)),
    });
    return c.json(page(result), 200);
  });
  app.openapi(routes.event, async (c) =>
    c.json(await getEvent(deps, merchant(c), c.req.valid('param').id), 200),
  );
  app.openapi(routes.eventDeliveries, async (c) => {
    const query = c.req.valid('query');
    return c.json(
      page(
        await listEventDeliveries(
          deps,
          merchant(c),
          c.req.valid('param').id,
          query.limit,
          query.starting_after,
        ),
      ),
      200,
    );
  });
  app.openapi(routes.redeliver, async (c) => {
    const body = c.req.valid('json') as z.infer<typeof redeliverSchema> | undefined;
    return c.json(
      { data: await redeliverEvent(deps, merchant(c), c.req.valid('param').id, body?.endpoint) },
      202,
    );
  });

  return app;
}

import { createRoute } from '@hono/zod-openapi';
import { bearerSecurity, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts';
import { acceptDispute, getDispute, listDisputes, openDispute, submitDisputeEvidence } from './disputes.ts';
import type { PaymentsDeps } from './merchants.ts';
import { disputeEvidenceSchema, disputeSchema, openDisputeSchema } from './model.ts';
import { pageBody, pageRequest } from '../http/object-routes.ts';
import {
  actorOf as actor,
  createObjectRoute,
  getRoute,
  idParam,
  listRoute,
  mutatingHeaders,
  tags,
} from './route-parts.ts';

const routes = {
  list: listRoute('/v1/disputes', disputeSchema, {
    summary: 'Your disputes, newest first',
    description: 'A page of disputes',
  }),
  get: getRoute('/v1/disputes/{id}', disputeSchema, { summary: 'One dispute', description: 'The dispute' }),
  evidence: createRoute({
    method: 'post',
    path: '/v1/disputes/{id}/evidence',
    tags,
    security: bearerSecurity,
    summary: 'Answer a dispute with evidence, before evidence_due_by',
    request: { headers: mutatingHeaders, params: idParam, body: jsonBody(disputeEvidenceSchema) },
    responses: {
      200: jsonResponse(disputeSchema, 'The dispute, under review'),
      ...errorResponses(400, 401, 404, 409, 422, 429),
    },
  }),
  accept: createRoute({
    method: 'post',
    path: '/v1/disputes/{id}/accept',
    tags,
    security: bearerSecurity,
    summary: 'Accept a dispute: it is lost at once',
    request: { headers: mutatingHeaders, params: idParam },
    responses: {
      200: jsonResponse(disputeSchema, 'The lost dispute'),
      ...errorResponses(401, 404, 409, 429),
    },
  }),
  open: createObjectRoute(
    '/v1/test-helpers/disputes',
    openDisputeSchema,
    disputeSchema,
    'Open a dispute on one of your succeeded payments',
    'The dispute',
    [400, 401, 402, 404, 409, 422, 429],
  ),
};

/** `/v1/disputes*` and the sandbox's dispute helper: the merchant's chargebacks (`c.var.merchant`). */
export function disputeRoutes(deps: PaymentsDeps) {
  const app = createRouter();
  app.openapi(routes.list, async (c) =>
    c.json(
      pageBody(await listDisputes(deps, c.var.merchant.merchantId, pageRequest(c.req.valid('query')))),
      200,
    ),
  );
  app.openapi(routes.get, async (c) =>
    c.json(await getDispute(deps, c.var.merchant.merchantId, c.req.valid('param').id), 200),
  );
  app.openapi(routes.evidence, async (c) =>
    c.json(
      await submitDisputeEvidence(deps, actor(c), c.req.valid('param').id, c.req.valid('json').text),
      200,
    ),
  );
  app.openapi(routes.accept, async (c) => {
    const idem = c.var.idempotency;
    return c.json(
      await acceptDispute(deps, actor(c), c.req.valid('param').id, idem && ((d) => idem.record(200, d))),
      200,
    );
  });
  app.openapi(routes.open, async (c) => {
    const idem = c.var.idempotency;
    const body = c.req.valid('json');
    return c.json(
      await openDispute(deps, actor(c), body.payment, body.reason, idem && ((d) => idem.record(201, d))),
      201,
    );
  });
  return app;
}

import { createRoute, z } from '@hono/zod-openapi';
import { bearerSecurity, createRouter, errorResponses, idempotencyHeaderSchema, jsonBody, jsonResponse } from '../http/openapi.ts';
import { listSchema, paginationQuerySchema } from '../http/schemas.ts';
import { acceptDispute, getDispute, listDisputes, openDispute, submitDisputeEvidence } from './disputes.ts';
import type { PaymentsDeps } from './merchants.ts';
import { disputeEvidenceSchema, disputeSchema, openDisputeSchema } from './model.ts';
import type { MerchantActor } from './service.ts';

const idParam = z.object({ id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' } }) });
const tags = ['Payments sandbox'];
const merchantHeaders = z.object({ 'sluice-merchant': z.string().optional().openapi({ description: 'With a user access token: the merchant to act as (its owner only).' }) });
const mutatingHeaders = merchantHeaders.extend(idempotencyHeaderSchema.shape);

const routes = {
  list: createRoute({
    method: 'get', path: '/v1/disputes', tags, security: bearerSecurity, summary: 'Your disputes, newest first',
    request: { headers: merchantHeaders, query: paginationQuerySchema },
    responses: { 200: jsonResponse(listSchema(disputeSchema), 'A page of disputes'), ...errorResponses(400, 401, 429) },
  }),
  get: createRoute({
    method: 'get', path: '/v1/disputes/{id}', tags, security: bearerSecurity, summary: 'One dispute',
    request: { headers: merchantHeaders, params: idParam },
    responses: { 200: jsonResponse(disputeSchema, 'The dispute'), ...errorResponses(401, 404, 429) },
  }),
  evidence: createRoute({
    method: 'post', path: '/v1/disputes/{id}/evidence', tags, security: bearerSecurity, summary: 'Answer a dispute with evidence, before evidence_due_by',
    request: { headers: mutatingHeaders, params: idParam, body: jsonBody(disputeEvidenceSchema) },
    responses: { 200: jsonResponse(disputeSchema, 'The dispute, under review'), ...errorResponses(400, 401, 404, 409, 422, 429) },
  }),
  accept: createRoute({
    method: 'post', path: '/v1/disputes/{id}/accept', tags, security: bearerSecurity, summary: 'Accept a dispute: it is lost at once',
    request: { headers: mutatingHeaders, params: idParam },
    responses: { 200: jsonResponse(disputeSchema, 'The lost dispute'), ...errorResponses(401, 404, 409, 429) },
  }),
  open: createRoute({
    method: 'post', path: '/v1/test-helpers/disputes', tags, security: bearerSecurity, summary: 'Open a dispute on one of your succeeded payments',
    request: { headers: mutatingHeaders, body: jsonBody(openDisputeSchema) },
    responses: { 201: jsonResponse(disputeSchema, 'The dispute'), ...errorResponses(400, 401, 402, 404, 409, 422, 429) },
  }),
};

/** `/v1/disputes*` and the sandbox's dispute helper: the merchant's chargebacks (`c.var.merchant`). */
export function disputeRoutes(deps: PaymentsDeps) {
  const app = createRouter();
  const actor = (c: { var: { merchant: { merchantId: string; ownerId: string } } }): MerchantActor => ({ merchantId: c.var.merchant.merchantId, ownerId: c.var.merchant.ownerId });
  app.openapi(routes.list, async (c) => {
    const query = c.req.valid('query');
    const result = await listDisputes(deps, c.var.merchant.merchantId, { limit: query.limit, ...(query.starting_after ? { cursor: query.starting_after } : {}) });
    return c.json({ data: result.data, has_more: result.next_cursor !== undefined, next_cursor: result.next_cursor ?? null }, 200);
  });
  app.openapi(routes.get, async (c) => c.json(await getDispute(deps, c.var.merchant.merchantId, c.req.valid('param').id), 200));
  app.openapi(routes.evidence, async (c) => c.json(await submitDisputeEvidence(deps, actor(c), c.req.valid('param').id, c.req.valid('json').text), 200));
  app.openapi(routes.accept, async (c) => {
    const idem = c.var.idempotency;
    return c.json(await acceptDispute(deps, actor(c), c.req.valid('param').id, idem && ((d) => [idem.record(200, d)])), 200);
  });
  app.openapi(routes.open, async (c) => {
    const idem = c.var.idempotency;
    const body = c.req.valid('json');
    return c.json(await openDispute(deps, actor(c), body.payment, body.reason, idem && ((d) => [idem.record(201, d)])), 201);
  });
  return app;
}

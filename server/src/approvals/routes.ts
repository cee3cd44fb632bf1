import { createRoute } from '@hono/zod-openapi';
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
  approvalSchema,
  approvalTtlSeconds,
  decisionSchema,
  deletedPolicySchema,
  policyActionParamSchema,
  policyInputSchema,
  policySchema,
} from './model.ts';
import {
  decideApproval,
  deletePolicy,
  getApproval,
  listApprovals,
  listPolicies,
  putPolicy,
} from './service.ts';

const tags = ['Approvals'];
const headers = merchantHeadersSchema;
const idParam = idParamSchema;
const { listRoute, getRoute } = objectRoutes({ tags, headers, idParam });
const decisionRoute = (decision: 'approve' | 'reject') =>
  createRoute({
    method: 'post',
    path: `/v1/approvals/{id}/${decision}`,
    tags,
    security: bearerSecurity,
    summary:
      decision === 'approve'
        ? 'Approve a pending request (approvers only, never its requester); the last approval needed executes the action, once'
        : 'Reject a pending request (approvers only, never its requester): it ends',
    request: { headers, params: idParam, body: { ...jsonBody(decisionSchema), required: false } },
    responses: {
      200: jsonResponse(approvalSchema, 'The request with this step in its trail'),
      ...errorResponses(400, 401, 403, 404, 409, 429),
    },
  });

const routes = {
  putPolicy: createRoute({
    method: 'put',
    path: '/v1/approval-policies',
    tags,
    security: bearerSecurity,
    summary: 'Put an action (payout, refund, connector_change) above a threshold under N approvals',
    description: `Actions under a policy answer 202 with an approval request instead of acting. Requests expire after ${approvalTtlSeconds / 3600} hours without a decision. Owners and admins only.`,
    request: { headers, body: jsonBody(policyInputSchema) },
    responses: { 200: jsonResponse(policySchema, 'The policy'), ...errorResponses(400, 401, 403, 429) },
  }),
  deletePolicy: createRoute({
    method: 'delete',
    path: '/v1/approval-policies/{action}',
    tags,
    security: bearerSecurity,
    summary: 'End the approval policy of an action',
    description:
      'The action no longer waits for approval; requests already made under the policy stay, to be decided or to expire. Owners and admins only.',
    request: { headers, params: policyActionParamSchema },
    responses: {
      200: jsonResponse(deletedPolicySchema, 'The policy ended'),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  }),
  listPolicies: createRoute({
    method: 'get',
    path: '/v1/approval-policies',
    tags,
    security: bearerSecurity,
    summary: 'Your approval policies',
    request: { headers },
    responses: { 200: jsonResponse(listSchema(policySchema), 'The policies'), ...errorResponses(401, 429) },
  }),
  list: listRoute('/v1/approvals', approvalSchema, {
    summary: 'Approval requests, newest first (the inbox)',
    description: 'A page of requests',
  }),
  get: getRoute('/v1/approvals/{id}', approvalSchema, {
    summary: 'One approval request with its audit trail',
    description: 'The request',
  }),
  approve: decisionRoute('approve'),
  reject: decisionRoute('reject'),
};

/** `/v1/approval-policies` and `/v1/approvals*`: the merchant API (roles checked by `requireMerchant`). */
export function approvalRoutes(deps: ModuleDeps) {
  const app = createRouter();
  app.openapi(routes.putPolicy, async (c) =>
    c.json(await putPolicy(deps, c.var.merchant.merchantId, c.req.valid('json')), 200),
  );
  app.openapi(routes.deletePolicy, async (c) =>
    c.json(await deletePolicy(deps, c.var.merchant.merchantId, c.req.valid('param').action), 200),
  );
  app.openapi(routes.listPolicies, async (c) =>
    c.json(
      { data: await listPolicies(deps, c.var.merchant.merchantId), has_more: false, next_cursor: null },
      200,
    ),
  );
  app.openapi(routes.list, async (c) => {
    const page = await listApprovals(deps, c.var.merchant.merchantId, pageRequest(c.req.valid('query')));
    return c.json(pageBody(page), 200);
  });
  app.openapi(routes.get, async (c) =>
    c.json(await getApproval(deps, c.var.merchant.merchantId, c.req.valid('param').id), 200),
  );
  for (const decision of ['approve', 'reject'] as const)
    app.openapi(routes[decision], async (c) => {
      const body = (await c.req.text()) ? c.req.valid('json') : {};
      return c.json(
        await decideApproval(deps, c.var.merchant, c.req.valid('param').id, decision, body.note),
        200,
      );
    });
  return app;
}

/**
 * A route of another module that may answer 202 with an approval request (an approval policy
 * applies), as its OpenAPI document then says.
 *
 * @example createRefund: withApprovalResponse(createObjectRoute('/v1/refunds', …)),
 */
export function withApprovalResponse<R extends { responses: object }>(route: R) {
  return {
    ...route,
    responses: {
      ...route.responses,
      202: jsonResponse(
        approvalSchema,
        'The approval request the action waits on (an approval policy applies)',
      ),
    },
  };
}

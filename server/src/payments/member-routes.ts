import { createRoute, z } from '@hono/zod-openapi';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  idempotencyHeaderSchema,
  jsonBody,
  jsonResponse,
} from '../http/openapi.ts';
import { listSchema } from '../http/schemas.ts';
import { inviteMemberSchema, memberSchema, updateMemberSchema } from './member-model.ts';
import {
  changeMemberRole,
  inviteMember,
  listMembers,
  removeMember,
  requireMemberPermission,
  type MembersDeps,
} from './members.ts';
import { idParam } from './route-parts.ts';

const tags = ['Teams'];
const memberParams = idParam.extend({
  member_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'member_id', in: 'path' } }),
});

const routes = {
  invite: createRoute({
    method: 'post',
    path: '/v1/merchants/{id}/members',
    tags,
    security: bearerSecurity,
    summary: 'Invite a person to the team by email, with a role (owners and admins)',
    description:
      'Roles: `owner` and `admin` (everything, including refunds, payouts, approval policies and the team; only an owner grants `owner`), `developer` (reads and API changes), `approver` (reads, and approves or rejects approval requests), `viewer` (reads). The invitee is mailed and joins when they first act for the merchant, signed in with that email verified. An API key acts with owner-like rights, except approving.',
    request: { params: idParam, headers: idempotencyHeaderSchema, body: jsonBody(inviteMemberSchema) },
    responses: {
      201: jsonResponse(memberSchema, 'The invited member'),
      ...errorResponses(400, 401, 403, 404, 409, 422),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/merchants/{id}/members',
    tags,
    security: bearerSecurity,
    summary: "The merchant's team (any member)",
    request: { params: idParam },
    responses: { 200: jsonResponse(listSchema(memberSchema), 'The members'), ...errorResponses(401, 404) },
  }),
  update: createRoute({
    method: 'patch',
    path: '/v1/merchants/{id}/members/{member_id}',
    tags,
    security: bearerSecurity,
    summary: "Change a member's role (never the last owner's)",
    request: { params: memberParams, body: jsonBody(updateMemberSchema) },
    responses: {
      200: jsonResponse(memberSchema, 'The member'),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/merchants/{id}/members/{member_id}',
    tags,
    security: bearerSecurity,
    summary: 'Remove a member (never the last owner)',
    request: { params: memberParams },
    responses: {
      200: jsonResponse(memberSchema, 'The removed member'),
      ...errorResponses(401, 403, 404, 409),
    },
  }),
};

const personOf = (c: { var: { principal: { userId: string; email: string } } }) => ({
  userId: c.var.principal.userId,
  email: c.var.principal.email,
});

/** `/v1/merchants/{id}/members*`: a merchant's team, for its members (signed-in people). */
export function memberRoutes(deps: MembersDeps) {
  const app = createRouter();
  app.openapi(routes.invite, async (c) =>
    c.json(await inviteMember(deps, c.req.valid('param').id, personOf(c), c.req.valid('json')), 201),
  );
  app.openapi(routes.list, async (c) => {
    const { merchant } = await requireMemberPermission(deps, c.req.valid('param').id, personOf(c), 'read');
    return c.json({ data: await listMembers(deps, merchant.id), has_more: false, next_cursor: null }, 200);
  });
  app.openapi(routes.update, async (c) => {
    const params = c.req.valid('param');
    return c.json(
      await changeMemberRole(deps, params.id, personOf(c), params.member_id, c.req.valid('json').role),
      200,
    );
  });
  app.openapi(routes.remove, async (c) => {
    const params = c.req.valid('param');
    return c.json(await removeMember(deps, params.id, personOf(c), params.member_id), 200);
  });
  return app;
}

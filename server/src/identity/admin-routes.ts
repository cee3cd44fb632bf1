import { createRoute } from '@hono/zod-openapi';
import { bearerSecurity, createRouter, errorResponses, jsonResponse } from '../http/openapi.ts';
import { listSchema, paginationQuerySchema } from '../http/schemas.ts';
import type { Identity } from '../platform/identity.ts';
import { userSchema } from './model.ts';

const listUsersRoute = createRoute({
  method: 'get',
  path: '/v1/admin/users',
  tags: ['Admin'],
  security: bearerSecurity,
  summary: 'Everyone who has signed up, newest first',
  request: { query: paginationQuerySchema },
  responses: {
    200: jsonResponse(listSchema(userSchema), 'A page of users'),
    ...errorResponses(400, 401, 403),
  },
});

/** What admins see of identity: every user, a page at a time (the path is admin-only in the module definition). */
export function identityAdminRoutes(identity: Pick<Identity, 'listUsers'>) {
  const app = createRouter();
  app.openapi(listUsersRoute, async (c) => {
    const query = c.req.valid('query');
    const page = await identity.listUsers({
      limit: query.limit,
      ...(query.starting_after ? { cursor: query.starting_after } : {}),
    });
    return c.json(
      { data: page.users, has_more: page.next_cursor !== undefined, next_cursor: page.next_cursor ?? null },
      200,
    );
  });
  return app;
}

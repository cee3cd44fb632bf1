import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../http/context.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  idempotencyHeaderSchema,
  jsonBody,
  jsonResponse,
} from '../http/openapi.ts';
import { listSchema, paginationQuerySchema } from '../http/schemas.ts';
import { AppError } from '../kernel/errors.ts';
import { coinsHistory, coinsSummary } from './awards.ts';
import type { RewardsDeps } from './deps.ts';
import {
  coinEntrySchema,
  coinsSummarySchema,
  commentSchema,
  createCommentSchema,
  createImageUploadSchema,
  createPostSchema,
  createRewardSchema,
  imageUploadSchema,
  postSchema,
  redemptionSchema,
  rewardSchema,
  updateRewardSchema,
} from './model.ts';
import {
  actorOf,
  commentOnPost,
  createImageUpload,
  createPost,
  deletePost,
  getPost,
  likePost,
  listComments,
  listFeed,
  unlikePost,
} from './posts.ts';
import {
  createReward,
  getReward,
  listRedemptions,
  listRewards,
  redeemReward,
  updateReward,
} from './redemption.ts';

const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export function page<T>(result: { data: T[]; next_cursor: string | undefined }) {
  return {
    data: result.data,
    has_more: result.next_cursor !== undefined,
    next_cursor: result.next_cursor ?? null,
  };
}

export function pageOptions(query: { limit: number; starting_after?: string | undefined }) {
  return { limit: query.limit, ...(query.starting_after ? { cursor: query.starting_after } : {}) };
}

const route = <const R extends Parameters<typeof createRoute>[0]>(tags: string[], spec: R) =>
  createRoute({ ...spec, tags, security: bearerSecurity });
const feed = ['Rewards: feed'];
const coins = ['Rewards: coins'];

const routes = {
  createPost: route(feed, {
    method: 'post',
    path: '/v1/posts',
    summary: 'Post to the feed (earns 10 coins, once per distinct post)',
    request: { headers: idempotencyHeaderSchema, body: jsonBody(createPostSchema) },
    responses: { 201: jsonResponse(postSchema, 'The post'), ...errorResponses(400, 401, 409, 422) },
  }),
  imageUpload: route(feed, {
    method: 'post',
    path: '/v1/posts/images',
    summary: 'Get a presigned URL to upload a post image (PNG, JPEG, GIF or WebP, up to 5 MB)',
    request: { body: jsonBody(createImageUploadSchema) },
    responses: { 201: jsonResponse(imageUploadSchema, 'Where to upload'), ...errorResponses(400, 401) },
  }),
  feed: route(feed, {
    method: 'get',
    path: '/v1/posts',
    summary: 'The feed, newest first',
    request: { query: paginationQuerySchema },
    responses: { 200: jsonResponse(listSchema(postSchema), 'A page of posts'), ...errorResponses(400, 401) },
  }),
  getPost: route(feed, {
    method: 'get',
    path: '/v1/posts/{id}',
    summary: 'One post',
    request: { params: idParam },
    responses: { 200: jsonResponse(postSchema, 'The post'), ...errorResponses(401, 404) },
  }),
  deletePost: route(feed, {
    method: 'delete',
    path: '/v1/posts/{id}',
    summary: 'Delete a post (its author, or an admin)',
    request: { params: idParam },
    responses: {
      200: jsonResponse(z.object({ id: z.string(), deleted: z.literal(true) }), 'Deleted'),
      ...errorResponses(401, 404),
    },
  }),
  like: route(feed, {
    method: 'post',
    path: '/v1/posts/{id}/like',
    summary: "Like a post, once (its author earns 2 coins, unless it's yours)",
    request: { params: idParam, headers: idempotencyHeaderSchema },
    responses: { 200: jsonResponse(postSchema, 'The post'), ...errorResponses(401, 404, 409, 422) },
  }),
  unlike: route(feed, {
    method: 'delete',
    path: '/v1/posts/{id}/like',
    summary: 'Take your like back (liking again pays nothing more)',
    request: { params: idParam },
    responses: { 200: jsonResponse(postSchema, 'The post'), ...errorResponses(401, 404, 409) },
  }),
  comment: route(feed, {
    method: 'post',
    path: '/v1/posts/{id}/comments',
    summary: "Comment on a post (5 coins, on someone else's post)",
    request: { params: idParam, headers: idempotencyHeaderSchema, body: jsonBody(createCommentSchema) },
    responses: {
      201: jsonResponse(commentSchema, 'The comment'),
      ...errorResponses(400, 401, 404, 409, 422),
    },
  }),
  comments: route(feed, {
    method: 'get',
    path: '/v1/posts/{id}/comments',
    summary: 'Comments on a post, oldest first',
    request: { params: idParam, query: paginationQuerySchema },
    responses: {
      200: jsonResponse(listSchema(commentSchema), 'A page of comments'),
      ...errorResponses(400, 401, 404),
    },
  }),
  coins: route(coins, {
    method: 'get',
    path: '/v1/coins',
    summary: 'Your coins: balance, and earned today toward the daily cap',
    responses: { 200: jsonResponse(coinsSummarySchema, 'Your coins'), ...errorResponses(401) },
  }),
  history: route(coins, {
    method: 'get',
    path: '/v1/coins/history',
    summary: 'Your coin entries, newest first',
    request: { query: paginationQuerySchema },
    responses: {
      200: jsonResponse(listSchema(coinEntrySchema), 'A page of entries'),
      ...errorResponses(400, 401),
    },
  }),
  rewards: route(coins, {
    method: 'get',
    path: '/v1/rewards',
    summary: 'The rewards catalogue (admins also see withdrawn rewards)',
    request: { query: paginationQuerySchema },
    responses: {
      200: jsonResponse(listSchema(rewardSchema), 'A page of rewards'),
      ...errorResponses(400, 401),
    },
  }),
  createReward: route(coins, {
    method: 'post',
    path: '/v1/rewards',
    summary: 'Add a reward to the catalogue (admin)',
    request: { headers: idempotencyHeaderSchema, body: jsonBody(createRewardSchema) },
    responses: { 201: jsonResponse(rewardSchema, 'The reward'), ...errorResponses(400, 401, 403, 409, 422) },
  }),
  getReward: route(coins, {
    method: 'get',
    path: '/v1/rewards/{id}',
    summary: 'One reward',
    request: { params: idParam },
    responses: { 200: jsonResponse(rewardSchema, 'The reward'), ...errorResponses(401, 404) },
  }),
  updateReward: route(coins, {
    method: 'patch',
    path: '/v1/rewards/{id}',
    summary: 'Change a reward: name, description, price, stock, on offer or not (admin)',
    request: { params: idParam, body: jsonBody(updateRewardSchema) },
    responses: { 200: jsonResponse(rewardSchema, 'The reward'), ...errorResponses(400, 401, 403, 404) },
  }),
  redeem: route(coins, {
    method: 'post',
    path: '/v1/rewards/{id}/redeem',
    summary: 'Redeem a reward for its price in coins (402: too few coins; 409: out of stock)',
    request: { params: idParam, headers: idempotencyHeaderSchema },
    responses: {
      201: jsonResponse(redemptionSchema, 'The redemption'),
      ...errorResponses(401, 402, 404, 409, 422),
    },
  }),
  redemptions: route(coins, {
    method: 'get',
    path: '/v1/redemptions',
    summary: 'Your redemptions, newest first',
    request: { query: paginationQuerySchema },
    responses: {
      200: jsonResponse(listSchema(redemptionSchema), 'A page of redemptions'),
      ...errorResponses(400, 401),
    },
  }),
};

function requireAdminActor(c: Context<AppEnv>): void {
  if (!c.var.principal.groups.includes('admin'))
    throw new AppError('forbidden', 'only admins may change the rewards catalogue');
}

/** The rewards routes for signed-in users: feed, coins, catalogue and redemptions. */
export function rewardsRoutes(deps: RewardsDeps) {
  const app = createRouter();
  const actor = (c: Context<AppEnv>) => actorOf(deps, c.var.principal);

  app.openapi(routes.createPost, async (c) =>
    c.json(await createPost(deps, await actor(c), c.req.valid('json')), 201),
  );
  app.openapi(routes.imageUpload, async (c) =>
    c.json(await createImageUpload(deps, await actor(c), c.req.valid('json').content_type), 201),
  );
  app.openapi(routes.feed, async (c) =>
    c.json(page(await listFeed(deps, c.var.principal.userId, pageOptions(c.req.valid('query')))), 200),
  );
  app.openapi(routes.getPost, async (c) =>
    c.json(await getPost(deps, c.var.principal.userId, c.req.valid('param').id), 200),
  );
  app.openapi(routes.deletePost, async (c) => {
    const { id } = c.req.valid('param');
    await deletePost(deps, await actor(c), id);
    return c.json({ id, deleted: true as const }, 200);
  });
  app.openapi(routes.like, async (c) =>
    c.json(await likePost(deps, await actor(c), c.req.valid('param').id), 200),
  );
  app.openapi(routes.unlike, async (c) =>
    c.json(await unlikePost(deps, await actor(c), c.req.valid('param').id), 200),
  );
  app.openapi(routes.comment, async (c) =>
    c.json(
      await commentOnPost(deps, await actor(c), c.req.valid('param').id, c.req.valid('json').content),
      201,
    ),
  );
  app.openapi(routes.comments, async (c) =>
    c.json(page(await listComments(deps, c.req.valid('param').id, pageOptions(c.req.valid('query')))), 200),
  );

  app.openapi(routes.coins, async (c) => c.json(await coinsSummary(deps, c.var.principal.userId), 200));
  app.openapi(routes.history, async (c) =>
    c.json(page(await coinsHistory(deps, c.var.principal.userId, pageOptions(c.req.valid('query')))), 200),
  );

  app.openapi(routes.rewards, async (c) =>
    c.json(page(await listRewards(deps, await actor(c), pageOptions(c.req.valid('query')))), 200),
  );
  app.openapi(routes.createReward, async (c) => {
    requireAdminActor(c);
    return c.json(await createReward(deps, c.req.valid('json')), 201);
  });
  app.openapi(routes.getReward, async (c) =>
    c.json(await getReward(deps, await actor(c), c.req.valid('param').id), 200),
  );
  app.openapi(routes.updateReward, async (c) => {
    requireAdminActor(c);
    return c.json(
      await updateReward(deps, await actor(c), c.req.valid('param').id, c.req.valid('json')),
      200,
    );
  });
  app.openapi(routes.redeem, async (c) => {
    const idem = c.var.idempotency;
    const redemption = await redeemReward(
      deps,
      await actor(c),
      c.req.valid('param').id,
      idem && ((r) => idem.record(201, r)),
    );
    return c.json(redemption, 201);
  });
  app.openapi(routes.redemptions, async (c) =>
    c.json(page(await listRedemptions(deps, c.var.principal.userId, pageOptions(c.req.valid('query')))), 200),
  );
  return app;
}

import { createRoute, z } from '@hono/zod-openapi';
import { bearerSecurity, createRouter, errorResponses, jsonResponse } from '../http/openapi.ts';
import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { ModuleDeps } from '../platform/module.ts';
import type { DeadLetter, DeadLetterQueue } from '../platform/queue.ts';

/**
 * Dead letters of every module's queues, for admins: `GET /v1/admin/dead-letters` (each queue
 * with its first dead letters), one queue's page, one message, and redrive (one message, or a
 * queue's). A redriven message goes back to its queue with a fresh receive count and is consumed
 * as a new delivery, so its consumer's idempotency is what makes a redrive safe.
 *
 * Queues come from the modules' `consumers` (`catalog.queues`); the messages from the Queue
 * port's dead-letter methods, on either runtime.
 */
export type DeadLettersDeps = Pick<ModuleDeps, 'catalog' | 'deadLetters' | 'clock'>;

const deadLetterSchema = z
  .object({
    id: z.string(),
    queue: z.string(),
    module: z.string(),
    body: z.unknown().openapi({ description: 'The message as it was sent' }),
    receive_count: z.number().int(),
    sent_at: z.string().openapi({ description: 'When it was first sent (ISO 8601)' }),
    dead_at: z
      .string()
      .nullable()
      .openapi({ description: 'When it was dead-lettered; null where the runtime cannot tell (SQS)' }),
    last_error: z
      .string()
      .nullable()
      .openapi({ description: 'The last failure its consumer reported; null on SQS' }),
  })
  .openapi('DeadLetter');

const queueParam = z
  .string()
  .min(1)
  .max(100)
  .openapi({ param: { name: 'queue', in: 'path' }, example: 'webhook-deliveries' });
const idParam = z
  .string()
  .min(1)
  .max(255)
  .openapi({ param: { name: 'id', in: 'path' } });
const limitQuery = z.coerce.number().int().min(1).max(100).optional();

const routes = {
  overview: createRoute({
    method: 'get',
    path: '/v1/admin/dead-letters',
    tags: ['Admin'],
    security: bearerSecurity,
    summary: 'Every queue of every module, with its first dead-lettered messages',
    request: { query: z.object({ limit: limitQuery.openapi({ description: 'Per queue; default 20' }) }) },
    responses: {
      200: jsonResponse(
        z
          .object({
            data: z.array(
              z.object({
                module: z.string(),
                queue: z.string(),
                messages: z.array(deadLetterSchema),
                has_more: z.boolean(),
              }),
            ),
          })
          .openapi('DeadLetterQueues'),
        'The queues and their dead letters',
      ),
      ...errorResponses(400, 401, 403),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/admin/dead-letters/{queue}',
    tags: ['Admin'],
    security: bearerSecurity,
    summary: "One queue's dead letters, oldest first (on SQS, a sample without a cursor)",
    request: {
      params: z.object({ queue: queueParam }),
      query: z.object({
        limit: limitQuery,
        starting_after: z
          .string()
          .max(2000)
          .optional()
          .openapi({ description: 'The `next_cursor` of the page before' }),
      }),
    },
    responses: {
      200: jsonResponse(
        z
          .object({
            data: z.array(deadLetterSchema),
            has_more: z.boolean(),
            next_cursor: z.string().nullable(),
          })
          .openapi('DeadLetterPage'),
        'A page of dead letters',
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/admin/dead-letters/{queue}/{id}',
    tags: ['Admin'],
    security: bearerSecurity,
    summary: 'One dead-lettered message',
    request: { params: z.object({ queue: queueParam, id: idParam }) },
    responses: {
      200: jsonResponse(deadLetterSchema, 'The dead letter'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  redriveOne: createRoute({
    method: 'post',
    path: '/v1/admin/dead-letters/{queue}/{id}/redrive',
    tags: ['Admin'],
    security: bearerSecurity,
    summary: 'Sends one dead letter back to its queue, with a fresh receive count',
    request: { params: z.object({ queue: queueParam, id: idParam }) },
    responses: {
      200: jsonResponse(z.object({ redriven: z.number().int() }).openapi('Redriven'), 'Redriven'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  redriveAll: createRoute({
    method: 'post',
    path: '/v1/admin/dead-letters/{queue}/redrive',
    tags: ['Admin'],
    security: bearerSecurity,
    summary: "Sends a queue's dead letters back to it (up to 1,000 a call; call again for more)",
    request: { params: z.object({ queue: queueParam }) },
    responses: {
      200: jsonResponse(z.object({ redriven: z.number().int() }).openapi('Redriven'), 'Redriven'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
};

/** The admin routes over every module queue's dead letters (admin-only by the module's paths). */
export function deadLetterRoutes(deps: DeadLettersDeps) {
  const app = createRouter();
  const view = (letter: DeadLetter) => ({
    id: letter.id,
    queue: letter.queue,
    module: moduleOf(deps, letter.queue) ?? '',
    body: letter.body,
    receive_count: letter.receiveCount,
    sent_at: isoTime(letter.sentAt),
    dead_at: letter.deadAt === null ? null : isoTime(letter.deadAt),
    last_error: letter.lastError,
  });

  app.openapi(routes.overview, async (c) => {
    const queues = portOf(deps);
    const limit = c.req.valid('query').limit ?? 20;
    const data = await Promise.all(
      deps.catalog.queues.map(async ({ module, queue }) => {
        const page = await queues.listDeadLetters(queue, { limit: limit + 1 });
        return {
          module,
          queue,
          messages: page.messages.slice(0, limit).map(view),
          has_more: page.messages.length > limit || page.cursor !== undefined,
        };
      }),
    );
    return c.json({ data }, 200);
  });

  app.openapi(routes.list, async (c) => {
    const { queue } = c.req.valid('param');
    const { limit = 20, starting_after: cursor } = c.req.valid('query');
    const page = await portOf(deps).listDeadLetters(knownQueue(deps, queue), {
      limit,
      ...(cursor ? { cursor } : {}),
    });
    return c.json(
      {
        data: page.messages.map(view),
        has_more: page.cursor !== undefined,
        next_cursor: page.cursor ?? null,
      },
      200,
    );
  });

  app.openapi(routes.get, async (c) => {
    const { queue, id } = c.req.valid('param');
    const letter = await portOf(deps).readDeadLetter(knownQueue(deps, queue), id);
    if (!letter) throw notDead(queue, id);
    return c.json(view(letter), 200);
  });

  app.openapi(routes.redriveOne, async (c) => {
    const { queue, id } = c.req.valid('param');
    if (!(await portOf(deps).redriveDeadLetter(knownQueue(deps, queue), id))) throw notDead(queue, id);
    return c.json({ redriven: 1 }, 200);
  });

  app.openapi(routes.redriveAll, async (c) => {
    const { queue } = c.req.valid('param');
    return c.json({ redriven: await portOf(deps).redriveDeadLetters(knownQueue(deps, queue)) }, 200);
  });
  return app;
}

function moduleOf(deps: DeadLettersDeps, queue: string): string | undefined {
  return deps.catalog.queues.find((entry) => entry.queue === queue)?.module;
}

/** Only the modules' own queues: a name no module consumes is a 404, never a query of something else. */
function knownQueue(deps: DeadLettersDeps, queue: string): string {
  if (moduleOf(deps, queue) === undefined)
    throw new AppError('not_found', `no module consumes a queue named ${queue}`, { param: 'queue' });
  return queue;
}

function portOf(deps: DeadLettersDeps): DeadLetterQueue {
  if (!deps.deadLetters)
    throw new AppError(
      'service_unavailable',
      'this runtime gave no dead-letter access to the operations module',
    );
  return deps.deadLetters;
}

function notDead(queue: string, id: string): AppError {
  return new AppError('not_found', `no dead letter ${id} in queue ${queue}`, { param: 'id' });
}

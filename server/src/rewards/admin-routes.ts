import { createRoute, z } from '@hono/zod-openapi';
import { bearerSecurity, createRouter, errorResponses, jsonResponse } from '../http/openapi.ts';
import { listSchema, paginationQuerySchema } from '../http/schemas.ts';
import { listDeadAwards, redriveDeadAward } from './awards.ts';
import { jobNames } from './model.ts';
import { deadAwardSchema, jobSchema } from './model.ts';
import { listJobs, parseJobName, runJob, type JobDeps } from './jobs.ts';
import { page, pageOptions } from './routes.ts';

const tags = ['Rewards: admin'];

const routes = {
  jobs: createRoute({
    method: 'get',
    path: '/v1/admin/jobs',
    tags,
    security: bearerSecurity,
    summary: 'The scheduled jobs, with their last and next runs',
    responses: {
      200: jsonResponse(z.object({ data: z.array(jobSchema) }), 'The jobs'),
      ...errorResponses(401, 403),
    },
  }),
  runJob: createRoute({
    method: 'post',
    path: '/v1/admin/jobs/{name}/run',
    tags,
    security: bearerSecurity,
    summary: 'Run a job now (a second run for the same period does its work once)',
    request: {
      params: z.object({ name: z.enum(jobNames).openapi({ param: { name: 'name', in: 'path' } }) }),
    },
    responses: {
      200: jsonResponse(
        z.object({ name: z.enum(jobNames), result: z.record(z.string(), z.unknown()) }),
        'What the run did',
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  deadAwards: createRoute({
    method: 'get',
    path: '/v1/admin/rewards/dead-awards',
    tags,
    security: bearerSecurity,
    summary: 'Coin awards that kept failing, oldest first',
    request: { query: paginationQuerySchema },
    responses: {
      200: jsonResponse(listSchema(deadAwardSchema), 'A page of dead awards'),
      ...errorResponses(400, 401, 403),
    },
  }),
  redrive: createRoute({
    method: 'post',
    path: '/v1/admin/rewards/dead-awards/{id}/redrive',
    tags,
    security: bearerSecurity,
    summary: 'Send a dead award back to the award queue (it still pays at most once)',
    request: {
      params: z.object({
        id: z
          .string()
          .min(1)
          .max(200)
          .openapi({ param: { name: 'id', in: 'path' } }),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ id: z.string(), message_id: z.string() }), 'Requeued'),
      ...errorResponses(401, 403, 404),
    },
  }),
};

/** Admin routes: the jobs, and the award dead letters. */
export function rewardsAdminRoutes(deps: JobDeps) {
  const app = createRouter();
  app.openapi(routes.jobs, async (c) => c.json({ data: await listJobs(deps) }, 200));
  app.openapi(routes.runJob, async (c) => {
    const name = parseJobName(c.req.valid('param').name);
    return c.json({ name, result: await runJob(deps, name) }, 200);
  });
  app.openapi(routes.deadAwards, async (c) =>
    c.json(page(await listDeadAwards(deps, pageOptions(c.req.valid('query')))), 200),
  );
  app.openapi(routes.redrive, async (c) =>
    c.json(await redriveDeadAward(deps, c.req.valid('param').id), 200),
  );
  return app;
}

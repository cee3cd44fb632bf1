import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { every } from 'hono/combine';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { requireAdmin, requireUser } from '../http/auth.ts';
import type { AppEnv } from '../http/context.ts';
import { createErrorHandler, errorResponse } from '../http/errors.ts';
import { idempotencyMiddleware } from '../http/idempotency.ts';
import { strictJsonBodies } from '../http/json-body.ts';
import { HttpMetrics } from '../http/metrics.ts';
import { merchantRequestLog } from '../http/request-log.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonResponse,
  serveApiDocument,
  serveGuides,
} from '../http/openapi.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { installationSecret } from '../platform/installation-secret.ts';
import type { ModuleDeps, PathAuth, SluiceModule } from '../platform/module.ts';
import { outboxBacklog } from '../platform/outbox.ts';
import type { RequestMetrics } from '../platform/telemetry.ts';
import { modules as appModules } from './modules.ts';
import { moduleDepsOf, type RuntimePorts } from './module-deps.ts';
import { authResolver, checkModules, pathResolver } from './registry.ts';

/**
 * Everything the HTTP app needs: a runtime's ports (`RuntimePorts`: the store, clock, config,
 * logger, identity and queue, and where it has them a rate limiter, realtime, a workflow runner
 * and test hooks), plus what only HTTP uses. The local server and the Lambda handler fill it.
 */
export interface AppDeps extends RuntimePorts {
  /** The modules to serve. Default: the app's (`app/modules.ts`). */
  modules?: readonly SluiceModule[];
  metrics?: HttpMetrics;
  /** The runtime's metrics system, told of every request (CloudWatch EMF on AWS). */
  requestMetrics?: RequestMetrics;
  /** Extra routes a runtime mounts (the local runtime's realtime socket, the dashboard). */
  extend?: (app: OpenAPIHono<AppEnv>) => void;
}

/**
 * Builds the Sluice HTTP app from ports.
 *
 * @example
 * const app = createApp({ store, clock: systemClock, config: defaultConfig, logger, identity });
 * const res = await app.request('/health');
 */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const modules = deps.modules ?? appModules;
  checkModules(modules);
  const moduleDeps = moduleDepsOf(deps, modules);
  const app = createRouter();
  const metrics = deps.metrics ?? new HttpMetrics();
  metrics.gauge(
    'sluice_outbox_lag_seconds',
    'Age of the oldest outbox event not yet handed to the bus; 0 when none waits',
    async () => (await outboxBacklog(deps.store, deps.clock.now())).lag_seconds,
  );
  const authenticators = authenticatorsOf(modules, moduleDeps);
  const moduleAuthOf = authResolver(modules);
  const ownedPathOf = pathResolver(modules);
  // A merchant's live metrics are read as the merchant (an API key, or the owner's dashboard with
  // Sluice-Merchant), with the scheme the merchant module offers; admins read everyone's.
  const hasMerchantMetrics = authenticators.has(merchantAuth);
  const authOf = (path: string): PathAuth =>
    hasMerchantMetrics && path === merchantMetricsPath ? merchantAuth : moduleAuthOf(path);

  app.use('*', requestId({ headerName: 'Request-Id', generator: () => newId('request') }));
  app.use('*', async (c, next) => {
    c.set('requestId', c.get('requestId') ?? c.res.headers.get('Request-Id') ?? '');
    await next();
  });
  app.use('*', metrics.middleware(deps.requestMetrics));
  // A merchant's own requests, live, on its realtime streams (`sluice logs tail`).
  if (deps.realtime) app.use('/v1/*', merchantRequestLog(deps.realtime, deps.logger));
  app.use('*', secureHeaders({ crossOriginResourcePolicy: false, contentSecurityPolicy: undefined }));
  const tooLarge = (c: Context<AppEnv>) =>
    errorResponse(
      c,
      new AppError('body_too_large', `the request body exceeds ${deps.config.maxBodyBytes} bytes`),
    );
  const countingBodyLimit = bodyLimit({ maxSize: deps.config.maxBodyBytes, onError: tooLarge });
  app.use('/v1/*', async (c, next) => {
    // A declared length is checked from the header alone: Hono's bodyLimit looks at
    // `c.req.raw.body` first, which makes @hono/node-server build a WHATWG Request and stream
    // for every request instead of reading the body straight from the socket (a fifth of a
    // transfer's CPU). Only a body without a length (chunked) is counted as it is read.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(length) > deps.config.maxBodyBytes ? tooLarge(c) : next();
    }
    return countingBodyLimit(c, next);
  });
  app.use('/v1/*', async (c, next) => {
    const auth = authOf(c.req.path);
    if (auth === 'public') return next();
    return authenticators.get(auth)!(c, next);
  });
  app.use('/v1/*', strictJsonBodies());
  app.use(
    '/v1/*',
    idempotencyMiddleware({
      store: deps.store,
      clock: deps.clock,
      scopeOf: (c) => callerScope(c.get('merchant'), c.get('principal')),
      fingerprintKey: () => installationSecret(deps.store),
      retentionSeconds: deps.config.idempotencyRetentionSeconds,
      claimFirst: (c) => ownedPathOf(c.req.path)?.idempotency !== 'in_transaction',
    }),
  );

  for (const module of modules) {
    const routes = module.http?.routes;
    if (routes) app.route('/', routes(moduleDeps));
  }
  app.route('/', platformRoutes(deps, metrics, { hasMerchantMetrics, admin: authenticators.get('admin')! }));
  deps.extend?.(app);

  // Credentials per operation come from the modules' declared path auth, in one place.
  serveApiDocument(app, authOf);
  serveGuides(app);
  app.get(
    '/docs',
    swaggerUI({
      url: '/openapi.json',
      baseUrl: '/docs/assets',
      persistAuthorization: true,
      title: 'Sluice API',
    }),
  );
  app.get('/docs/assets/swagger-ui-dist/:file', async (c) => {
    const file = c.req.param('file');
    const types: Record<string, string> = {
      'swagger-ui.css': 'text/css',
      'swagger-ui-bundle.js': 'text/javascript',
    };
    const type = types[file];
    if (!type) return errorResponse(c, new AppError('route_not_found', 'no such asset'));
    return c.body(await readFile(join(swaggerUiDir(), file)), 200, {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=86400',
    });
  });

  const allowedMethods = methodsByPath(app);
  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length > 0) {
      c.header('Allow', allowed.join(', '));
      return errorResponse(
        c,
        new AppError(
          'method_not_allowed',
          `${c.req.path} does not take ${c.req.method}; it takes ${allowed.join(', ')}`,
        ),
      );
    }
    // The routes have no trailing slash: say so, rather than leave the client guessing.
    const trimmed = c.req.path.replace(/\/+$/, '');
    const hint =
      trimmed !== c.req.path && trimmed !== '' && allowedMethods(trimmed).includes(c.req.method)
        ? ` (did you mean ${trimmed}, without the trailing slash?)`
        : '';
    return errorResponse(c, new AppError('route_not_found', `no route ${c.req.method} ${c.req.path}${hint}`));
  });
  app.onError(createErrorHandler(deps.logger));
  return app;
}

/** One middleware per authentication scheme: a user token, an admin's, and the modules' own. */
function authenticatorsOf(
  modules: readonly SluiceModule[],
  deps: ModuleDeps,
): Map<PathAuth, MiddlewareHandler<AppEnv>> {
  const user = requireUser(deps.identity);
  const admin = requireAdmin({ requireMfa: deps.config.requireMfaForAdmins });
  const authenticators = new Map<PathAuth, MiddlewareHandler<AppEnv>>([
    ['user', user],
    ['admin', every(user, admin)],
  ]);
  for (const module of modules) {
    for (const [name, scheme] of Object.entries(module.http?.authSchemes ?? {}))
      authenticators.set(name, scheme(deps));
  }
  return authenticators;
}

/**
 * Idempotency keys belong to the account acted for, as at Stripe: on merchant routes the merchant
 * (all its API keys and its dashboard share one scope, so a retry through another key replays
 * rather than charging again), on user routes the user.
 */
function callerScope(
  merchant: AppEnv['Variables']['merchant'] | undefined,
  principal: AppEnv['Variables']['principal'] | undefined,
): string | undefined {
  if (merchant) return `merchant:${merchant.merchantId}`;
  return principal ? `user:${principal.userId}` : undefined;
}

/**
 * The methods the app's routes take at a path, for a 405's `Allow`. Routes with a wildcard (the
 * dashboard's fallback) and middleware (`ALL`) do not count: they would make every path "known".
 * Read once, at the first unmatched request, when every route is registered.
 */
function methodsByPath(app: OpenAPIHono<AppEnv>): (path: string) => string[] {
  let patterns: Array<{ pattern: RegExp; method: string }> | undefined;
  return (path) => {
    patterns ??= app.routes
      .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
      .map((route) => ({
        method: route.method,
        pattern: new RegExp(
          `^${route.path
            .split('/')
            .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
            .join('/')}$`,
        ),
      }));
    const methods = new Set(patterns.filter(({ pattern }) => pattern.test(path)).map(({ method }) => method));
    return [...methods].sort();
  };
}

let swaggerDir: string | undefined;
/**
 * Where Swagger UI's assets are: the installed package, or, in a bundle (the Lambda function,
 * which has no node_modules), the `swagger-ui-dist/` folder the deploy copies beside it.
 */
function swaggerUiDir(): string {
  if (!swaggerDir) {
    try {
      swaggerDir = join(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'), '..');
    } catch {
      swaggerDir = fileURLToPath(new URL('./swagger-ui-dist/', import.meta.url));
    }
  }
  return swaggerDir;
}

const merchantAuth: PathAuth = 'merchant';
const merchantMetricsPath = '/v1/metrics';

/** Whether the request carries the configured Prometheus scrape token (compared in constant time). */
function hasScrapeToken(c: Context<AppEnv>, configured: string | undefined): boolean {
  if (!configured) return false;
  const presented = /^Bearer +([^\s]+) *$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (!presented) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(configured));
}

function platformRoutes(
  deps: AppDeps,
  metrics: HttpMetrics,
  options: { hasMerchantMetrics: boolean; admin: MiddlewareHandler<AppEnv> },
) {
  const app = createRouter();
  const tags = ['Platform'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags,
      summary: 'Liveness and store reachability',
      responses: { 200: jsonResponse(z.object({ status: z.literal('ok'), time: z.string() }), 'Healthy') },
    }),
    async (c) => {
      await deps.store.get({ pk: 'HEALTH', sk: 'HEALTH' });
      return c.json({ status: 'ok' as const, time: new Date(deps.clock.now()).toISOString() }, 200);
    },
  );
  // The whole installation's traffic: for a scraper with the configured token, or an admin.
  app.get(
    '/metrics',
    (c, next) => (hasScrapeToken(c, deps.config.metricsToken) ? next() : options.admin(c, next)),
    async (c) => c.text(await metrics.text(), 200, { 'Content-Type': metrics.registry.contentType }),
  );
  const seconds = z.object({
    time: z.string(),
    requests: z.number().int(),
    client_errors: z.number().int(),
    server_errors: z.number().int(),
    p50_ms: z.number().nullable(),
    p95_ms: z.number().nullable(),
    p99_ms: z.number().nullable(),
  });
  const routeStats = z.object({
    route: z.string(),
    requests: z.number().int(),
    requests_per_second: z.number(),
    rate_4xx: z.number(),
    rate_5xx: z.number(),
    p50_ms: z.number().nullable(),
    p95_ms: z.number().nullable(),
    p99_ms: z.number().nullable(),
  });
  const liveMetrics = z
    .object({
      window_seconds: z.number().int(),
      series: z.array(seconds),
      routes: z.array(routeStats),
    })
    .openapi('LiveMetrics');
  const windowSummary =
    'The last minute of API traffic: per second and per route (by template, `GET /v1/payments/{id}`), with p50/p95/p99 latency and 4xx/5xx rates';
  if (options.hasMerchantMetrics) {
    app.openapi(
      createRoute({
        method: 'get',
        path: merchantMetricsPath,
        tags,
        security: bearerSecurity,
        summary: `${windowSummary}, of this merchant's requests only`,
        description:
          "Authenticated as the merchant: an API key, or the owner's access token with `Sluice-Merchant`. Counts the requests made as this merchant, never another's.",
        responses: {
          200: jsonResponse(liveMetrics, "The merchant's live metrics"),
          ...errorResponses(400, 401, 404),
        },
      }),
      (c) => c.json(metrics.live.snapshot(c.get('merchant').merchantId), 200),
    );
  }
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/metrics',
      tags,
      security: bearerSecurity,
      summary: `${windowSummary}, of the whole installation (admins only)`,
      responses: {
        200: jsonResponse(liveMetrics, 'Live metrics of every caller'),
        ...errorResponses(401, 403),
      },
    }),
    (c) => c.json(metrics.live.snapshot(), 200),
  );
  return app;
}

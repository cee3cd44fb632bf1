import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { Identity } from '../identity/index.ts';
import { identityRoutes, storeRateLimiter, userSchema, type RateLimiter } from '../identity/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { auditLedger } from '../ledger/index.ts';
import { disputeRoutes, installationSecret, merchantRoutes, paymentRoutes, settlementRoutes, type SettleMerchantRun } from '../payments/index.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { outboxBacklog } from '../platform/outbox.ts';
import type { Store } from '../platform/store.ts';
import type { RequestMetrics } from '../platform/telemetry.ts';
import { walletRoutes } from '../wallet/index.ts';
import type { TransactionalQueue } from '../platform/queue.ts';
import { webhookRoutes, type WebhookDeps } from '../webhooks/index.ts';
import { requireAdmin, requireUser } from './auth.ts';
import type { AppEnv } from './context.ts';
import { createErrorHandler, errorResponse } from './errors.ts';
import { idempotencyMiddleware } from './idempotency.ts';
import { requireMerchant } from './merchant-auth.ts';
import { HttpMetrics } from './metrics.ts';
import { bearerSecurity, createRouter, errorResponses, jsonResponse } from './openapi.ts';

/** Everything the HTTP app needs, as ports. The local server and the Lambda handler fill it. */
export interface AppDeps {
  store: Store;
  clock: Clock;
  config: Config;
  logger: Logger;
  identity: Identity;
  /** The queue webhook deliveries go through (a store-backed queue locally). */
  queue: TransactionalQueue;
  metrics?: HttpMetrics;
  /**
   * Counts merchant API requests against each key's limit. Default: counters in the store,
   * shared by every process (what AWS needs); the local runtime's one process keeps them in
   * memory (`MemoryRateLimiter`) and saves a store write per request.
   */
  rateLimiter?: RateLimiter;
  /** The runtime's metrics system, told of every request (CloudWatch EMF on AWS). */
  requestMetrics?: RequestMetrics;
  /**
   * How `advance-clock` settles a merchant's ended sandbox days. The local runtime runs the
   * settlement state machine (`workflows/settlement.asl.json`) for that merchant; by default the
   * workflow's settlement step is called directly.
   */
  settleMerchant?: SettleMerchantRun;
  /** Extra routes a runtime mounts (the local runtime's realtime socket, the dashboard). */
  extend?: (app: OpenAPIHono<AppEnv>) => void;
}

/** Paths under /v1 that need no access token. */
export const publicPaths = ['/v1/auth/signup', '/v1/auth/login', '/v1/auth/refresh', '/v1/auth/logout', '/v1/realtime'] as const;
const publicPathSet = new Set<string>(publicPaths);

/**
 * The merchant API (payments sandbox): these paths authenticate with an API key, or a user token
 * plus `Sluice-Merchant`, instead of a user token alone. A prefix matches itself and what lies
 * below it (`/v1/events` and `/v1/events/evt_…`), not longer names (`/v1/eventsx`).
 */
export const merchantPathPrefixes = ['/v1/payments', '/v1/refunds', '/v1/balance', '/v1/test-helpers', '/v1/webhook-endpoints', '/v1/events', '/v1/settlements', '/v1/disputes'] as const;

export function isMerchantPath(path: string): boolean {
  return merchantPathPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * Builds the Sluice HTTP app from ports.
 *
 * @example
 * const app = createApp({ store, clock: systemClock, config: defaultConfig, logger, identity });
 * const res = await app.request('/health');
 */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = createRouter();
  const metrics = deps.metrics ?? new HttpMetrics();
  metrics.gauge('sluice_outbox_lag_seconds', 'Age of the oldest outbox event not yet handed to the bus; 0 when none waits', async () => (await outboxBacklog(deps.store, deps.clock.now())).lag_seconds);
  const authenticate = requireUser(deps.identity);
  const authenticateMerchant = requireMerchant({ store: deps.store, clock: deps.clock, identity: deps.identity, rateLimiter: deps.rateLimiter ?? storeRateLimiter(deps.store) });

  app.use('*', requestId({ headerName: 'Request-Id', generator: () => newId('request') }));
  app.use('*', async (c, next) => {
    c.set('requestId', c.get('requestId') ?? c.res.headers.get('Request-Id') ?? '');
    await next();
  });
  app.use('*', metrics.middleware(deps.requestMetrics));
  app.use('*', secureHeaders({ crossOriginResourcePolicy: false, contentSecurityPolicy: undefined }));
  const tooLarge = (c: Context<AppEnv>) => errorResponse(c, new AppError('body_too_large', `the request body exceeds ${deps.config.maxBodyBytes} bytes`));
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
    if (publicPathSet.has(c.req.path)) return next();
    return isMerchantPath(c.req.path) ? authenticateMerchant(c, next) : authenticate(c, next);
  });
  app.use('/v1/*', idempotencyMiddleware({
    store: deps.store,
    clock: deps.clock,
    scopeOf: (c) => callerScope(c.get('merchant'), c.get('principal')),
    fingerprintKey: () => installationSecret(deps.store),
  }));
  app.use('/v1/admin/*', requireAdmin());

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.route('/', identityRoutes(deps.identity));
  app.route('/', walletRoutes({ store: deps.store, clock: deps.clock, config: deps.config, users: deps.identity }));
  app.route('/', merchantRoutes({ store: deps.store, clock: deps.clock }));
  app.route('/', paymentRoutes({ store: deps.store, clock: deps.clock, ...(deps.settleMerchant ? { settle: deps.settleMerchant } : {}) }));
  app.route('/', settlementRoutes({ store: deps.store, clock: deps.clock }));
  app.route('/', disputeRoutes({ store: deps.store, clock: deps.clock }));
  app.route('/', webhookRoutes(webhookDepsOf(deps)));
  app.route('/', platformRoutes(deps, metrics));
  deps.extend?.(app);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Sluice API',
      version: '1.0.0',
      description: 'One double-entry ledger under a wallet, a card-payments sandbox and more. Amounts are integers in minor units.',
    },
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json', baseUrl: '/docs/assets', persistAuthorization: true, title: 'Sluice API' }));
  app.get('/docs/assets/swagger-ui-dist/:file', async (c) => {
    const file = c.req.param('file');
    const types: Record<string, string> = { 'swagger-ui.css': 'text/css', 'swagger-ui-bundle.js': 'text/javascript' };
    const type = types[file];
    if (!type) return errorResponse(c, new AppError('route_not_found', 'no such asset'));
    return c.body(await readFile(join(swaggerUiDir(), file)), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });

  app.notFound((c) => errorResponse(c, new AppError('route_not_found', `no route ${c.req.method} ${c.req.path}`)));
  app.onError(createErrorHandler(deps.logger));
  return app;
}

/** What the webhooks module needs, from the app's ports. */
export function webhookDepsOf(deps: Pick<AppDeps, 'store' | 'clock' | 'logger' | 'queue' | 'config'>): WebhookDeps {
  return { store: deps.store, clock: deps.clock, logger: deps.logger, queue: deps.queue, allowPrivate: deps.config.webhookAllowPrivate };
}

/** Idempotency keys belong to the caller: per API key, per merchant (token + Sluice-Merchant), per user. */
function callerScope(merchant: AppEnv['Variables']['merchant'] | undefined, principal: AppEnv['Variables']['principal'] | undefined): string | undefined {
  if (merchant) return merchant.apiKeyId ? `key:${merchant.apiKeyId}` : `merchant:${merchant.merchantId}`;
  return principal ? `user:${principal.userId}` : undefined;
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

function platformRoutes(deps: AppDeps, metrics: HttpMetrics) {
  const app = createRouter();
  const tags = ['Platform'];
  app.openapi(
    createRoute({ method: 'get', path: '/health', tags, summary: 'Liveness and store reachability', responses: { 200: jsonResponse(z.object({ status: z.literal('ok'), time: z.string() }), 'Healthy') } }),
    async (c) => {
      await deps.store.get({ pk: 'HEALTH', sk: 'HEALTH' });
      return c.json({ status: 'ok' as const, time: new Date(deps.clock.now()).toISOString() }, 200);
    },
  );
  app.get('/metrics', async (c) => c.text(await metrics.text(), 200, { 'Content-Type': metrics.registry.contentType }));
  const seconds = z.object({
    time: z.string(), requests: z.number().int(), client_errors: z.number().int(), server_errors: z.number().int(),
    p50_ms: z.number().nullable(), p95_ms: z.number().nullable(), p99_ms: z.number().nullable(),
  });
  const routeStats = z.object({
    route: z.string(), requests: z.number().int(), requests_per_second: z.number(), rate_4xx: z.number(), rate_5xx: z.number(),
    p50_ms: z.number().nullable(), p95_ms: z.number().nullable(), p99_ms: z.number().nullable(),
  });
  app.openapi(
    createRoute({
      method: 'get', path: '/v1/metrics', tags, security: bearerSecurity, summary: 'The last minute of API traffic: per second and per route, with p50/p95/p99 latency and 4xx/5xx rates',
      responses: { 200: jsonResponse(z.object({ window_seconds: z.number().int(), series: z.array(seconds), routes: z.array(routeStats) }).openapi('LiveMetrics'), 'Live metrics'), ...errorResponses(401) },
    }),
    (c) => c.json(metrics.live.snapshot(), 200),
  );
  const currencyAudit = z.object({
    currency: z.string(), accounts: z.number().int(), debits_posted: z.number().int(), credits_posted: z.number().int(),
    debits_pending: z.number().int(), credits_pending: z.number().int(), balanced: z.boolean(), overdrawn_accounts: z.array(z.string()),
  });
  app.openapi(
    createRoute({
      method: 'get', path: '/v1/admin/audit', tags: ['Admin'], security: bearerSecurity, summary: 'Ledger invariants per currency, checked now',
      responses: { 200: jsonResponse(z.object({ balanced: z.boolean(), currencies: z.array(currencyAudit), checked_at: z.string() }).openapi('AuditReport'), 'The audit'), ...errorResponses(401, 403) },
    }),
    async (c) => c.json(await auditLedger(deps.store, deps.clock.now()), 200),
  );
  app.openapi(
    createRoute({
      method: 'get', path: '/v1/admin/users', tags: ['Admin'], security: bearerSecurity, summary: 'Everyone who has signed up, newest first',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), starting_after: z.string().max(1024).optional() }) },
      responses: {
        200: jsonResponse(z.object({ data: z.array(userSchema), has_more: z.boolean(), next_cursor: z.string().nullable() }), 'A page of users'),
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await deps.identity.listUsers({ limit: query.limit, ...(query.starting_after ? { cursor: query.starting_after } : {}) });
      return c.json({ data: page.users, has_more: page.next_cursor !== undefined, next_cursor: page.next_cursor ?? null }, 200);
    },
  );
  return app;
}

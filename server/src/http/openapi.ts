import { readFile } from 'node:fs/promises';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from './context.ts';
import { errorTable } from '../kernel/errors.ts';
import { validationHook } from './errors.ts';

/** Every module's routes are an OpenAPIHono app with the shared validation hook. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

export const errorSchema = z
  .object({
    error: z.object({
      type: z.string().openapi({ example: 'invalid_request_error' }),
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      param: z.string().optional().openapi({ example: 'amount' }),
      decline_code: z
        .string()
        .optional()
        .openapi({ description: 'A card decline (`card_declined`): why the issuer refused, as at Stripe.' }),
      payment_id: z
        .string()
        .optional()
        .openapi({ description: 'A card decline: the failed payment, stored with `status: failed`.' }),
      request_id: z.string().optional(),
    }),
  })
  .openapi('Error');

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { 'application/json': { schema } }, required: true };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

/** The error responses a route can answer, by status. */
export function errorResponses(...statuses: Array<400 | 401 | 402 | 403 | 404 | 409 | 422 | 429 | 503>) {
  const descriptions: Record<number, string> = {
    400: 'Invalid request: the field at fault is named in `param`',
    401: 'Missing, invalid or expired credentials',
    402: 'Declined: a card decline (`card_declined`, with its `decline_code`) or a balance short of the amount (`insufficient_funds`)',
    403: 'Not allowed for this caller',
    404: 'Not found (or not visible to this caller)',
    409: "Conflicts with the object's current state, or the idempotency key is in use",
    422: 'Idempotency key reused with another request, or unprocessable input',
    429: 'Rate limited; see Retry-After',
    503: 'A provider behind the request did not answer (a timeout, a 5xx, no connection); retrying is safe',
  };
  return Object.fromEntries(
    statuses.map((status) => [status, jsonResponse(errorSchema, descriptions[status]!)]),
  );
}

export const idempotencyHeaderSchema = z.object({
  'idempotency-key': z
    .string()
    .max(255)
    .optional()
    .openapi({ description: 'Makes the POST safe to retry: a replay returns the stored response.' }),
});

/**
 * The two kinds of credentials. Both travel as `Authorization: Bearer …`, but only the user's is
 * a JWT: a merchant's secret key (`sk_test_…`) is an opaque string.
 */
export const securitySchemes = {
  userToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A user access token (a JWT, 15 minutes) from `POST /v1/auth/login`, renewed with `POST /v1/auth/refresh`. Merchant routes also take it from the merchant's owner with the header `Sluice-Merchant: mer_…`.",
  },
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'sk_test_…',
    description:
      "A merchant's secret API key (`sk_test_…`, created in the dashboard's Developers › API keys or by `POST /v1/merchants/{id}/api-keys`). It acts as that merchant on the payments, webhook and hub routes; keep it on your server.",
  },
} as const;

export type SecuritySchemeName = keyof typeof securitySchemes;

/** `bearerSecurity` is a route's own declaration; the served document replaces it by path (below). */
export const bearerSecurity: Array<Partial<Record<SecuritySchemeName, string[]>>> = [{ userToken: [] }];

/**
 * Which credentials a path's authentication scheme takes: none for public paths, a user token for
 * user and admin paths, and for a merchant's paths its API key or its owner's token.
 */
export function securityOf(auth: string): Array<Partial<Record<SecuritySchemeName, string[]>>> {
  if (auth === 'public') return [];
  if (auth === 'merchant') return [{ apiKey: [] }, { userToken: [] }];
  return [{ userToken: [] }];
}

/**
 * An operation's stable id from its method and path template, camelCase and unique because the
 * pair is: `GET /v1/payments/{id}/refunds` → `getPaymentsByIdRefunds`. Generated clients name
 * their functions by it, so it must not change while the route does not.
 */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'v1')
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment)?.[1];
      return param ? ['by', ...wordsOf(param)] : wordsOf(segment);
    });
  return method.toLowerCase() + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

const wordsOf = (text: string) =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());

/** The first page of the docs: what a newcomer needs before the first call. */
export const apiIntroduction = `One double-entry ledger under a wallet, a card-payments sandbox, a shop, rewards and a processing hub. Amounts are integers in minor units (\`2500\` is $25.00).

## Credentials

Every call but sign-up, sign-in and the public catalogue sends \`Authorization: Bearer …\` with one of two credentials (each operation lists the ones it takes):

- **User token** (\`userToken\`): a JWT from \`POST /v1/auth/login\`, valid 15 minutes; \`POST /v1/auth/refresh\` exchanges the refresh token for a new pair. It is *you*: your wallet, requests, posts, orders; admins' tokens also open \`/v1/admin/…\`.
- **API key** (\`apiKey\`): a merchant's secret key, \`sk_test_…\`, from the dashboard (Developers › API keys). It is the *merchant*: payments, refunds, disputes, settlements, webhooks, events and the hub. The merchant's owner may call the same routes with a user token and \`Sluice-Merchant: mer_…\`.

## Idempotency

Send \`Idempotency-Key: <unique string>\` with every \`POST\` that moves money or creates something. A retry with the same key and body answers the first response again (and moves nothing); the same key with another body is a 422 \`idempotency_key_reused\`, and one still in flight a 409 \`idempotency_key_in_progress\`; for transfers and card payments, requests sent at once with one key all answer the one that committed. Keys are kept 48 hours, per user or per merchant.

## Pagination

Lists answer \`{ data, has_more, next_cursor }\`, newest first. Pass \`limit\` (1–100) and, for the next page, \`starting_after=<next_cursor>\`.

## Errors

An error answers \`{ error: { type, code, message, param?, request_id } }\`: \`code\` is stable (branch on it, not on \`message\`) and \`param\` names the field at fault. 400 invalid input; 401 missing or expired credentials; 402 a card decline (\`card_declined\` with \`decline_code\`) or a balance that cannot cover the transfer (\`insufficient_funds\`); 403 not allowed; 404 unknown or not yours; 409 conflicts with the object's state; 422 unprocessable; 429 rate limited (see \`Retry-After\`). Each operation shows an example per status.

## Test cards

In the sandbox \`4242 4242 4242 4242\` succeeds, \`4000 0000 0000 0002\` is declined (\`generic_decline\`), \`4000 0000 0000 9995\` is declined for \`insufficient_funds\`, \`4000 0000 0000 0259\` succeeds and is then disputed; any future expiry and any CVC. The full table is in [the test cards guide](/docs/guides/test-cards).

## Webhooks

Each delivery is signed: \`Sluice-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(whsec_…, "<t>.<raw body>")>\`. Verify it on the raw body in constant time and reject timestamps more than 300 s away; [the webhooks guide](/docs/guides/webhooks) has a complete receiver, retries and secret rotation.`;

/** An OpenAPI 3.1 document as `getOpenAPI31Document` builds it. */
type ApiDocument = ReturnType<OpenAPIHono<AppEnv>['getOpenAPI31Document']>;
type Operation = { operationId?: string; security?: unknown; responses?: Record<string, unknown> } & Record<
  string,
  unknown
>;
type Example = { code: string; message: string; param?: string; [field: string]: unknown };

/** An example error per status, for responses whose description names no code of their own. */
const errorExamples: Record<string, Example[]> = {
  '400': [{ code: 'validation_failed', message: 'Amount must be a positive whole number.', param: 'amount' }],
  '401': [{ code: 'unauthenticated', message: 'Send a bearer token in Authorization.' }],
  '402': [
    {
      code: 'card_declined',
      message: 'Your card was declined.',
      decline_code: 'generic_decline',
      payment_id: 'pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
    },
    { code: 'insufficient_funds', message: 'Insufficient funds for this transfer.' },
  ],
  '403': [{ code: 'forbidden', message: 'This action needs the admin group.' }],
  '404': [{ code: 'not_found', message: 'No payment pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V.' }],
  '409': [
    { code: 'invalid_state_transition', message: 'This payment is already refunded.' },
    { code: 'idempotency_key_in_progress', message: 'A request with this idempotency key is in progress.' },
  ],
  '422': [
    {
      code: 'idempotency_key_reused',
      message: 'This idempotency key was used with another request.',
    },
  ],
  '429': [{ code: 'rate_limited', message: 'Too many requests; retry after 30 seconds.' }],
};

const errorTypeOf: Record<string, string> = {
  '400': 'invalid_request_error',
  '401': 'authentication_error',
  '402': 'card_error',
  '403': 'permission_error',
  '404': 'not_found_error',
  '409': 'conflict_error',
  '422': 'invalid_request_error',
  '429': 'rate_limit_error',
};

/**
 * Examples for an error response: the codes its description names (`` `email_taken`: … ``), else
 * the status's usual ones. Each is a whole error body, as a client receives it.
 */
function errorResponseExamples(status: string, description: string, auth: string) {
  const curated = Object.values(errorExamples).flat();
  const named = [...description.matchAll(/`([a-z_]+)`/g)]
    .map((match) => match[1]!)
    .filter((name) => !errorFields.has(name));
  const examples: Example[] = named.length
    ? named.map(
        (code) =>
          curated.find((example) => example.code === code) ?? {
            code,
            message: sentence(description.replace(/^`[a-z_]+`:\s*/, '')),
          },
      )
    : (errorExamples[status] ?? []);
  // Only a merchant's routes take cards; elsewhere a 402 is a short balance.
  const relevant = examples.filter((example) => example.code !== 'card_declined' || auth === 'merchant');
  return Object.fromEntries(
    relevant.map(({ code, ...rest }) => [
      code,
      {
        summary: code,
        value: {
          error: {
            type:
              (errorTable as Record<string, { type: string }>)[code]?.type ??
              errorTypeOf[status] ??
              'api_error',
            code,
            ...rest,
            request_id: 'req_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
          },
        },
      },
    ]),
  );
}

/** Fields of an error body a description may name beside its codes. */
const errorFields = new Set(['decline_code', 'payment_id', 'param', 'request_id', 'retry_after']);

/** A description fragment as a sentence: capital first letter, a full stop. */
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1).replace(/\.?$/, '.')}`;

/**
 * Examples for common fields a schema left without one, by name, so the docs' generated bodies
 * read like real objects (`"usd"`, `2500`, a timestamp) instead of `"string"` and `0`.
 */
const fieldExamples: Record<string, unknown> = {
  amount: 2500,
  amount_captured: 2500,
  amount_refunded: 0,
  currency: 'usd',
  created_at: '2026-12-04T15:30:00.000Z',
  updated_at: '2026-12-04T15:31:00.000Z',
  expires_at: '2026-12-11T15:30:00.000Z',
  last_used_at: '2026-12-04T15:30:00.000Z',
  sandbox_time: '2026-12-04T15:30:00.000Z',
  time: '2026-12-04T15:30:00.000Z',
  has_more: false,
  description: 'Order #6735',
  name: 'Ann Lee',
  email: 'ann@example.com',
  merchant: 'mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
  payment: 'pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
  user: 'usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
  endpoint: 'we_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
  transfer_id: 'tr_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
  payment_id: 'pay_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
  request_id: 'req_01JD3S8Q4X9Z2K7M5N6P8R0T1V',
  decline_code: 'generic_decline',
  message: 'Amount must be a positive whole number.',
  last4: '4242',
  exp_month: 12,
  exp_year: 2030,
  capture: true,
  url: 'https://example.com/webhooks/sluice',
  reason: 'fraudulent',
  price: 1999,
  unit_price: 1999,
  line_total: 3998,
  total: 3998,
  quantity: 2,
  stock: 25,
  available: 8280,
  pending: 2500,
  active: true,
  disabled: false,
  password: 'correct horse battery staple',
  current_password: 'correct horse battery staple',
  email_verified: true,
  mfa_enabled: false,
  requests: 42,
};

/** Gives `schema`'s scalar properties (and those of its nested objects) the default examples. */
function addFieldExamples(schema: unknown): void {
  if (!schema || typeof schema !== 'object') return;
  const node = schema as Record<string, unknown>;
  for (const [name, property] of Object.entries((node.properties ?? {}) as Record<string, unknown>)) {
    const field = property as Record<string, unknown>;
    if (!field || typeof field !== 'object') continue;
    const example = fieldExamples[name];
    const scalar = ['string', 'integer', 'number', 'boolean'].includes(String(field.type));
    if (
      scalar &&
      example !== undefined &&
      typeof example === (field.type === 'integer' ? 'number' : field.type)
    )
      if (!('example' in field) && !('examples' in field) && !('enum' in field) && !('const' in field))
        field.example = example;
    addFieldExamples(field);
  }
  for (const key of ['items', 'additionalProperties']) addFieldExamples(node[key]);
  for (const key of ['anyOf', 'oneOf', 'allOf'])
    for (const part of (node[key] ?? []) as unknown[]) addFieldExamples(part);
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * The document as served: the introduction, both credential schemes, and per operation the
 * credentials its path takes (from the modules' declared path auth, so no route declares them
 * by hand), a stable `operationId`, a 401 where credentials are needed, and example error bodies.
 */
export function finishDocument(document: ApiDocument, authOf: (path: string) => string): ApiDocument {
  const components = (document.components ??= {});
  components.securitySchemes = { ...securitySchemes };
  for (const schema of Object.values(components.schemas ?? {})) addFieldExamples(schema);
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const auth = path.startsWith('/v1/') ? authOf(path) : 'public';
    for (const method of methods) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      operation.operationId ??= operationIdOf(method, path);
      operation.security = securityOf(auth);
      const body = (operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)
        ?.content?.['application/json'];
      addFieldExamples(body?.schema);
      const responses = (operation.responses ??= {});
      for (const response of Object.values(responses))
        addFieldExamples(
          (response as { content?: Record<string, { schema?: unknown }> }).content?.['application/json']
            ?.schema,
        );
      if (auth !== 'public' && !responses['401']) responses['401'] = structuredClone(unauthorizedResponse);
      for (const [status, response] of Object.entries(responses)) {
        if (!/^4\d\d$/.test(status)) continue;
        const media = (response as { content?: Record<string, { examples?: unknown }> }).content?.[
          'application/json'
        ];
        if (media && !media.examples)
          media.examples = errorResponseExamples(
            status,
            (response as { description?: string }).description ?? '',
            auth,
          );
      }
    }
  }
  return document;
}

const descriptionOf401 = 'Missing, invalid or expired credentials';
const unauthorizedResponse = {
  description: descriptionOf401,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

/**
 * Serves `GET /openapi.json`: the finished document, built once at the first request (every
 * route is registered by then), with this installation's origin as its server.
 */
export function serveApiDocument(app: OpenAPIHono<AppEnv>, authOf: (path: string) => string): void {
  let document: ApiDocument | undefined;
  app.get('/openapi.json', (c) => {
    document ??= finishDocument(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'Sluice API', version: '1.0.0', description: apiIntroduction },
      }),
      authOf,
    );
    return c.json({
      ...document,
      servers: [{ url: new URL(c.req.url).origin, description: 'This installation' }],
    });
  });
}

/** The guides the introduction links to, by the name in `/docs/guides/{name}`. */
const guides: Record<string, string> = { 'test-cards': 'test-cards.md', webhooks: 'webhooks.md' };

/**
 * Serves the repository's guides (`docs/*.md`) as Markdown under `/docs/guides/`, so the
 * introduction's links work where the API runs from a checkout (the local runtime); a bundle
 * without them answers 404.
 */
export function serveGuides(app: OpenAPIHono<AppEnv>): void {
  app.get('/docs/guides/:name', async (c) => {
    const file = guides[c.req.param('name')];
    const text = file
      ? await readFile(new URL(`../../../docs/${file}`, import.meta.url), 'utf8').catch(() => undefined)
      : undefined;
    if (text === undefined) return c.notFound();
    return c.body(text, 200, {
      'Content-Type': 'text/markdown; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
    });
  });
}

import { createRoute, z } from '@hono/zod-openapi';
import type { Clock } from '../kernel/clock.ts';
import { bearerSecurity, createRouter, errorResponses, jsonResponse } from '../http/openapi.ts';
import type { Store } from '../platform/store.ts';
import { auditLedger } from './audit.ts';
import { maxShards, setAccountShards } from './shards.ts';

const currencyAudit = z.object({
  currency: z.string(),
  accounts: z.number().int(),
  debits_posted: z.number().int(),
  credits_posted: z.number().int(),
  debits_pending: z.number().int(),
  credits_pending: z.number().int(),
  balanced: z.boolean(),
  overdrawn_accounts: z.array(z.string()),
  system_accounts: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      debits_posted: z.number().int(),
      credits_posted: z.number().int(),
    }),
  ),
});

const auditRoute = createRoute({
  method: 'get',
  path: '/v1/admin/audit',
  tags: ['Admin'],
  security: bearerSecurity,
  summary: 'Ledger invariants per currency, checked now',
  responses: {
    200: jsonResponse(
      z
        .object({ balanced: z.boolean(), currencies: z.array(currencyAudit), checked_at: z.string() })
        .openapi('AuditReport'),
      'The audit',
    ),
    ...errorResponses(401, 403),
  },
});

const shardsRoute = createRoute({
  method: 'post',
  path: '/v1/admin/ledger/accounts/{id}/shards',
  tags: ['Admin'],
  security: bearerSecurity,
  summary: "Spread an account's totals over more items",
  description:
    'For an account that takes more transfers a second than one DynamoDB item allows: its totals ' +
    'are kept in `shards` items, read and audited as a sum. The count only grows; a smaller one ' +
    'leaves it as it is. Sides guarded by an overdraft flag stay on the account item.',
  request: {
    params: z.object({ id: z.string().min(1).max(200) }),
    body: {
      content: {
        'application/json': { schema: z.object({ shards: z.number().int().min(1).max(maxShards) }) },
      },
      required: true,
    },
  },
  responses: {
    200: jsonResponse(z.object({ account_id: z.string(), shards: z.number().int() }), 'The count now'),
    ...errorResponses(400, 401, 403, 404),
  },
});

/** The ledger's audit and account sharding for admins (admin-only paths in the module definition). */
export function ledgerAdminRoutes(deps: { store: Store; clock: Clock }) {
  const app = createRouter();
  app.openapi(auditRoute, async (c) => {
    const report = await auditLedger(deps.store, deps.clock.now());
    // JSON numbers: exact up to 2^53 − 1 per sum; `balanced` is decided on the exact sums.
    const currencies = report.currencies.map((currency) => ({
      ...currency,
      debits_posted: Number(currency.debits_posted),
      credits_posted: Number(currency.credits_posted),
      debits_pending: Number(currency.debits_pending),
      credits_pending: Number(currency.credits_pending),
    }));
    return c.json({ ...report, currencies }, 200);
  });
  app.openapi(shardsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const shards = await setAccountShards(deps, id, c.req.valid('json').shards);
    return c.json({ account_id: id, shards }, 200);
  });
  return app;
}

import { createRoute, z } from '@hono/zod-openapi';
import type { Clock } from '../kernel/clock.ts';
import { bearerSecurity, createRouter, errorResponses, jsonResponse } from '../http/openapi.ts';
import type { Store } from '../platform/store.ts';
import { auditLedger } from './audit.ts';

const currencyAudit = z.object({
  currency: z.string(),
  accounts: z.number().int(),
  debits_posted: z.number().int(),
  credits_posted: z.number().int(),
  debits_pending: z.number().int(),
  credits_pending: z.number().int(),
  balanced: z.boolean(),
  overdrawn_accounts: z.array(z.string()),
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

/** The ledger's audit for admins (the path is admin-only in the module definition). */
export function ledgerAdminRoutes(deps: { store: Store; clock: Clock }) {
  const app = createRouter();
  app.openapi(auditRoute, async (c) => c.json(await auditLedger(deps.store, deps.clock.now()), 200));
  return app;
}

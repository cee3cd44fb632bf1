import { createRoute, z } from '@hono/zod-openapi';
import { bearerSecurity, createRouter, errorResponses, jsonResponse } from '../http/openapi.ts';
import type { ModuleDeps } from '../platform/module.ts';

const backupSchema = z
  .object({
    file: z.string().openapi({ description: 'The backup file, on the server machine' }),
    size_bytes: z.number().int(),
    sha256: z.string(),
    taken_at: z.string().openapi({ description: 'When its snapshot was taken (ISO 8601)' }),
  })
  .openapi('Backup');

const backupsRoute = createRoute({
  method: 'get',
  path: '/v1/admin/backups',
  tags: ['Admin'],
  security: bearerSecurity,
  summary:
    'The last backup of the local database and the backup schedule (both null on AWS, where AWS Backup keeps them)',
  responses: {
    200: jsonResponse(
      z
        .object({
          last: backupSchema.nullable(),
          scheduled: z
            .object({
              dir: z.string(),
              every_seconds: z.number().int(),
              keep: z.number().int(),
            })
            .nullable(),
        })
        .openapi('BackupStatus'),
      'The backups',
    ),
    ...errorResponses(401, 403),
  },
});

/** What admins see of the runtime's backups (the path is admin-only in the module definition). */
export function backupRoutes(deps: Pick<ModuleDeps, 'backups'>) {
  const app = createRouter();
  app.openapi(backupsRoute, async (c) => {
    const last = (await deps.backups?.last()) ?? null;
    return c.json({ last, scheduled: deps.backups?.schedule ?? null }, 200);
  });
  return app;
}

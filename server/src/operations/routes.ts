import { createRoute, z } from '@hono/zod-openapi';
import { bearerSecurity, createRouter, errorResponses, jsonResponse } from '../http/openapi.ts';
import { readMigrationRecords } from '../platform/migrations.ts';
import type { ModuleDeps } from '../platform/module.ts';

const codeMigrationSchema = z.object({
  module: z.string(),
  version: z.number().int(),
  description: z.string(),
});

const appliedMigrationSchema = codeMigrationSchema.extend({
  applied_at: z.string().openapi({ description: 'When it was applied (ISO 8601)' }),
  changed: z.number().int().openapi({ description: 'Items it changed' }),
});

const migrationsRoute = createRoute({
  method: 'get',
  path: '/v1/admin/migrations',
  tags: ['Admin'],
  security: bearerSecurity,
  summary: 'Stored-data migrations: those the code knows, those applied to this store, those pending',
  responses: {
    200: jsonResponse(
      z
        .object({
          code: z.array(codeMigrationSchema),
          applied: z.array(appliedMigrationSchema),
          pending: z.array(codeMigrationSchema),
        })
        .openapi('MigrationStatus'),
      'The migrations',
    ),
    ...errorResponses(401, 403),
  },
});

/** What admins see of the platform's operations (the paths are admin-only in the module definition). */
export function operationsRoutes(deps: Pick<ModuleDeps, 'store' | 'catalog'>) {
  const app = createRouter();
  app.openapi(migrationsRoute, async (c) => {
    const applied = (await readMigrationRecords(deps.store)).map(
      ({ module, version, description, applied_at, changed }) => ({
        module,
        version,
        description,
        applied_at,
        changed,
      }),
    );
    const done = new Set(applied.map((record) => `${record.module}#${record.version}`));
    const code = deps.catalog.migrations.map(({ module, version, description }) => ({
      module,
      version,
      description,
    }));
    const pending = code.filter((migration) => !done.has(`${migration.module}#${migration.version}`));
    return c.json({ code, applied, pending }, 200);
  });
  return app;
}

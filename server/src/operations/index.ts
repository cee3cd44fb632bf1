import { defineModule } from '../platform/module.ts';
import { backupRoutes } from './backups.ts';
import { operationsRoutes } from './routes.ts';

/**
 * The platform's operations for admins: which stored-data migrations the code knows, which this
 * store has applied and which are pending, and the last backup of the local database. It writes
 * nothing of its own.
 */
export const operationsModule = defineModule({
  name: 'operations',
  http: {
    paths: [
      { prefix: '/v1/admin/migrations', auth: 'admin' },
      { prefix: '/v1/admin/backups', auth: 'admin' },
    ],
    routes: (deps) => operationsRoutes(deps).route('/', backupRoutes(deps)),
  },
});

import { defineModule } from '../platform/module.ts';
import { backupRoutes } from './backups.ts';
import { deadLetterRoutes } from './dead-letters.ts';
import { operationsRoutes } from './routes.ts';

/**
 * The platform's operations for admins: which stored-data migrations the code knows, which this
 * store has applied and which are pending, the last backup of the local database, and the dead
 * letters of every module's queues (listed, shown and redriven). It writes nothing of its own
 * beyond a redrive.
 */
export const operationsModule = defineModule({
  name: 'operations',
  http: {
    paths: [
      { prefix: '/v1/admin/migrations', auth: 'admin' },
      { prefix: '/v1/admin/backups', auth: 'admin' },
      { prefix: '/v1/admin/dead-letters', auth: 'admin' },
    ],
    routes: (deps) =>
      operationsRoutes(deps).route('/', backupRoutes(deps)).route('/', deadLetterRoutes(deps)),
  },
});

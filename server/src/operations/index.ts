import { defineModule } from '../platform/module.ts';
import { operationsRoutes } from './routes.ts';

/**
 * The platform's operations for admins: which stored-data migrations the code knows, which this
 * store has applied and which are pending. It writes nothing of its own.
 */
export const operationsModule = defineModule({
  name: 'operations',
  http: {
    paths: [{ prefix: '/v1/admin/migrations', auth: 'admin' }],
    routes: (deps) => operationsRoutes(deps),
  },
});

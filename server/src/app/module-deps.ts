import { storeRateLimiter } from '../identity/index.ts';
import type { ModuleDeps, SluiceModule } from '../platform/module.ts';
import { catalogOf } from './registry.ts';

/**
 * The ports a runtime has; what it lacks gets a default (`moduleDepsOf`). Without a rate limiter,
 * merchant API counters live in the store, shared by every process (what AWS needs); the local
 * runtime's one process keeps them in memory and saves a store write per request.
 */
export type RuntimePorts = Pick<ModuleDeps, 'store' | 'clock' | 'config' | 'logger' | 'identity' | 'queue'> &
  Partial<Pick<ModuleDeps, 'rateLimiter' | 'realtime' | 'runWorkflow' | 'testHooks' | 'backups'>>;

/**
 * The ports every module gets, from a runtime's. Both runtimes (and the HTTP app) build theirs
 * here, so a module sees one shape wherever it runs. Without a rate limiter the counters live in
 * the store; without realtime a push fails loudly (the HTTP routes never push: subscribers do).
 *
 * @example const deps = moduleDepsOf({ store, clock, config, logger, identity, queue }, modules);
 */
export function moduleDepsOf(ports: RuntimePorts, modules: readonly SluiceModule[]): ModuleDeps {
  return {
    store: ports.store,
    clock: ports.clock,
    config: ports.config,
    logger: ports.logger,
    identity: ports.identity,
    queue: ports.queue,
    rateLimiter: ports.rateLimiter ?? storeRateLimiter(ports.store),
    realtime: ports.realtime ?? {
      push: () => Promise.reject(new Error('no Realtime port was given to this process')),
    },
    catalog: catalogOf(modules),
    ...(ports.runWorkflow ? { runWorkflow: ports.runWorkflow } : {}),
    ...(ports.testHooks ? { testHooks: ports.testHooks } : {}),
    ...(ports.backups ? { backups: ports.backups } : {}),
  };
}

import { storeRateLimiter } from '../identity/index.ts';
import type { ModuleDeps, SluiceModule } from '../platform/module.ts';
import type { DeadLetterQueue } from '../platform/queue.ts';
import { catalogOf } from './registry.ts';

/**
 * The ports a runtime has; what it lacks gets a default (`moduleDepsOf`). Without a rate limiter,
 * merchant API counters live in the store, shared by every process (what AWS needs); the local
 * runtime's one process keeps them in memory and saves a store write per request.
 */
export type RuntimePorts = Pick<ModuleDeps, 'store' | 'clock' | 'config' | 'logger' | 'identity' | 'queue'> &
  Partial<
    Pick<
      ModuleDeps,
      | 'rateLimiter'
      | 'realtime'
      | 'notifier'
      | 'blobs'
      | 'runWorkflow'
      | 'startWorkflow'
      | 'taskTokens'
      | 'testHooks'
      | 'backups'
      | 'deadLetters'
      | 'secrets'
      | 'moduleMetrics'
    >
  >;

/**
 * The ports every module gets, from a runtime's. Both runtimes (and the HTTP app) build theirs
 * here, so a module sees one shape wherever it runs. Without a rate limiter the counters live in
 * the store; without realtime a push fails loudly (the HTTP routes never push: subscribers do),
 * and so does a message or a file URL without a notifier or blobs (both runtimes give them), and
 * a secret without a Secrets port. Without a metrics port, module metrics go to the log.
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
    notifier: ports.notifier ?? {
      sendEmail: () => Promise.reject(new Error('no Notifier port was given to this process')),
      sendSms: () => Promise.reject(new Error('no Notifier port was given to this process')),
    },
    blobs: ports.blobs ?? {
      uploadUrl: () => Promise.reject(new Error('no Blobs port was given to this process')),
      downloadUrl: () => Promise.reject(new Error('no Blobs port was given to this process')),
      exists: () => Promise.reject(new Error('no Blobs port was given to this process')),
    },
    secrets: ports.secrets ?? {
      get: (name) => Promise.reject(new Error(`no Secrets port was given to this process (reading ${name})`)),
    },
    moduleMetrics: ports.moduleMetrics ?? loggedMetrics(ports.logger),
    catalog: catalogOf(modules),
    ...(ports.runWorkflow ? { runWorkflow: ports.runWorkflow } : {}),
    ...(ports.startWorkflow ? { startWorkflow: ports.startWorkflow } : {}),
    ...(ports.taskTokens ? { taskTokens: ports.taskTokens } : {}),
    ...(ports.testHooks ? { testHooks: ports.testHooks } : {}),
    ...(ports.backups ? { backups: ports.backups } : {}),
    // Both runtimes' queues (StoreQueue, SqsQueue) keep their dead letters: the queue serves.
    ...(ports.deadLetters
      ? { deadLetters: ports.deadLetters }
      : isDeadLetterQueue(ports.queue)
        ? { deadLetters: ports.queue }
        : {}),
  };
}

/** Module metrics as log lines, where the runtime has no metrics system for them (locally). */
function loggedMetrics(logger: ModuleDeps['logger']): ModuleDeps['moduleMetrics'] {
  return { count: (module, metric, value = 1) => logger.info('metric counted', { module, metric, value }) };
}

function isDeadLetterQueue(queue: object): queue is DeadLetterQueue {
  return 'listDeadLetters' in queue && 'redriveDeadLetter' in queue;
}

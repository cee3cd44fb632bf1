import { rewardsKeyPatterns } from './store.ts';
import { defineModule, type ModuleDeps } from '../platform/module.ts';
import { rewardsAdminRoutes } from './admin-routes.ts';
import { awardConsumeOptions, awardConsumer } from './awards.ts';
import { awardQueueName, type RewardsDeps } from './deps.ts';
import { rewardsErrors } from './errors.ts';
import { rewardsEventTypes } from './events.ts';
import { rewardsJobSchedules, runJob, type JobDeps } from './jobs.ts';
import { jobNames, rewardsIds } from './model.ts';
import { rewardsRoutes } from './routes.ts';
export { awardQueueName } from './deps.ts';
export { coinAccountId, payAward } from './awards.ts';
export { rewardsJobSchedules } from './jobs.ts';
export { rewardsEventTypes } from './events.ts';

/**
 * Rewards as a module: a feed whose posts, likes and comments earn coins (a ledger currency,
 * `COIN`) through an award queue, at most 500 a day, redeemable for vouchers or wallet credit;
 * the daily digest, the cleanup and the weekly bonus on schedules both runtimes read from here.
 */
export const rewardsModule = defineModule({
  name: 'rewards',
  http: {
    paths: [
      { prefix: '/v1/posts', auth: 'user' },
      { prefix: '/v1/coins', auth: 'user' },
      { prefix: '/v1/rewards', auth: 'user' },
      { prefix: '/v1/redemptions', auth: 'user' },
      { prefix: '/v1/admin/jobs', auth: 'admin' },
      { prefix: '/v1/admin/rewards', auth: 'admin' },
    ],
    routes: (deps) => {
      const app = rewardsRoutes(rewardsDepsOf(deps));
      app.route('/', rewardsAdminRoutes(jobDepsOf(deps)));
      return app;
    },
  },
  consumers: [
    {
      queue: awardQueueName,
      handler: (deps) => awardConsumer(rewardsDepsOf(deps)),
      options: awardConsumeOptions,
      // The consumer parks an award itself at its fifth attempt; SQS's DLQ takes what a crashing
      // consumer never settled. Visibility: six times the consumer function's 60 s, as AWS advises
      // (a failed award comes back sooner, after the consumer's own backoff).
      aws: { visibilityTimeoutSeconds: 360, maxReceiveCount: awardConsumeOptions.maxReceives, batchSize: 10 },
    },
  ],
  jobs: jobNames.map((name) => ({
    name: `rewards.${name}`,
    cron: rewardsJobSchedules[name].cron,
    description: rewardsJobSchedules[name].description,
    run: (deps: ModuleDeps) => runJob(jobDepsOf(deps), name),
  })),
  events: rewardsEventTypes,
  errors: rewardsErrors.table,
  ids: rewardsIds.prefixes,
  keys: rewardsKeyPatterns,
});

export function rewardsDepsOf(deps: ModuleDeps): RewardsDeps {
  const hooks = deps.testHooks?.rewards as Pick<RewardsDeps, 'beforeAward'> | undefined;
  return {
    store: deps.store,
    clock: deps.clock,
    config: deps.config,
    logger: deps.logger,
    identity: deps.identity,
    queue: deps.queue,
    blobs: deps.blobs,
    ...hooks,
  };
}

function jobDepsOf(deps: ModuleDeps): JobDeps {
  return { ...rewardsDepsOf(deps), notifier: deps.notifier };
}

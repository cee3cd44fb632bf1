import type { Clock } from '../kernel/clock.ts';
import type { Blobs } from '../platform/blobs.ts';
import type { Config } from '../platform/config.ts';
import type { Identity } from '../platform/identity.ts';
import type { Logger } from '../platform/logger.ts';
import type { TransactionalQueue } from '../platform/queue.ts';
import type { Store } from '../platform/store.ts';

/** What the rewards services need, taken from the module ports. */
export interface RewardsDeps {
  store: Store;
  clock: Clock;
  config: Config;
  logger: Logger;
  identity: Identity;
  queue: TransactionalQueue;
  /** Post images: clients upload with a presigned URL, readers get a short-lived download URL. */
  blobs: Blobs;
  /** Test-only: runs before each award is paid; a throw fails that attempt (a poison award). */
  beforeAward?: (award: { rule: string; source: string; user: string }) => void;
}

/** The queue awards travel on: the store queue locally, SQS with a DLQ on AWS. */
export const awardQueueName = 'rewards-awards';

/** Where rewards events come from. */
export const rewardsSource = 'sluice.rewards';

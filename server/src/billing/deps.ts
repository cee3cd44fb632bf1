import type { Clock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { hubDeps, type HubDeps } from '../hub/index.ts';
import { getMerchantRecord, sandboxNow, type PaymentsDeps } from '../payments/index.ts';
import type { Blobs } from '../platform/blobs.ts';
import type { Identity } from '../platform/identity.ts';
import type { Logger } from '../platform/logger.ts';
import type { ModuleDeps } from '../platform/module.ts';
import type { TransactionalQueue } from '../platform/queue.ts';
import type { Secrets } from '../platform/secrets.ts';
import type { Store } from '../platform/store.ts';

/** What billing's use cases take: the ports it uses, the hub it charges through, the payments sandbox's clock. */
export interface BillingDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  blobs: Blobs;
  /** Advance-clock's batches (`clock.ts`) go on through it. */
  queue: TransactionalQueue;
  /** Saved ACH account numbers are sealed under a key read through it (`sealed.ts`). */
  secrets: Secrets;
  hub: HubDeps;
  payments: PaymentsDeps;
  /** Who a saved wallet payment method names. */
  users: Pick<Identity, 'getUser'>;
}

export function billingDeps(deps: ModuleDeps): BillingDeps {
  return {
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    blobs: deps.blobs,
    queue: deps.queue,
    secrets: deps.secrets,
    hub: hubDeps(deps),
    payments: { store: deps.store, clock: deps.clock },
    users: deps.identity,
  };
}

/** The merchant acted for, with its owner (events' audience) and its sandbox time now. */
export interface MerchantContext {
  merchantId: string;
  ownerId: string;
  /** The merchant's sandbox clock (ms): every billing time is on it. */
  now: number;
}

export async function merchantContext(deps: BillingDeps, merchantId: string): Promise<MerchantContext> {
  const merchant = await getMerchantRecord(deps.payments, merchantId);
  if (!merchant) throw new AppError('not_found', `no merchant ${merchantId}`);
  return { merchantId, ownerId: merchant.owner, now: sandboxNow(deps.payments, merchant) };
}

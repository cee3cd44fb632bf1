import type { EventEnvelope } from '../kernel/events.ts';
import { emptyCounts, othersRetriesStopped, outcomeOf, settle } from './charging.ts';
import { merchantContext, type BillingDeps } from './deps.ts';
import { readInvoice, readSubscription } from './store.ts';
import type { Intent } from '../hub/index.ts';

/**
 * A charge the provider answers later (a wallet payer approves, an ACH debit settles or is
 * returned): the hub's `payment_intent.succeeded` or `payment_intent.payment_failed` settles the
 * invoice whose attempt is still pending on that intent, as if the charge had answered then: paid,
 * or failed into dunning. At least once: an attempt no longer pending is left alone. The same
 * event frees a subscription whose charge was cut off by a crash (the hub fails that intent).
 */
export function settlePendingCharge(deps: BillingDeps) {
  return async (event: EventEnvelope): Promise<void> => {
    const intent = (event.data as { object?: Pick<Intent, 'id' | 'status' | 'last_error' | 'description'> })
      .object;
    const invoiceId = intent?.description?.match(/^Invoice (in_[0-9A-Z]+)$/)?.[1];
    if (!intent || !invoiceId || !event.merchant) return;
    const invoice = await readInvoice(deps.store, invoiceId);
    if (!invoice || invoice.merchant !== event.merchant || invoice.status !== 'open') return;
    const subscription = await readSubscription(deps.store, invoice.subscription);
    if (!subscription) return;
    const pending = invoice.attempts.find((a) => a.payment_intent === intent.id && a.status === 'pending');
    // A charge whose process died before it recorded anything: the hub's recovery fails the intent
    // ('interrupted'); its event frees the subscription's claim, the charge counted as failed.
    const interrupted =
      !pending &&
      intent.status === 'failed' &&
      subscription.charging?.invoice === invoice.id &&
      !invoice.attempts.some((a) => a.payment_intent === intent.id);
    if (!pending && !interrupted) return;
    // A charge in flight holds the subscription: the bus delivers this again later.
    if (pending && subscription.charging)
      throw new Error(`subscription ${subscription.id} is being charged; retry`);
    const ctx = await merchantContext(deps, event.merchant);
    const withoutPending = pending
      ? {
          ...invoice,
          attempts: invoice.attempts.filter((a) => a !== pending),
          attempt_count: invoice.attempt_count - 1,
        }
      : invoice;
    const { writes } = settle(
      deps,
      ctx,
      subscription,
      withoutPending,
      outcomeOf(intent),
      ctx.now,
      emptyCounts(),
      await othersRetriesStopped(deps, subscription, invoice.id),
    );
    await deps.store.transact(writes);
  };
}

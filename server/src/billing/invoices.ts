import { AppError } from '../kernel/errors.ts';
import { cancelIntent, getIntentRecord } from '../hub/index.ts';
import {
  assertChangeable,
  chargeClaimed,
  claim,
  emptyCounts,
  type Charged,
  type RespondWith,
} from './charging.ts';
import type { BillingDeps, MerchantContext } from './deps.ts';
import { renderInvoicePdf } from './pdf.ts';
import { getCustomer, getPlan } from './catalog.ts';
import { commitChange, getSubscriptionRecord } from './subscriptions.ts';
import { readInvoice, subscriptionInvoices, subscriptionPut, type InvoiceRecord } from './store.ts';

/** Invoices: read, paid by hand (a retry now), and rendered as PDF behind a download URL. */

export async function getInvoiceRecord(
  deps: BillingDeps,
  merchantId: string,
  id: string,
): Promise<InvoiceRecord> {
  const record = await readInvoice(deps.store, id);
  if (!record || record.merchant !== merchantId) throw new AppError('not_found', `no invoice ${id}`);
  return record;
}

/** A subscription's invoices, oldest first (the merchant's own subscription only). */
export async function invoicesOfSubscription(deps: BillingDeps, merchantId: string, subscriptionId: string) {
  await getSubscriptionRecord(deps, merchantId, subscriptionId);
  return subscriptionInvoices(deps.store, subscriptionId);
}

/**
 * Charges an open invoice now with its subscription's payment method (after the customer fixed
 * their card, say): paid, it leaves dunning and an `unpaid` or `past_due` subscription with
 * nothing else owing is active again.
 *
 * A charge still waiting on its payer (a wallet ask) is withdrawn first, so the customer is asked
 * once and can pay once; its attempt is recorded as failed with the new charge. One that is on its
 * way (an ACH debit, an outcome not yet recorded) is not: 409, nothing charged.
 */
export async function payInvoice(
  deps: BillingDeps,
  ctx: MerchantContext,
  id: string,
  respond?: RespondWith,
): Promise<Charged> {
  const invoice = await getInvoiceRecord(deps, ctx.merchantId, id);
  if (invoice.status !== 'open')
    throw new AppError('invalid_state_transition', `invoice ${id} is ${invoice.status}`, {
      details: { status: invoice.status },
    });
  const record = await getSubscriptionRecord(deps, ctx.merchantId, invoice.subscription);
  if (record.charging) assertChangeable(record);
  const waiting = invoice.attempts.find((a) => a.status === 'pending' && a.payment_intent !== null);
  const waitingOn = waiting && (await getIntentRecord(deps.hub, ctx.merchantId, waiting.payment_intent!));
  if (waitingOn && waitingOn.status !== 'requires_action')
    throw new AppError(
      'invalid_state_transition',
      `invoice ${id} has a payment under way (payment intent ${waitingOn.id} is ${waitingOn.status}); its outcome settles the invoice`,
      { details: { status: waitingOn.status, payment_intent: waitingOn.id } },
    );
  const claimed = claim(record, invoice.id, deps.clock.now());
  await commitChange(deps, record.id, [subscriptionPut(claimed, record.version)]);
  let charging = invoice;
  if (waitingOn) {
    try {
      await cancelIntent(deps.hub, { merchantId: ctx.merchantId, ownerId: ctx.ownerId }, waitingOn.id);
    } catch (error) {
      // The payer answered first (409), or the hub failed: the claim goes, nothing else changed.
      await deps.store.transact([
        subscriptionPut({ ...claimed, charging: null, version: claimed.version + 1 }, claimed.version),
      ]);
      throw error;
    }
    // Its `payment_intent.canceled` finds the attempt failed already (it waits on the claim meanwhile).
    charging = {
      ...invoice,
      attempts: invoice.attempts.map((a) =>
        a === waiting ? { ...a, status: 'failed' as const, error_code: 'canceled' } : a,
      ),
    };
  }
  return chargeClaimed(deps, ctx, claimed, charging, ctx.now, emptyCounts(), respond);
}

const pdfUrlSeconds = 300;

/**
 * Renders the invoice as a PDF, stores it through the Blobs port (an upload URL the server PUTs
 * to, as any client would) and answers a short-lived download URL.
 */
export async function invoicePdf(deps: BillingDeps, merchantId: string, id: string) {
  const invoice = await getInvoiceRecord(deps, merchantId, id);
  const customer = await getCustomer(deps, merchantId, invoice.customer);
  const subscription = await getSubscriptionRecord(deps, merchantId, invoice.subscription);
  const plan = await getPlan(deps, merchantId, subscription.plan);
  const bytes = await renderInvoicePdf({ invoice, customer, plan });
  const key = `invoices/${merchantId}/${invoice.id}-v${invoice.version}.pdf`;
  const upload = await deps.blobs.uploadUrl(key, {
    contentType: 'application/pdf',
    maxBytes: bytes.byteLength,
    expiresInSeconds: pdfUrlSeconds,
  });
  const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
  if (!put.ok) throw new Error(`storing the invoice PDF failed with HTTP ${put.status}`);
  const download = await deps.blobs.downloadUrl(key, { expiresInSeconds: pdfUrlSeconds });
  return { url: download.url, expires_at: download.expiresAt, bytes: bytes.byteLength };
}

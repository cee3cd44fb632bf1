import { isoTime } from '../kernel/clock.ts';
import { z } from 'zod';
import type { EventEnvelope } from '../kernel/events.ts';
import { AppError } from '../kernel/errors.ts';
import { isCurrency, parseDecimal } from '../kernel/money.ts';
import { isTransactionCanceled } from '../platform/store.ts';
import { getMerchantRecord } from '../payments/index.ts';
import type { ConnectorContext, Provider } from './connectors/connector.ts';
import type { paypalConnector, PayPalWebhook } from './connectors/paypal.ts';
import type { stripeConnector } from './connectors/stripe.ts';
import type { Intent } from './model.ts';
import { unsealCredentials } from './credentials.ts';
import type { HubDeps } from './deps.ts';
import { hubEvent } from './events.ts';
import { intentPut, readConnector, readIntent, readProviderRef, toIntent } from './store.ts';

/**
 * A provider's webhook for one connector (`POST /v1/hub/webhooks/{connector}`): verified the
 * provider's way (Stripe's signature scheme through its SDK; PayPal's verify-webhook-signature
 * postback), normalized, and applied. A dispute (Stripe's `charge.dispute.created`, PayPal's
 * `CUSTOMER.DISPUTE.CREATED`) becomes the intent's dispute and a `payment_intent.disputed` event
 * on the bus; a redelivery of the same dispute changes nothing. Other event types are acknowledged
 * and ignored.
 */
export async function receiveWebhook(
  deps: HubDeps,
  connectorId: string,
  payload: string,
  headers: Readonly<Record<string, string | undefined>>,
): Promise<{ received: true; applied: boolean }> {
  const connector = await readConnector(deps.store, connectorId);
  if (!connector || (connector.provider !== 'stripe' && connector.provider !== 'paypal'))
    throw new AppError('not_found', `no connector ${connectorId}`);
  const merchant = await getMerchantRecord(deps, connector.merchant);
  if (!merchant) throw new AppError('not_found', `no connector ${connectorId}`);
  const ctx = {
    merchantId: connector.merchant,
    ownerId: merchant.owner,
    connectorId: connector.id,
    credentials: await unsealCredentials(deps, connector.sealed_credentials),
  };
  const dispute =
    connector.provider === 'stripe'
      ? stripeDispute(deps, ctx, payload, headers['stripe-signature'])
      : await paypalDispute(deps, ctx, { body: payload, headers });
  if (!dispute) return { received: true, applied: false };
  const applied = await applyDispute(
    deps,
    connector.provider,
    dispute.reference,
    connector.merchant,
    dispute.dispute,
  );
  return { received: true, applied };
}

type ReportedDispute = { reference: string; dispute: NonNullable<Intent['dispute']> } | undefined;

function stripeDispute(
  deps: HubDeps,
  ctx: ConnectorContext,
  payload: string,
  signature: string | undefined,
): ReportedDispute {
  if (!signature)
    throw new AppError('invalid_request', 'the Stripe-Signature header is missing', {
      param: 'Stripe-Signature',
    });
  const impl = deps.connectors.stripe as ReturnType<typeof stripeConnector>;
  const event = impl.parseWebhook(ctx, payload, signature);
  if (event.type !== 'charge.dispute.created') return undefined;
  const dispute = event.data.object;
  const charge = typeof dispute.charge === 'string' ? dispute.charge : dispute.charge.id;
  return {
    reference: charge,
    dispute: {
      id: dispute.id,
      provider_reference: charge,
      amount: dispute.amount,
      reason: dispute.reason,
      status: dispute.status,
      created_at: isoTime(dispute.created * 1000),
    },
  };
}

const paypalDisputeSchema = z.object({
  dispute_id: z.string(),
  create_time: z.string(),
  reason: z.string(),
  status: z.string(),
  dispute_amount: z.object({ currency_code: z.string(), value: z.string() }),
  disputed_transactions: z.array(z.object({ seller_transaction_id: z.string() })).min(1),
});

/**
 * PayPal's `CUSTOMER.DISPUTE.CREATED`: the dispute names the capture (`seller_transaction_id`), and
 * the hub knows the payment by its order, so the capture is looked up at PayPal for its order.
 */
async function paypalDispute(
  deps: HubDeps,
  ctx: ConnectorContext,
  webhook: PayPalWebhook,
): Promise<ReportedDispute> {
  const impl = deps.connectors.paypal as ReturnType<typeof paypalConnector>;
  const event = await impl.parseWebhook(ctx, webhook);
  if (event.event_type !== 'CUSTOMER.DISPUTE.CREATED') return undefined;
  const parsed = paypalDisputeSchema.safeParse(event.resource);
  const currency = parsed.data?.dispute_amount.currency_code ?? '';
  const amount =
    parsed.success && isCurrency(currency)
      ? parseDecimal(parsed.data.dispute_amount.value, currency)
      : undefined;
  if (!parsed.success || amount === undefined)
    throw new AppError('invalid_request', 'the PayPal dispute event is not in the shape PayPal documents', {
      param: 'resource',
    });
  const capture = parsed.data.disputed_transactions[0]!.seller_transaction_id;
  const order = await impl.orderOfCapture(ctx, capture);
  if (!order) return undefined;
  return {
    reference: order,
    dispute: {
      id: parsed.data.dispute_id,
      provider_reference: order,
      amount,
      reason: parsed.data.reason.toLowerCase(),
      status: parsed.data.status.toLowerCase(),
      created_at: isoTime(Date.parse(parsed.data.create_time)),
    },
  };
}

/**
 * Records a chargeback on the intent whose payment it is, whichever provider reports it, with a
 * `payment_intent.disputed` event in the same transaction. Once per dispute: a redelivery finds it
 * recorded (false); a concurrent one loses the version check and is retried by its sender (409).
 */
export async function applyDispute(
  deps: HubDeps,
  provider: Provider,
  reference: string,
  merchantId: string,
  dispute: NonNullable<Intent['dispute']>,
): Promise<boolean> {
  const ref = await readProviderRef(deps.store, provider, reference);
  if (!ref || ref.merchant !== merchantId) return false;
  const record = await readIntent(deps.store, ref.intent);
  if (!record || record.dispute?.id === dispute.id) return false;
  const now = deps.clock.now();
  const next = { ...record, dispute, updated_at: isoTime(now), version: record.version + 1 };
  try {
    await deps.store.transact([
      intentPut(next),
      hubEvent(
        'payment_intent.disputed',
        { merchantId: record.merchant, ownerId: record.owner },
        toIntent(next),
        now,
      ),
    ]);
  } catch (error) {
    // A concurrent redelivery (or another change) won: the sender retries, and the next look decides.
    if (!isTransactionCanceled(error)) throw error;
    throw new AppError('conflict', 'the payment intent changed meanwhile; deliver again');
  }
  return true;
}

const sandboxDisputeSchema = z.object({
  id: z.string(),
  merchant: z.string(),
  payment: z.string(),
  amount: z.number().int(),
  reason: z.string(),
  status: z.string(),
  created_at: z.string(),
});

/**
 * The payments module's `dispute.created` (a chargeback on the sandbox card network): when the
 * payment was a hub intent's, the intent records it too. At least once, deduped by dispute id.
 */
export function disputeFromSandbox(deps: HubDeps) {
  return async (event: EventEnvelope): Promise<void> => {
    const parsed = sandboxDisputeSchema.safeParse((event.data as { object?: unknown }).object);
    if (!parsed.success) return;
    const dispute = parsed.data;
    await applyDispute(deps, 'sandbox_card', dispute.payment, dispute.merchant, {
      id: dispute.id,
      provider_reference: dispute.payment,
      amount: dispute.amount,
      reason: dispute.reason,
      status: dispute.status,
      created_at: dispute.created_at,
    });
  };
}

import { z } from 'zod';
import type { KeyPattern } from '../platform/keys.ts';
import { readItem, type Item, type Store, type WriteOperation } from '../platform/store.ts';
import { paymentRequestStatuses, type PaymentRequest } from './model.ts';
import { partyFields, storedParty } from './parties.ts';

/**
 * The wallet's stored layout, the only code that knows it. Money, transfers and history are the
 * ledger's; the wallet stores payment requests only: `PREQ#<id>` / `PREQ`, listed for the payer
 * in gsi1 `PREQ#IN#<payer>` and for the requester in gsi2 `PREQ#OUT#<requester>`, both sorted
 * by `<created_at>#<id>`.
 */
const walletKeys = {
  request: (id: string) => ({ pk: `PREQ#${id}`, sk: 'PREQ' }),
  incoming: (payerId: string) => `PREQ#IN#${payerId}`,
  outgoing: (requesterId: string) => `PREQ#OUT#${requesterId}`,
  listed: (request: PaymentRequest) => `${request.created_at}#${request.id}`,
};

/** Every partition key and index partition the wallet writes (`*` is one id). */
export const walletKeyPatterns = [
  'PREQ#*',
  'PREQ#IN#*',
  'PREQ#OUT#*',
] as const satisfies readonly KeyPattern[];

/**
 * A payment request item. The parties' names and emails (`requester_name` …) are absent from
 * items written before they were stored, `note` and `transfer_id` from the oldest ones.
 */
const paymentRequestItemSchema = z.object({
  id: z.string(),
  requester: z.string(),
  payer: z.string(),
  requester_name: z.string().optional(),
  requester_email: z.string().optional(),
  payer_name: z.string().optional(),
  payer_email: z.string().optional(),
  amount: z.number().int(),
  currency: z.string(),
  note: z.string().nullish(),
  status: z.enum(paymentRequestStatuses),
  transfer_id: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** The request a payment request item holds; its parties are null where the item has no names. */
export function paymentRequestFromItem(item: Item): PaymentRequest {
  const stored = paymentRequestItemSchema.parse(item);
  return {
    id: stored.id,
    requester: stored.requester,
    payer: stored.payer,
    requester_user: storedParty(stored.requester, 'requester', stored),
    payer_user: storedParty(stored.payer, 'payer', stored),
    amount: stored.amount,
    currency: stored.currency,
    note: stored.note ?? null,
    status: stored.status,
    transfer_id: stored.transfer_id ?? null,
    created_at: stored.created_at,
    updated_at: stored.updated_at,
  };
}

/**
 * The create-only put of a new request, listed for both parties. The parties are flattened to
 * stored names, as `paymentRequestFromItem` reads them back; a null party stores none.
 */
export function paymentRequestPut(request: PaymentRequest): WriteOperation {
  const { requester_user, payer_user, ...fields } = request;
  return {
    type: 'put',
    item: {
      ...walletKeys.request(request.id),
      entity: 'payment_request',
      ...fields,
      ...(requester_user ? partyFields('requester', requester_user) : {}),
      ...(payer_user ? partyFields('payer', payer_user) : {}),
      gsi1pk: walletKeys.incoming(request.payer),
      gsi1sk: walletKeys.listed(request),
      gsi2pk: walletKeys.outgoing(request.requester),
      gsi2sk: walletKeys.listed(request),
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/** Records the request's new status, only while it is still pending: one resolution wins. */
export function paymentRequestResolution(request: PaymentRequest): WriteOperation {
  return {
    type: 'update',
    key: walletKeys.request(request.id),
    set: { status: request.status, transfer_id: request.transfer_id, updated_at: request.updated_at },
    condition: { compare: ['status', '=', 'pending'] },
  };
}

export function readPaymentRequest(store: Store, id: string): Promise<PaymentRequest | undefined> {
  return readItem(store, walletKeys.request(id), paymentRequestFromItem);
}

/** A page of the requests a user was asked to pay (`incoming`) or asked for (`outgoing`), newest first. */
export async function queryPaymentRequests(
  store: Store,
  userId: string,
  options: { role: 'incoming' | 'outgoing'; limit: number; cursor?: string },
): Promise<{ requests: PaymentRequest[]; cursor: string | undefined }> {
  const page = await store.query({
    index: options.role === 'incoming' ? 'gsi1' : 'gsi2',
    partition: options.role === 'incoming' ? walletKeys.incoming(userId) : walletKeys.outgoing(userId),
    direction: 'desc',
    limit: options.limit,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  return { requests: page.items.map(paymentRequestFromItem), cursor: page.cursor };
}

import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { createEvent } from '../kernel/events.ts';
import { newId } from '../kernel/ids.ts';
import type { Currency } from '../kernel/money.ts';
import { requireVerifiedEmail } from '../identity/index.ts';
import { createTransfers } from '../ledger/index.ts';
import { outboxPut } from '../platform/outbox.ts';
import { isTransactionCanceled } from '../platform/store.ts';
import {
  walletCodes,
  type CreatePaymentRequest,
  type PaymentRequest,
  type PaymentRequestStatus,
  type WalletEventData,
} from './model.ts';
import { createPartyResolver, partyFields, toParty } from './parties.ts';
import {
  resolveUser,
  signedInUser,
  walletAccountId,
  withWallets,
  type Page,
  type Respond,
  type WalletDeps,
} from './service.ts';
import {
  paymentRequestPut,
  paymentRequestResolution,
  queryPaymentRequests,
  readPaymentRequest,
} from './store.ts';

const source = 'sluice.wallet';

/** Asks another user for money. The payer sees it as an incoming request. */
export async function createPaymentRequest(
  deps: WalletDeps,
  requesterId: string,
  input: CreatePaymentRequest,
  respond?: Respond<PaymentRequest>,
): Promise<PaymentRequest> {
  if (input.currency !== deps.config.walletCurrency)
    throw new AppError('unsupported_currency', `wallets hold ${deps.config.walletCurrency} only`, {
      param: 'currency',
    });
  // Verified first, as to send: an unverified account asks nobody, and learns nothing of who exists.
  const requester = await signedInUser(deps, requesterId);
  requireVerifiedEmail(requester);
  const payer = await resolveUser(deps, input.from, 'from');
  if (payer.id === requesterId)
    throw new AppError('self_transfer', 'you cannot request money from yourself', { param: 'from' });
  const now = deps.clock.now();
  const request: PaymentRequest = {
    id: newId('paymentRequest', now),
    requester: requesterId,
    payer: payer.id,
    requester_user: toParty(requester),
    payer_user: toParty(payer),
    amount: input.amount,
    currency: input.currency,
    note: input.note ?? null,
    status: 'pending',
    transfer_id: null,
    created_at: isoTime(now),
    updated_at: isoTime(now),
  };
  const event = createEvent({
    type: 'payment_request.created',
    source,
    subject: request.id,
    audience: [payer.id, requesterId],
    data: { payment_request: request } satisfies WalletEventData['payment_request.created'],
    now,
  });
  await deps.store.transact([paymentRequestPut(request), outboxPut(event), ...(respond?.(request) ?? [])]);
  return request;
}

/** A request, for its requester and payer only. */
export async function getPaymentRequest(
  deps: WalletDeps,
  userId: string,
  id: string,
): Promise<PaymentRequest> {
  const request = await readPaymentRequest(deps.store, id);
  if (!request || (request.requester !== userId && request.payer !== userId))
    throw new AppError('not_found', `no payment request ${id}`, { param: 'id' });
  return (await withRequestParties(deps, [request]))[0]!;
}

/** Fills in the parties of requests made before names were stored with them. */
async function withRequestParties(deps: WalletDeps, requests: PaymentRequest[]): Promise<PaymentRequest[]> {
  const party = createPartyResolver(deps.users);
  return Promise.all(
    requests.map(async (r) => ({
      ...r,
      requester_user: await party(r.requester, r.requester_user),
      payer_user: await party(r.payer, r.payer_user),
    })),
  );
}

export async function listPaymentRequests(
  deps: WalletDeps,
  userId: string,
  options: { role: 'incoming' | 'outgoing'; status?: PaymentRequestStatus; limit: number; cursor?: string },
): Promise<Page<PaymentRequest>> {
  const data: PaymentRequest[] = [];
  let next = options.cursor;
  do {
    const page = await queryPaymentRequests(deps.store, userId, {
      role: options.role,
      limit: options.limit - data.length,
      ...(next ? { cursor: next } : {}),
    });
    for (const request of page.requests) {
      if (!options.status || request.status === options.status) data.push(request);
    }
    next = page.cursor;
  } while (next && data.length < options.limit);
  return { data: await withRequestParties(deps, data), next_cursor: next };
}

/**
 * Pays a pending request: one ledger transfer whose id is derived from the request, committed
 * with the request's move from `pending` to `paid` under a condition. However many accepts run
 * at once, one commits; the others find the request no longer pending (409).
 */
export async function acceptPaymentRequest(
  deps: WalletDeps,
  userId: string,
  id: string,
  respond?: Respond<PaymentRequest>,
): Promise<PaymentRequest> {
  const request = await getPaymentRequest(deps, userId, id);
  if (request.payer !== userId)
    throw new AppError('forbidden', 'only the payer can accept a payment request');
  assertPending(request, 'accept');
  requireVerifiedEmail(await deps.users.getUser(userId));
  const currency = request.currency as Currency;
  const now = deps.clock.now();
  const transferId = `tr_preq_${request.id}`;
  const paid: PaymentRequest = {
    ...request,
    status: 'paid',
    transfer_id: transferId,
    updated_at: isoTime(now),
  };
  const metadata: Record<string, string> = {
    from_user: userId,
    to_user: request.requester,
    payment_request: request.id,
  };
  if (request.payer_user) Object.assign(metadata, partyFields('from', request.payer_user));
  if (request.requester_user) Object.assign(metadata, partyFields('to', request.requester_user));
  if (request.note) metadata.note = request.note;
  const result = await withWallets(deps, [userId, request.requester], () =>
    createTransfers(
      deps,
      [
        {
          id: transferId,
          debit_account_id: walletAccountId(userId, currency),
          credit_account_id: walletAccountId(request.requester, currency),
          amount: request.amount,
          currency,
          code: walletCodes.paymentRequest,
          metadata,
        },
      ],
      {
        event: {
          type: 'payment_request.paid',
          source,
          subject: request.id,
          audience: [userId, request.requester],
          data: { payment_request: paid } satisfies WalletEventData['payment_request.paid'],
        },
        operations: () => [paymentRequestResolution(paid), ...(respond?.(paid) ?? [])],
      },
    ),
  ).catch(async (error: unknown) => {
    // The request's own condition failed: someone else resolved it first.
    if (error instanceof AppError && error.code === 'conflict')
      throw await notPending(deps, userId, id, 'accept');
    throw error;
  });
  if (result.replayed) throw await notPending(deps, userId, id, 'accept');
  return paid;
}

export async function declinePaymentRequest(
  deps: WalletDeps,
  userId: string,
  id: string,
  respond?: Respond<PaymentRequest>,
): Promise<PaymentRequest> {
  return resolveWithoutPaying(deps, userId, id, 'declined', respond);
}

export async function cancelPaymentRequest(
  deps: WalletDeps,
  userId: string,
  id: string,
  respond?: Respond<PaymentRequest>,
): Promise<PaymentRequest> {
  return resolveWithoutPaying(deps, userId, id, 'canceled', respond);
}

async function resolveWithoutPaying(
  deps: WalletDeps,
  userId: string,
  id: string,
  status: 'declined' | 'canceled',
  respond?: Respond<PaymentRequest>,
): Promise<PaymentRequest> {
  const action = status === 'declined' ? 'decline' : 'cancel';
  const request = await getPaymentRequest(deps, userId, id);
  if (status === 'declined' && request.payer !== userId)
    throw new AppError('forbidden', 'only the payer can decline a payment request');
  if (status === 'canceled' && request.requester !== userId)
    throw new AppError('forbidden', 'only the requester can cancel a payment request');
  assertPending(request, action);
  const now = deps.clock.now();
  const resolved: PaymentRequest = { ...request, status, updated_at: isoTime(now) };
  const event = createEvent({
    type: `payment_request.${status}`,
    source,
    subject: id,
    audience: [request.payer, request.requester],
    data: { payment_request: resolved } satisfies WalletEventData[`payment_request.${typeof status}`],
    now,
  });
  try {
    await deps.store.transact([
      paymentRequestResolution(resolved),
      outboxPut(event),
      ...(respond?.(resolved) ?? []),
    ]);
  } catch (error) {
    if (isTransactionCanceled(error)) throw await notPending(deps, userId, id, action);
    throw error;
  }
  return resolved;
}

function assertPending(request: PaymentRequest, action: string): void {
  if (request.status !== 'pending') {
    throw new AppError(
      'invalid_state_transition',
      `cannot ${action} a payment request that is ${request.status}`,
      { details: { status: request.status } },
    );
  }
}

async function notPending(deps: WalletDeps, userId: string, id: string, action: string): Promise<AppError> {
  const current = await getPaymentRequest(deps, userId, id);
  return new AppError(
    'invalid_state_transition',
    `cannot ${action} a payment request that is ${current.status}`,
    { details: { status: current.status } },
  );
}

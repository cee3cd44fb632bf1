import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WalletEventData } from '../../../server/src/wallet/model.ts';
import { applyRealtimeMessage, type WalletMessage } from './realtime.ts';

const toast = vi.hoisted(() => Object.assign(vi.fn(), { success: vi.fn() }));
vi.mock('sonner', () => ({ toast }));

afterEach(() => vi.clearAllMocks());

function invalidatedKeys(queryClient: QueryClient) {
  const spy = vi.spyOn(queryClient, 'invalidateQueries');
  return () => spy.mock.calls.map(([filters]) => (filters as { queryKey: unknown[] }).queryKey[0]);
}

type WalletTransfer = WalletEventData['wallet.transfer.created']['transfer'];
type PaymentRequest = WalletEventData['payment_request.created']['payment_request'];

/** A wallet event as the server pushes it, its data typed by the server's `WalletEventData`. */
function walletMessage<K extends WalletMessage['type']>(type: K, data: WalletEventData[K], id?: string) {
  return { type, data, ...(id ? { id } : {}) };
}

const alice = { id: 'usr_alice', name: 'Alice Ng', email: 'alice@example.com' };
const bob = { id: 'usr_bob', name: 'Bob Lee', email: 'bob@example.com' };

/** Alice sends Bob $12.50 for lunch; the parties' names are left out unless given. */
function transferFixture(overrides: Partial<WalletTransfer> = {}): WalletTransfer {
  return {
    id: 'tr_1',
    from: 'usr_alice',
    to: 'usr_bob',
    from_user: null,
    to_user: null,
    amount: 1250,
    currency: 'USD',
    note: 'Lunch',
    status: 'succeeded',
    created_at: '2026-01-15T12:00:00.000Z',
    ...overrides,
  };
}

/** Bob asks Alice for $5.00, pending; the parties' names are left out unless given. */
function requestFixture(overrides: Partial<PaymentRequest> = {}): PaymentRequest {
  return {
    id: 'preq_1',
    requester: 'usr_bob',
    payer: 'usr_alice',
    requester_user: null,
    payer_user: null,
    amount: 500,
    currency: 'USD',
    note: null,
    status: 'pending',
    transfer_id: null,
    created_at: '2026-01-15T12:00:00.000Z',
    updated_at: '2026-01-15T12:00:00.000Z',
    ...overrides,
  };
}

describe('applyRealtimeMessage', () => {
  it('refetches balances and activity on a transfer and toasts the recipient only', () => {
    const queryClient = new QueryClient();
    const keys = invalidatedKeys(queryClient);
    applyRealtimeMessage(
      queryClient,
      walletMessage('wallet.transfer.created', { transfer: transferFixture() }, 'ev_1'),
      'usr_bob',
    );
    expect(keys()).toEqual(expect.arrayContaining(['wallet', 'activity', 'transfers']));
    expect(toast.success).toHaveBeenCalledWith('You received $12.50', { description: 'Lunch' });

    applyRealtimeMessage(
      queryClient,
      walletMessage('wallet.transfer.created', { transfer: transferFixture() }, 'ev_2'),
      'usr_alice',
    );
    expect(toast.success).toHaveBeenCalledTimes(1);
  });

  it('refetches requests, and on payment the balance, for request events', () => {
    const queryClient = new QueryClient();
    const keys = invalidatedKeys(queryClient);
    applyRealtimeMessage(
      queryClient,
      walletMessage('payment_request.paid', {
        payment_request: requestFixture({ status: 'paid', transfer_id: 'tr_2' }),
      }),
      'usr_bob',
    );
    expect(keys()).toEqual(expect.arrayContaining(['payment-requests', 'wallet', 'activity']));
    expect(toast.success).toHaveBeenCalledWith('Your request for $5.00 was paid');
  });

  it('names the sender, the requester and the payer in the toasts', () => {
    const queryClient = new QueryClient();
    applyRealtimeMessage(
      queryClient,
      walletMessage('wallet.transfer.created', {
        transfer: transferFixture({ from_user: alice, to_user: bob }),
      }),
      'usr_bob',
    );
    expect(toast.success).toHaveBeenCalledWith('Alice Ng sent you $12.50', { description: 'Lunch' });

    const request = requestFixture({ requester_user: bob, payer_user: alice, note: 'Coffee' });
    applyRealtimeMessage(
      queryClient,
      walletMessage('payment_request.created', { payment_request: request }),
      'usr_alice',
    );
    expect(toast).toHaveBeenCalledWith('Bob Lee requested $5.00 from you', { description: 'Coffee' });
    applyRealtimeMessage(
      queryClient,
      walletMessage('payment_request.paid', { payment_request: { ...request, status: 'paid' } }),
      'usr_bob',
    );
    expect(toast.success).toHaveBeenCalledWith('Alice Ng paid your request for $5.00');
    applyRealtimeMessage(
      queryClient,
      walletMessage('payment_request.declined', { payment_request: { ...request, status: 'declined' } }),
      'usr_bob',
    );
    expect(toast).toHaveBeenCalledWith('Alice Ng declined your request for $5.00');
  });

  it('refetches the developer pages on a payments sandbox event, without a toast', () => {
    const queryClient = new QueryClient();
    const keys = invalidatedKeys(queryClient);
    applyRealtimeMessage(
      queryClient,
      { type: 'payment.captured', data: { object: { id: 'pay_1', object: 'payment' } } },
      'usr_bob',
    );
    applyRealtimeMessage(
      queryClient,
      { type: 'refund.succeeded', data: { object: { id: 're_1', object: 'refund' } } },
      'usr_bob',
    );
    expect(keys()).toEqual(['developer', 'developer']);
    expect(toast).not.toHaveBeenCalled();
    expect(toast.success).not.toHaveBeenCalled();
  });

  it('ignores unknown event types', () => {
    const queryClient = new QueryClient();
    const keys = invalidatedKeys(queryClient);
    applyRealtimeMessage(queryClient, { type: 'something.else', data: {} }, 'usr_bob');
    expect(keys()).toEqual([]);
  });
});

import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyRealtimeMessage } from './realtime.ts';

const toast = vi.hoisted(() => Object.assign(vi.fn(), { success: vi.fn() }));
vi.mock('sonner', () => ({ toast }));

afterEach(() => vi.clearAllMocks());

function invalidatedKeys(queryClient: QueryClient) {
  const spy = vi.spyOn(queryClient, 'invalidateQueries');
  return () => spy.mock.calls.map(([filters]) => (filters as { queryKey: unknown[] }).queryKey[0]);
}

const transfer = {
  id: 'tr_1',
  from: 'usr_alice',
  to: 'usr_bob',
  amount: 1250,
  currency: 'USD',
  note: 'Lunch',
};

describe('applyRealtimeMessage', () => {
  it('refetches balances and activity on a transfer and toasts the recipient only', () => {
    const queryClient = new QueryClient();
    const keys = invalidatedKeys(queryClient);
    applyRealtimeMessage(
      queryClient,
      { type: 'wallet.transfer.created', id: 'ev_1', data: { transfer } },
      'usr_bob',
    );
    expect(keys()).toEqual(expect.arrayContaining(['wallet', 'activity', 'transfers']));
    expect(toast.success).toHaveBeenCalledWith('You received $12.50', { description: 'Lunch' });

    applyRealtimeMessage(
      queryClient,
      { type: 'wallet.transfer.created', id: 'ev_2', data: { transfer } },
      'usr_alice',
    );
    expect(toast.success).toHaveBeenCalledTimes(1);
  });

  it('refetches requests, and on payment the balance, for request events', () => {
    const queryClient = new QueryClient();
    const keys = invalidatedKeys(queryClient);
    const request = {
      id: 'preq_1',
      requester: 'usr_bob',
      payer: 'usr_alice',
      amount: 500,
      currency: 'USD',
      status: 'paid',
    };
    applyRealtimeMessage(
      queryClient,
      { type: 'payment_request.paid', data: { payment_request: request } },
      'usr_bob',
    );
    expect(keys()).toEqual(expect.arrayContaining(['payment-requests', 'wallet', 'activity']));
    expect(toast.success).toHaveBeenCalledWith('Your request for $5.00 was paid');
  });

  it('names the sender, the requester and the payer in the toasts', () => {
    const queryClient = new QueryClient();
    const alice = { id: 'usr_alice', name: 'Alice Ng', email: 'alice@example.com' };
    const bob = { id: 'usr_bob', name: 'Bob Lee', email: 'bob@example.com' };
    applyRealtimeMessage(
      queryClient,
      {
        type: 'wallet.transfer.created',
        data: { transfer: { ...transfer, from_user: alice, to_user: bob } },
      },
      'usr_bob',
    );
    expect(toast.success).toHaveBeenCalledWith('Alice Ng sent you $12.50', { description: 'Lunch' });

    const request = {
      id: 'preq_1',
      requester: 'usr_bob',
      payer: 'usr_alice',
      requester_user: bob,
      payer_user: alice,
      amount: 500,
      currency: 'USD',
      note: 'Coffee',
    };
    applyRealtimeMessage(
      queryClient,
      { type: 'payment_request.created', data: { payment_request: { ...request, status: 'pending' } } },
      'usr_alice',
    );
    expect(toast).toHaveBeenCalledWith('Bob Lee requested $5.00 from you', { description: 'Coffee' });
    applyRealtimeMessage(
      queryClient,
      { type: 'payment_request.paid', data: { payment_request: { ...request, status: 'paid' } } },
      'usr_bob',
    );
    expect(toast.success).toHaveBeenCalledWith('Alice Ng paid your request for $5.00');
    applyRealtimeMessage(
      queryClient,
      { type: 'payment_request.declined', data: { payment_request: { ...request, status: 'declined' } } },
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

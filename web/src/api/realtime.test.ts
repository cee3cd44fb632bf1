import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Order, OrderEventData } from '../../../server/src/commerce/order-model.ts';
import type { PaymentEventData, Refund } from '../../../server/src/payments/model.ts';
import type { PayoutEventData } from '../../../server/src/payouts/payout-model.ts';
import type { RewardsEventData } from '../../../server/src/rewards/model.ts';
import type { WalletEventData } from '../../../server/src/wallet/model.ts';
import { paymentFixture, payoutFixture } from '../test-support.tsx';
import { applyRealtimeMessage } from './realtime.ts';

const toast = vi.hoisted(() => Object.assign(vi.fn(), { success: vi.fn() }));
vi.mock('sonner', () => ({ toast }));

afterEach(() => vi.clearAllMocks());

function invalidatedKeys(queryClient: QueryClient) {
  const spy = vi.spyOn(queryClient, 'invalidateQueries');
  return () => spy.mock.calls.map(([filters]) => (filters as { queryKey: unknown[] }).queryKey[0]);
}

type WalletTransfer = WalletEventData['wallet.transfer.created']['transfer'];
type PaymentRequest = WalletEventData['payment_request.created']['payment_request'];

/** A builder of one product's events as the server pushes them, their data typed by its event-data map. */
function messagesOf<Data>() {
  return <K extends keyof Data & string>(type: K, data: Data[K], id?: string) => ({
    type,
    data,
    ...(id ? { id } : {}),
  });
}
const walletMessage = messagesOf<WalletEventData>();
const paymentMessage = messagesOf<PaymentEventData>();
const orderMessage = messagesOf<OrderEventData>();
const payoutMessage = messagesOf<PayoutEventData>();
const rewardsMessage = messagesOf<RewardsEventData>();

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

/** A full refund of the captured $12.50. */
function refundFixture(overrides: Partial<Refund> = {}): Refund {
  return {
    id: 're_1',
    object: 'refund',
    merchant: 'mer_1',
    payment: 'pay_1',
    amount: 1250,
    currency: 'USD',
    reason: null,
    status: 'succeeded',
    created_at: '2026-01-15T12:05:00.000Z',
    ...overrides,
  };
}

/** Alice's order of two $6.25 mugs by wallet, still in checkout. */
function orderFixture(overrides: Partial<Order> = {}): Order {
  return {
    id: 'ord_1',
    object: 'order',
    user: 'usr_alice',
    status: 'processing',
    failure_reason: null,
    decline_code: null,
    lines: [{ product_id: 'prod_1', name: 'Mug', unit_price: 625, quantity: 2, line_total: 1250 }],
    currency: 'USD',
    total: 1250,
    payment_method: 'wallet',
    payment_status: 'none',
    payment_id: null,
    shipping_address: {
      name: 'Alice Ng',
      line1: '1 Main St',
      city: 'Springfield',
      postal_code: '12345',
      country: 'US',
    },
    needs_attention: false,
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

  it("refetches the rewards and tells the earner and the post's author, nobody else", () => {
    const queryClient = new QueryClient();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    const keys = () => invalidate.mock.calls.map(([filters]) => filters?.queryKey);
    // Bob comments on Alice's post: Bob earns 5 coins, Alice hears of the comment.
    const earned = rewardsMessage('coins.earned', {
      user: 'usr_bob',
      amount: 5,
      currency: 'COIN',
      rule: 'comment',
      source: 'cmt_1',
      day: '2026-01-15',
      earned_today: 15,
      daily_cap: 500,
    });
    applyRealtimeMessage(queryClient, earned, 'usr_bob');
    expect(toast.success).toHaveBeenCalledWith('+5 coins', { description: '15 of 500 today' });
    applyRealtimeMessage(queryClient, earned, 'usr_alice');
    expect(toast.success).toHaveBeenCalledTimes(1);

    const commented = rewardsMessage('post.commented', {
      post_id: 'post_1',
      author: 'usr_alice',
      comment: {
        id: 'cmt_1',
        post_id: 'post_1',
        author: 'usr_bob',
        author_name: 'Bob Lee',
        content: 'Nice',
        created_at: '2026-01-15T12:00:00.000Z',
      },
    });
    applyRealtimeMessage(queryClient, commented, 'usr_alice');
    expect(toast).toHaveBeenCalledWith('Bob Lee commented on your post');
    const liked = rewardsMessage('post.liked', {
      post_id: 'post_1',
      author: 'usr_alice',
      user: 'usr_bob',
      user_name: 'Bob Lee',
    });
    applyRealtimeMessage(queryClient, liked, 'usr_alice');
    expect(toast).toHaveBeenCalledWith('Bob Lee liked your post');
    applyRealtimeMessage(queryClient, liked, 'usr_bob');
    expect(toast).toHaveBeenCalledTimes(2);
    expect(keys()).toEqual([
      ['rewards', 'coins'],
      ['rewards', 'history'],
      ['rewards', 'coins'],
      ['rewards', 'history'],
      ['rewards', 'feed'],
      ['rewards', 'comments', 'post_1'],
      ['rewards', 'feed'],
      ['rewards', 'feed'],
    ]);
  });

  it('refetches the developer pages on a payments sandbox or payout event, without a toast', () => {
    const queryClient = new QueryClient();
    const keys = invalidatedKeys(queryClient);
    const captured = paymentFixture({
      status: 'succeeded',
      amount_capturable: 0,
      amount_captured: 1250,
      display_status: 'succeeded',
      capturable: false,
      refundable_amount: 1250,
      available_actions: ['refund', 'dispute'],
    });
    applyRealtimeMessage(queryClient, paymentMessage('payment.captured', { object: captured }), 'usr_bob');
    applyRealtimeMessage(
      queryClient,
      paymentMessage('refund.succeeded', { object: refundFixture() }),
      'usr_bob',
    );
    // The payouts module's: the payout as the API shows it, or what a failed approval asked for.
    applyRealtimeMessage(queryClient, payoutMessage('payout.paid', { object: payoutFixture() }), 'usr_bob');
    applyRealtimeMessage(
      queryClient,
      payoutMessage('payout.failed', {
        approval: 'apr_1',
        amount: 1000,
        currency: 'USD',
        destination: 'wallet',
        error: { code: 'insufficient_funds', message: 'at most 0 USD is available to pay out' },
      }),
      'usr_bob',
    );
    expect(keys()).toEqual(['developer', 'developer', 'developer', 'developer']);
    expect(toast).not.toHaveBeenCalled();
    expect(toast.success).not.toHaveBeenCalled();
  });

  it("refetches the shop's queries on an order event, without a toast", () => {
    const queryClient = new QueryClient();
    const keys = invalidatedKeys(queryClient);
    applyRealtimeMessage(
      queryClient,
      orderMessage('order.updated', { order: orderFixture(), step: 'reserved' }),
      'usr_alice',
    );
    applyRealtimeMessage(
      queryClient,
      orderMessage('order.paid', {
        order: orderFixture({ status: 'paid', payment_status: 'captured' }),
      }),
      'usr_alice',
    );
    expect(keys()).toEqual(['commerce', 'commerce']);
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

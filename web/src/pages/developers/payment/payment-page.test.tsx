import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Payment } from '../../../api/payments.ts';
import { setSession } from '../../../api/session.ts';
import {
  apiError,
  apiRoute,
  eventFixture,
  fixture,
  mockFetch,
  paymentEventFixture,
  paymentFixture,
  payoutFixture,
  renderAt,
  signInTestUser,
  type Route as MockRoute,
  type Schemas,
} from '../../../test-support.tsx';
import { PaymentPage } from './payment-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const payment: Payment = paymentFixture({
  status: 'succeeded',
  amount: 800,
  amount_capturable: 0,
  amount_captured: 800,
  display_status: 'succeeded',
  capturable: false,
  refundable_amount: 800,
  available_actions: ['refund', 'dispute'],
  created_at: '2026-12-01T00:00:00Z',
  updated_at: '2026-12-01T00:00:00Z',
});

/** The dispute its cardholder's bank opens on it. */
const dispute = fixture<'Dispute'>({
  id: 'dp_1',
  object: 'dispute',
  merchant: 'mer_1',
  payment: 'pay_1',
  amount: 800,
  fee: 1500,
  currency: 'USD',
  reason: 'fraudulent',
  status: 'needs_response',
  evidence: null,
  evidence_due_by: '2026-12-08T00:00:00Z',
  created_at: '2026-12-01T00:00:00Z',
  closed_at: null,
});

function renderPage(events: Schemas['Event'][], routes: MockRoute[] = [], shown: Payment = payment) {
  signInTestUser();
  const mocked = mockFetch([
    apiRoute('get', '/v1/payments/{id}')(() => ({ status: 200, body: shown })),
    apiRoute(
      'get',
      '/v1/balance',
    )(() => ({
      status: 200,
      body: { balances: [{ currency: 'USD', available: 300, pending: 0, negative_balance_limit: 10_000 }] },
    })),
    apiRoute(
      'get',
      '/v1/events',
    )(() => ({
      status: 200,
      body: { data: events, has_more: false, next_cursor: null },
    })),
    ...routes,
  ]);
  renderAt('/developers/mer_1/payments/pay_1', {
    '/developers/:merchantId/payments/:paymentId': <PaymentPage />,
    '/developers/:merchantId/disputes': <p>Dispute list</p>,
  });
  return mocked;
}

describe('PaymentPage: test disputes', () => {
  it('opens a test dispute with the chosen reason, once, and shows the dispute list', async () => {
    const { calls } = renderPage(
      [paymentEventFixture('payment.captured', payment)],
      [
        apiRoute(
          'post',
          '/v1/test-helpers/disputes',
        )(({ body }) => ({
          status: 201,
          body: { ...dispute, reason: (body as { reason: string }).reason },
        })),
      ],
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Open test dispute' }));
    expect(screen.getByRole('dialog').textContent).toContain('$8.00');
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'duplicate' } });
    fireEvent.click(screen.getByRole('button', { name: 'Open dispute' }));
    expect(await screen.findByText('Dispute list')).toBeTruthy();
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toEqual({ payment: 'pay_1', reason: 'duplicate' });
    expect(posts[0]!.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[0]!.headers.get('sluice-merchant')).toBe('mer_1');
  });

  it('shows the server refusal in the dialog', async () => {
    renderPage(
      [],
      [
        apiRoute(
          'post',
          '/v1/test-helpers/disputes',
        )(() => ({
          status: 409,
          body: apiError('invalid_state_transition', 'payment pay_1 is already disputed'),
        })),
      ],
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Open test dispute' }));
    fireEvent.click(screen.getByRole('button', { name: 'Open dispute' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/payment pay_1 is already disputed/i);
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('offers neither a refund nor a second dispute on a disputed payment, says why, and links its dispute and settlement', async () => {
    renderPage([paymentEventFixture('dispute.created', dispute)], [], {
      ...payment,
      dispute: 'dp_1',
      dispute_status: 'lost',
      display_status: 'dispute_lost',
      refundable_amount: 0,
      available_actions: [],
      settlement: 'stl_1',
    });
    await waitFor(() => expect(screen.getAllByTestId('timeline-event')).toHaveLength(1));
    expect(screen.getByTestId('payment-status').textContent).toBe('Dispute lost');
    expect(screen.getByTestId('payment-dispute-status').textContent).toBe('Lost');
    expect(screen.getByTestId('payment-note').textContent).toContain('can no longer be refunded');
    expect(screen.queryByRole('button', { name: 'Refund' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Open test dispute' })).toBeNull();
    expect(screen.getByTestId('payment-dispute').getAttribute('href')).toBe(
      '/developers/mer_1/disputes/dp_1',
    );
    expect(screen.getByTestId('payment-settlement').getAttribute('href')).toBe(
      '/developers/mer_1/settlements/stl_1',
    );
  });
});

describe('PaymentPage: timeline', () => {
  it("lists the payment's events and its refunds', oldest first, each with the amount it is about", async () => {
    const authorized = paymentFixture({
      amount: 800,
      amount_capturable: 800,
      created_at: payment.created_at,
    });
    const captured = { ...payment, amount_captured: 500, refundable_amount: 500 };
    const refund = fixture<'Refund'>({
      id: 're_1',
      object: 'refund',
      merchant: 'mer_1',
      payment: 'pay_1',
      amount: 200,
      currency: 'USD',
      reason: null,
      status: 'succeeded',
      created_at: '2026-12-02T00:00:00Z',
    });
    const other: Schemas['Event'] = {
      id: 'evt_clock',
      object: 'event',
      type: 'test_clock.ready',
      created: 1_764_547_200,
      livemode: false,
      data: { object: { id: 'clock_1', object: 'test_clock' } },
    };
    // The log, newest first: the refund, a payout, another payment's capture, another module's event.
    renderPage(
      [
        paymentEventFixture('refund.succeeded', refund, 'evt_4'),
        eventFixture('payout.paid', { object: payoutFixture() }, 'evt_po'),
        paymentEventFixture('payment.captured', { ...captured, id: 'pay_2' }, 'evt_other'),
        other,
        paymentEventFixture('payment.captured', captured, 'evt_2'),
        paymentEventFixture('payment.authorized', authorized, 'evt_1'),
      ],
      [],
      captured,
    );
    await waitFor(() => expect(screen.getAllByTestId('timeline-event')).toHaveLength(3));
    // Each line: its type, when, the amount it is about, its id. For the capture that is what was
    // captured ($5.00 of the $8.00 authorized); for the refund, the refund's own amount.
    expect(screen.getAllByTestId('timeline-event').map((item) => item.textContent)).toEqual([
      expect.stringMatching(/^payment\.authorized.* · \$8\.00 · evt_1$/),
      expect.stringMatching(/^payment\.captured.* · \$5\.00 · evt_2$/),
      expect.stringMatching(/^refund\.succeeded.* · \$2\.00 · evt_4$/),
    ]);
  });
});

describe('PaymentPage: state and legal actions', () => {
  it('shows a partial refund as such and "Capture before" only while the authorization can be captured', async () => {
    renderPage([], [], {
      ...payment,
      amount_refunded: 300,
      refundable_amount: 500,
      display_status: 'partially_refunded',
      capture_before: '2026-12-08T00:00:00Z',
    });
    expect((await screen.findByTestId('payment-status')).textContent).toBe('Partially refunded');
    expect(screen.queryByTestId('capture-before')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Capture' })).toBeNull();
    // Its times are the merchant's test clock, and say so.
    expect(screen.getAllByText('sandbox time').length).toBeGreaterThan(0);
    cleanup();

    renderPage([], [], {
      ...payment,
      status: 'requires_capture',
      display_status: 'requires_capture',
      amount_captured: 0,
      amount_capturable: 800,
      capturable: true,
      refundable_amount: 0,
      available_actions: ['capture', 'void'],
      capture_before: '2026-12-08T00:00:00Z',
    });
    expect((await screen.findByTestId('capture-before')).textContent).toContain('sandbox time');
    expect(screen.getByRole('button', { name: 'Capture' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Refund' })).toBeNull();
  });

  it('refunds a settled payment up to what the balance floor allows, and says the balance may go negative', async () => {
    const { calls } = renderPage(
      [],
      [
        apiRoute(
          'post',
          '/v1/refunds',
        )(({ body }) => ({
          status: 201,
          body: {
            id: 're_1',
            object: 'refund',
            merchant: 'mer_1',
            payment: 'pay_1',
            amount: (body as { amount: number }).amount,
            currency: 'USD',
            reason: null,
            status: 'succeeded',
            created_at: '2026-12-01T00:00:00Z',
          },
        })),
      ],
      { ...payment, amount: 20_000, amount_captured: 20_000, refundable_amount: 20_000, settlement: 'stl_1' },
    );
    expect((await screen.findByTestId('payment-note')).textContent).toContain('negative down to −$100.00');
    fireEvent.click(screen.getByRole('button', { name: 'Refund' }));
    // $3.00 available + $100.00 floor: the dialog promises what the server allows.
    expect(screen.getByRole('dialog').textContent).toContain('At most $103.00');
    fireEvent.change(screen.getByLabelText('Amount (USD)'), { target: { value: '104' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Refund' }).at(-1)!);
    expect(await screen.findByText('At most $103.00', { selector: '[role="alert"], p' })).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    fireEvent.change(screen.getByLabelText('Amount (USD)'), { target: { value: '103' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Refund' }).at(-1)!);
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ payment: 'pay_1', amount: 10_300 });
  });
});

import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Payment } from '../../../api/payments.ts';
import { setSession } from '../../../api/session.ts';
import { mockFetch, renderAt, signInTestUser, type Route as MockRoute } from '../../../test-support.tsx';
import { PaymentPage } from './payment-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const payment: Payment = {
  id: 'pay_1',
  object: 'payment',
  merchant: 'mer_1',
  status: 'succeeded',
  amount: 800,
  amount_capturable: 0,
  amount_captured: 800,
  amount_refunded: 0,
  currency: 'USD',
  card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034, fingerprint: 'fp' },
  capture_before: null,
  review: false,
  description: null,
  metadata: {},
  failure_code: null,
  decline_code: null,
  failure_message: null,
  canceled_at: null,
  cancellation_reason: null,
  settlement: null,
  dispute: null,
  created_at: '2026-12-01T00:00:00Z',
  updated_at: '2026-12-01T00:00:00Z',
};

const event = (type: string, object: Record<string, unknown>) => ({
  id: `evt_${type}`,
  object: 'event',
  type,
  created: 1_764_547_200,
  data: { object },
});

function renderPage(events: unknown[], routes: MockRoute[] = [], shown: Payment = payment) {
  signInTestUser();
  const mocked = mockFetch([
    { method: 'GET', path: '/v1/payments/pay_1', respond: () => ({ status: 200, body: shown }) },
    {
      method: 'GET',
      path: '/v1/events',
      respond: () => ({ status: 200, body: { data: events, has_more: false, next_cursor: null } }),
    },
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
      [event('payment.captured', { id: 'pay_1', object: 'payment' })],
      [
        {
          method: 'POST',
          path: '/v1/test-helpers/disputes',
          respond: ({ body }) => ({
            status: 201,
            body: { id: 'dp_1', object: 'dispute', ...(body as object) },
          }),
        },
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
        {
          method: 'POST',
          path: '/v1/test-helpers/disputes',
          respond: () => ({
            status: 409,
            body: {
              error: {
                type: 'invalid_request_error',
                code: 'invalid_state_transition',
                message: 'payment pay_1 is already disputed',
              },
            },
          }),
        },
      ],
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Open test dispute' }));
    fireEvent.click(screen.getByRole('button', { name: 'Open dispute' }));
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      'payment pay_1 is already disputed',
    );
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('offers no second dispute on a payment that has one, and links its dispute and settlement', async () => {
    renderPage([event('dispute.created', { id: 'dp_1', object: 'dispute', payment: 'pay_1' })], [], {
      ...payment,
      dispute: 'dp_1',
      settlement: 'stl_1',
    });
    await screen.findByRole('button', { name: 'Refund' });
    await waitFor(() => expect(screen.getAllByTestId('timeline-event')).toHaveLength(1));
    expect(screen.queryByRole('button', { name: 'Open test dispute' })).toBeNull();
    expect(screen.getByTestId('payment-dispute').getAttribute('href')).toBe(
      '/developers/mer_1/disputes/dp_1',
    );
    expect(screen.getByTestId('payment-settlement').getAttribute('href')).toBe(
      '/developers/mer_1/settlements/stl_1',
    );
  });
});

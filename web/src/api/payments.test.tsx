import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiRoute, mockFetch, paymentFixture, signInTestUser, withQueryClient } from '../test-support.tsx';
import type { Page } from './client.ts';
import { paymentKeys, useCapturePayment, usePayments, type Payment } from './payments.ts';
import { setSession } from './session.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const filter = {
  display_status: 'partially_refunded',
  q: ' 25.00 ',
  from: '2026-12-01',
  to: '2026-12-02',
} as const;
const page: Page<Payment> = {
  data: [paymentFixture({ status: 'succeeded', display_status: 'succeeded' })],
  has_more: true,
  next_cursor: 'cur_1',
};

describe('usePayments', () => {
  it("lists as the merchant with the filters and cursor, under the merchant's key", async () => {
    signInTestUser('token-a');
    const { calls } = mockFetch([apiRoute('get', '/v1/payments')(() => ({ status: 200, body: page }))]);
    const { wrapper, queryClient } = withQueryClient();
    const { result } = renderHook(() => usePayments('mer_1', { ...filter, cursor: 'cur_0' }), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data).toEqual(page);
    const url = new URL(calls[0]!.url, 'http://x');
    expect(url.pathname).toBe('/v1/payments');
    expect(url.searchParams.get('display_status')).toBe('partially_refunded');
    expect(url.searchParams.get('q')).toBe('25.00');
    // Days are sandbox days: from the start of the first to the end of the last.
    expect(url.searchParams.get('created_gte')).toBe('2026-12-01T00:00:00.000Z');
    expect(url.searchParams.get('created_lt')).toBe('2026-12-03T00:00:00.000Z');
    expect(url.searchParams.get('starting_after')).toBe('cur_0');
    expect(calls[0]!.headers.get('sluice-merchant')).toBe('mer_1');
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer token-a');
    expect(queryClient.getQueryData(paymentKeys.list('mer_1', { ...filter, cursor: 'cur_0' }))).toEqual(page);
  });

  it("refetches the merchant's payments after a capture", async () => {
    signInTestUser();
    let listed = 0;
    const { calls } = mockFetch([
      apiRoute('get', '/v1/payments')(() => ((listed += 1), { status: 200, body: page })),
      apiRoute(
        'post',
        '/v1/payments/{id}/capture',
      )(() => ({
        status: 200,
        body: paymentFixture({ status: 'succeeded', amount_captured: 500, display_status: 'succeeded' }),
      })),
    ]);
    const { wrapper } = withQueryClient();
    const { result } = renderHook(
      () => ({ list: usePayments('mer_1', {}), capture: useCapturePayment('mer_1', 'pay_1') }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.list.isSuccess).toBe(true));
    await act(() => result.current.capture.mutateAsync({ amount: 500, idempotencyKey: 'k1' }));
    await waitFor(() => expect(listed).toBe(2));
    const capture = calls.find((c) => c.method === 'POST')!;
    expect(capture.body).toEqual({ amount: 500 });
    expect(capture.headers.get('idempotency-key')).toBe('k1');
  });
});

import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BalanceTransaction } from '../../../api/payments.ts';
import { setSession } from '../../../api/session.ts';
import { apiRoute, mockFetch, renderAt, signInTestUser } from '../../../test-support.tsx';
import { BalancePage } from './balance-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const bt = (overrides: Partial<BalanceTransaction>): BalanceTransaction => ({
  id: 'tr_1',
  object: 'balance_transaction',
  type: 'settlement',
  code: 'settlement',
  currency: 'USD',
  amount: 0,
  fee: 0,
  net: 0,
  balance_after: 0,
  source: null,
  payment: null,
  created_at: '2026-12-05T00:00:01Z',
  sandbox_time: true,
  ...overrides,
});

describe('BalancePage', () => {
  it('explains the balance change by change, with fees, nets, the balance after each and a negative balance shown as such', async () => {
    signInTestUser();
    mockFetch([
      apiRoute(
        'get',
        '/v1/balance',
      )(() => ({
        status: 200,
        body: {
          balances: [{ currency: 'USD', available: -1_220, pending: 0, negative_balance_limit: 10_000 }],
        },
      })),
      apiRoute(
        'get',
        '/v1/balance/transactions',
      )(() => ({
        status: 200,
        body: {
          data: [
            bt({
              id: 'tr_3',
              type: 'refund',
              code: 'card_refund',
              amount: -6_000,
              net: -6_000,
              balance_after: -1_220,
              source: 're_1',
              payment: 'pay_2',
            }),
            bt({ id: 'tr_2', amount: 5_000, fee: 220, net: 4_780, balance_after: 4_780, source: 'stl_1' }),
          ],
          has_more: false,
          next_cursor: null,
        },
      })),
    ]);
    renderAt('/developers/mer_1/balance', { '/developers/:merchantId/balance': <BalancePage /> });
    const rows = await screen.findAllByTestId('balance-transaction');
    expect(screen.getByTestId('balance-available').textContent).toBe('−$12.20');
    expect(screen.getByTestId('balance-floor').textContent).toBe('−$100.00');
    expect(rows[0]!.textContent).toContain('Refund');
    expect(rows[0]!.textContent).toContain('−$60.00');
    expect(rows[1]!.textContent).toContain('Settlement payout');
    expect(rows[1]!.textContent).toContain('−$2.20');
    expect(rows[1]!.textContent).toContain('+$47.80');
    expect(screen.getAllByTestId('balance-after').map((cell) => cell.textContent)).toEqual([
      '−$12.20',
      '$47.80',
    ]);
    expect(screen.getByRole('link', { name: 'stl_1' }).getAttribute('href')).toBe(
      '/developers/mer_1/settlements/stl_1',
    );
    expect(screen.getByRole('link', { name: 're_1' }).getAttribute('href')).toBe(
      '/developers/mer_1/payments/pay_2',
    );
    expect(rows[0]!.textContent).toContain('sandbox time');
  });
});

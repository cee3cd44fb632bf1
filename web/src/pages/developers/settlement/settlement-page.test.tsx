import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '../../../api/session.ts';
import type { Settlement } from '../../../api/settlements.ts';
import { apiRoute, mockFetch, renderAt, signInTestUser } from '../../../test-support.tsx';
import { SettlementPage } from './settlement-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

// Payments of $55.00, $60.00 (disputed before settlement) and $20.00 (refunded $5.00); a $15.00 dispute fee owed.
const settlement: Settlement = {
  id: 'stl_1',
  object: 'settlement',
  merchant: 'mer_1',
  currency: 'USD',
  settlement_date: '2026-12-04',
  captured: 13_500,
  refunded: 500,
  disputed: 6_000,
  gross: 7_000,
  fees: 190 + 74,
  dispute_fees: 1_500,
  net: 7_000 - 264 - 1_500,
  lines: [
    { type: 'charge', payment: 'pay_1', dispute: null, amount: 5_500 },
    { type: 'processing_fee', payment: 'pay_1', dispute: null, amount: -190 },
    { type: 'charge', payment: 'pay_2', dispute: null, amount: 6_000 },
    { type: 'dispute_hold', payment: 'pay_2', dispute: 'dp_1', amount: -6_000 },
    { type: 'charge', payment: 'pay_3', dispute: null, amount: 2_000 },
    { type: 'refund', payment: 'pay_3', dispute: null, amount: -500 },
    { type: 'processing_fee', payment: 'pay_3', dispute: null, amount: -74 },
    { type: 'dispute_fee_recovery', payment: null, dispute: null, amount: -1_500 },
  ],
  payments: ['pay_1', 'pay_2', 'pay_3'],
  created_at: '2026-12-05T00:00:01Z',
};

describe('SettlementPage', () => {
  it('reconciles line by line: the dispute hold has its line, withheld fees read as money out, lines sum to the net', async () => {
    signInTestUser();
    mockFetch([apiRoute('get', '/v1/settlements/{id}')(() => ({ status: 200, body: settlement }))]);
    renderAt('/developers/mer_1/settlements/stl_1', {
      '/developers/:merchantId/settlements/:settlementId': <SettlementPage />,
    });
    expect((await screen.findByTestId('settlement-net')).textContent).toBe('$52.36');
    expect(screen.getByTestId('settlement-captured').textContent).toBe('+$135.00');
    expect(screen.getByTestId('settlement-disputed').textContent).toBe('−$60.00');
    expect(screen.getByTestId('settlement-gross').textContent).toBe('$70.00');
    expect(screen.getByTestId('settlement-dispute-fees').textContent).toBe('−$15.00');
    const lines = screen.getAllByTestId('settlement-line').map((row) => row.textContent);
    expect(lines).toHaveLength(8);
    expect(lines[3]).toContain('Held for a dispute');
    expect(lines[3]).toContain('dp_1');
    expect(lines[3]).toContain('−$60.00');
    expect(lines[7]).toContain('Dispute fees withheld');
    expect(lines[7]).toContain('−$15.00');
    expect(screen.getByTestId('settlement-lines-total').textContent).toBe('$52.36');
    expect(screen.getByText('sandbox time')).toBeTruthy();
  });
});

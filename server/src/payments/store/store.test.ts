import { describe, expect, it } from 'vitest';
import { keyMatchesPattern, keyPatternsOverlap, partitionsWritten } from '../../platform/keys.ts';
import type { WriteOperation } from '../../platform/store.ts';
import { apiKeyPut } from './api-keys.ts';
import { disputeFromItem, disputePut, type DisputeRecord } from './disputes.ts';
import { paymentsKeyPatterns } from './keys.ts';
import {
  merchantClockAdvance,
  merchantCurrencyPut,
  merchantFromItem,
  merchantKeyCountDecrement,
  merchantKeyCountIncrement,
  merchantKeyCountOpen,
  merchantPut,
  ownerMerchantCountIncrement,
  ownerMerchantCountOpen,
} from './merchants.ts';
import { paymentFromItem, paymentPut, paymentTransition, type PaymentRecord } from './payments.ts';
import { refundPut } from './refunds.ts';
import { settlementFromItem, settlementPut } from './settlements.ts';

const at = '2026-01-01T00:00:00.000Z';
const payment: PaymentRecord = {
  id: 'pay_1',
  object: 'payment',
  merchant: 'mer_1',
  status: 'requires_capture',
  amount: 1000,
  amount_capturable: 1000,
  amount_captured: 0,
  amount_refunded: 0,
  currency: 'USD',
  card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030, fingerprint: 'fp' },
  capture_before: at,
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
  dispute_status: null,
  created_at: at,
  updated_at: at,
  owner: 'usr_1',
  hold_id: 'tr_1',
  sandbox_outcome: null,
};
const dispute: DisputeRecord = {
  id: 'dp_1',
  object: 'dispute',
  merchant: 'mer_1',
  payment: 'pay_1',
  amount: 1000,
  fee: 1500,
  currency: 'USD',
  reason: 'fraudulent',
  status: 'needs_response',
  evidence: null,
  evidence_due_by: at,
  created_at: at,
  closed_at: null,
};

/** Every write the store builds, one of each kind and state. */
function everyWrite(): WriteOperation[] {
  return [
    merchantPut({ id: 'mer_1', name: 'Acme', owner: 'usr_1', clock_offset_ms: 0, created_at: at }),
    merchantCurrencyPut('mer_1', 'USD'),
    apiKeyPut({
      id: 'key_1',
      merchant: 'mer_1',
      name: null,
      last4: 'abcd',
      rate_limit_per_minute: 100,
      created_at: at,
      revoked_at: null,
      owner: 'usr_1',
      secret_hash: 'ab12',
    }),
    paymentPut(payment),
    paymentPut({ ...payment, status: 'succeeded', amount_captured: 1000, amount_capturable: 0 }),
    paymentTransition(
      { ...payment, status: 'succeeded', amount_captured: 1000, amount_capturable: 0 },
      'requires_capture',
    ),
    refundPut({
      id: 're_1',
      object: 'refund',
      merchant: 'mer_1',
      payment: 'pay_1',
      amount: 100,
      currency: 'USD',
      reason: null,
      status: 'succeeded',
      created_at: at,
    }),
    settlementPut({
      id: 'stl_1',
      object: 'settlement',
      merchant: 'mer_1',
      currency: 'USD',
      settlement_date: '2026-01-01',
      gross: 1000,
      fees: 59,
      dispute_fees: 0,
      net: 941,
      captured: 1000,
      refunded: 0,
      disputed: 0,
      lines: [
        { type: 'charge', payment: 'pay_1', dispute: null, amount: 1000 },
        { type: 'processing_fee', payment: 'pay_1', dispute: null, amount: -59 },
      ],
      payments: ['pay_1'],
      created_at: at,
    }),
    disputePut(dispute),
    ownerMerchantCountOpen('usr_1', 0),
    ownerMerchantCountIncrement('usr_1', 20),
    merchantKeyCountOpen('mer_1', 1),
    merchantKeyCountIncrement('mer_1', 20),
    merchantKeyCountDecrement('mer_1'),
    merchantClockAdvance('mer_1', 1000, 2000),
  ];
}

describe('payments store', () => {
  it('claims every partition it writes, with patterns that do not overlap one another', () => {
    for (const partition of everyWrite().flatMap(partitionsWritten)) {
      expect(
        paymentsKeyPatterns.filter((pattern) => keyMatchesPattern(partition, pattern)),
        partition,
      ).toHaveLength(1);
    }
    for (const [i, pattern] of paymentsKeyPatterns.entries()) {
      expect(
        paymentsKeyPatterns.slice(i + 1).filter((other) => keyPatternsOverlap(pattern, other)),
        pattern,
      ).toEqual([]);
    }
  });

  it('reads back what it writes, without keys or index attributes', () => {
    const [merchant, , , authorization] = everyWrite();
    if (merchant?.type !== 'put' || authorization?.type !== 'put') throw new Error('expected puts');
    expect(merchantFromItem(merchant.item)).toEqual({
      id: 'mer_1',
      name: 'Acme',
      owner: 'usr_1',
      clock_offset_ms: 0,
      active_api_keys: 0,
      created_at: at,
    });
    expect(paymentFromItem(authorization.item)).toEqual(payment);
  });

  it('fills what items stored before a field existed lack', () => {
    const settlement = settlementFromItem({
      pk: 'STL#stl_1',
      sk: 'STL',
      id: 'stl_1',
      object: 'settlement',
      merchant: 'mer_1',
      currency: 'USD',
      settlement_date: '2026-01-01',
      gross: 1,
      fees: 1,
      net: 0,
      payments: [],
      created_at: at,
    });
    expect(settlement.dispute_fees).toBe(0);
    // Settled before itemized lines: its totals as lines, which still sum to the net.
    expect(settlement.lines.map((line) => [line.type, line.amount])).toEqual([
      ['charge', 1],
      ['processing_fee', -1],
    ]);
    expect(settlement.lines.reduce((sum, line) => sum + line.amount, 0)).toBe(settlement.net);
    expect(settlement).toMatchObject({ captured: 1, refunded: 0, disputed: 0 });
    const { evidence: _evidence, closed_at: _closed, ...older } = dispute;
    expect(disputeFromItem({ pk: 'DP#dp_1', sk: 'DP', ...older })).toEqual(dispute);
  });

  it('refuses a malformed item with an error naming the field', () => {
    const put = paymentPut(payment);
    if (put.type !== 'put') throw new Error('expected a put');
    expect(() => paymentFromItem({ ...put.item, status: 'paid' })).toThrow(/status/);
    expect(() => paymentFromItem({ ...put.item, currency: 'XXX' })).toThrow(/currency/);
    expect(() => disputeFromItem({ pk: 'DP#dp_1', sk: 'DP', ...dispute, amount: '1000' })).toThrow(/amount/);
  });
});

import { describe, expect, it } from 'vitest';
import { keyMatchesPattern, keyPatternsOverlap } from '../platform/keys.ts';
import type { WriteOperation } from '../platform/store.ts';
import type { PaymentRequest } from './model.ts';
import {
  paymentRequestFromItem,
  paymentRequestPut,
  paymentRequestResolution,
  walletKeyPatterns,
} from './store.ts';

const request: PaymentRequest = {
  id: 'preq_1',
  requester: 'usr_a',
  payer: 'usr_b',
  requester_user: { id: 'usr_a', name: 'Ann', email: 'ann@example.com' },
  payer_user: { id: 'usr_b', name: 'Bo', email: 'bo@example.com' },
  amount: 700,
  currency: 'USD',
  note: 'rent',
  status: 'pending',
  transfer_id: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};
const itemOf = (operation: WriteOperation) =>
  operation.type === 'put' ? operation.item : { pk: '', sk: '' };

describe('wallet store', () => {
  it('claims key patterns that never overlap one another', () => {
    for (const [i, a] of walletKeyPatterns.entries())
      for (const b of walletKeyPatterns.slice(i + 1))
        expect(keyPatternsOverlap(a, b), `${a} ~ ${b}`).toBe(false);
  });

  it('writes only partitions its patterns claim, each claimed once', () => {
    const item = itemOf(paymentRequestPut(request));
    const resolution = paymentRequestResolution({ ...request, status: 'declined' });
    const keys = [item.pk, item.gsi1pk, item.gsi2pk, resolution.type === 'update' ? resolution.key.pk : ''];
    for (const key of keys)
      expect(
        walletKeyPatterns.filter((pattern) => keyMatchesPattern(String(key), pattern)),
        String(key),
      ).toHaveLength(1);
  });

  it('reads back what it writes, and a request stored without names as having none', () => {
    expect(paymentRequestFromItem(itemOf(paymentRequestPut(request)))).toEqual(request);
    const legacy = { ...request, requester_user: null, payer_user: null };
    expect(paymentRequestFromItem(itemOf(paymentRequestPut(legacy)))).toEqual(legacy);
    const { note: _note, transfer_id: _transfer, ...oldest } = itemOf(paymentRequestPut(legacy));
    expect(paymentRequestFromItem(oldest)).toEqual({ ...legacy, note: null });
  });

  it('refuses a malformed item with an error naming the field', () => {
    expect(() => paymentRequestFromItem({ ...itemOf(paymentRequestPut(request)), status: 'lost' })).toThrow(
      /status/,
    );
  });
});

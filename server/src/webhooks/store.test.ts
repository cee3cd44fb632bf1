import { describe, expect, it } from 'vitest';
import { keyMatchesPattern, keyPatternsOverlap, partitionsWritten } from '../platform/keys.ts';
import type { WriteOperation } from '../platform/store.ts';
import {
  deliveryAttemptRecord,
  deliveryFromItem,
  deliveryPut,
  endpointCountIncrement,
  endpointFromItem,
  endpointPut,
  fanOutMarkerPut,
  legacyEventPut,
  webhooksKeyPatterns,
  type DeliveryRecord,
  type EndpointRecord,
} from './store.ts';

const at = '2026-01-01T00:00:00.000Z';
const endpoint: EndpointRecord = {
  kind: 'webhook_endpoint',
  id: 'we_1',
  merchant: 'mer_1',
  url: 'https://hooks.example.com/x',
  events: ['*'],
  description: null,
  status: 'enabled',
  secrets: [{ secret: 'whsec_1', created_at: 0, expires_at: null }],
  secret_version: 1,
  created_at: at,
};
const delivery: DeliveryRecord = {
  kind: 'webhook_delivery',
  id: 'del_1',
  event_id: 'evt_1',
  event_type: 'payment.captured',
  endpoint_id: 'we_1',
  merchant: 'mer_1',
  status: 'pending',
  attempts: [],
  attempt_count: 0,
  next_attempt_at: at,
  created_at: at,
};

/** Every write the store builds. */
function everyWrite(): WriteOperation[] {
  return [
    endpointPut(endpoint),
    endpointCountIncrement('mer_1'),
    deliveryPut(delivery),
    deliveryAttemptRecord(delivery, {
      status: 'dead',
      attempts: [],
      attempt_count: 1,
      next_attempt_at: null,
    }),
    fanOutMarkerPut('evt_1', 0),
    legacyEventPut({
      kind: 'webhook_event',
      merchant: 'mer_1',
      event: {
        id: 'evt_1',
        object: 'event',
        type: 'payment.captured',
        created: 0,
        livemode: false,
        data: {},
      },
    }),
  ];
}

describe('webhooks store', () => {
  it('claims every partition it writes, with patterns that do not overlap one another', () => {
    // The legacy record's gsi1 partition is the outbox's merchant-events partition: the platform's.
    const own = everyWrite()
      .flatMap(partitionsWritten)
      .filter((partition) => partition !== 'MER#mer_1#EVENTS');
    for (const partition of own)
      expect(
        webhooksKeyPatterns.filter((pattern) => keyMatchesPattern(partition, pattern)),
        partition,
      ).toHaveLength(1);
    for (const [i, pattern] of webhooksKeyPatterns.entries()) {
      expect(
        webhooksKeyPatterns.slice(i + 1).filter((other) => keyPatternsOverlap(pattern, other)),
        pattern,
      ).toEqual([]);
    }
  });

  it('reads back what it writes, and deliveries stored before event_type was kept', () => {
    const [put, , deliveryWrite] = everyWrite();
    if (put?.type !== 'put' || deliveryWrite?.type !== 'put') throw new Error('expected puts');
    expect(endpointFromItem(put.item)).toEqual(endpoint);
    const { event_type: _type, ...older } = deliveryWrite.item;
    expect(deliveryFromItem(older).event_type).toBeUndefined();
  });

  it('refuses a malformed item with an error naming the field', () => {
    const put = endpointPut(endpoint);
    if (put.type !== 'put') throw new Error('expected a put');
    expect(() => endpointFromItem({ ...put.item, status: 'paused' })).toThrow(/status/);
    expect(() => endpointFromItem({ ...put.item, secrets: [{ secret: 'whsec_1' }] })).toThrow(/secrets/);
  });
});

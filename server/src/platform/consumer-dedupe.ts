import { isoTime } from '../kernel/clock.ts';
import { isTransactionCanceled, type ItemKey, type Store, type WriteOperation } from './store.ts';

/**
 * Idempotent event consumers. The bus delivers at least once, so a consumer may see an event
 * twice; writing a dedupe record for (consumer, event id) in the same transaction as the
 * consumer's effect makes the second delivery a no-op: the record's `attributeNotExists`
 * condition fails and the whole transaction, effect included, is refused.
 *
 * This covers effects that are store writes. An effect outside the store (an HTTP call, an
 * email) cannot join the transaction; such a consumer must be idempotent on the far side, e.g.
 * by passing the event id as an idempotency key.
 */

/** How long a dedupe record is kept: longer than any redelivery, replays of parked events included. */
export const defaultDedupeTtlSeconds = 30 * 24 * 3600;

export type DedupeOutcome = 'applied' | 'duplicate';

export interface ApplyOnceInput {
  /** The subscription name: stable, and free of `#`. */
  consumer: string;
  eventId: string;
  /** The consumer's writes, at most 99 (the dedupe record takes the 100th slot). May be empty. */
  effect: WriteOperation[];
  /** Milliseconds since the epoch, from the consumer's clock. */
  now: number;
  ttlSeconds?: number;
}

export function dedupeKey(consumer: string, eventId: string): ItemKey {
  if (consumer === '' || consumer.includes('#'))
    throw new Error(`invalid consumer name "${consumer}": it must be non-empty and free of "#"`);
  if (eventId === '') throw new Error('an event id is required');
  return { pk: `DEDUPE#${consumer}#${eventId}`, sk: 'DEDUPE' };
}

/**
 * The dedupe record as a write, for a consumer that builds its own transaction. Put it first:
 * `isDuplicateDelivery(error, 0)` then recognizes the refusal.
 */
export function dedupePut(input: {
  consumer: string;
  eventId: string;
  now: number;
  ttlSeconds?: number;
}): WriteOperation {
  const ttlSeconds = input.ttlSeconds ?? defaultDedupeTtlSeconds;
  return {
    type: 'put',
    item: {
      ...dedupeKey(input.consumer, input.eventId),
      kind: 'dedupe',
      consumer: input.consumer,
      event_id: input.eventId,
      processed_at: isoTime(input.now),
      expires_at: Math.floor(input.now / 1000) + ttlSeconds,
    },
    // A record past its TTL counts as gone, whether or not TTL has deleted it yet (deletion is
    // lazy on both stores): the delivery is then as new as it would be once the record is swept.
    condition: {
      any: [{ attributeNotExists: 'pk' }, { compare: ['expires_at', '<=', Math.floor(input.now / 1000)] }],
    },
  };
}

/** True when `error` is the refusal of the dedupe record at `index`: the event was already processed. */
export function isDuplicateDelivery(error: unknown, index = 0): boolean {
  return isTransactionCanceled(error) && error.reasonAt(index) !== undefined;
}

/**
 * Commits `effect` unless this consumer already processed this event. Returns `'duplicate'`
 * instead of throwing for a redelivery; any other refusal (a condition of the effect itself)
 * is thrown as the store's `TransactionCanceledError`.
 *
 * @example
 * bus.subscribe('coins.award', { type: ['transfer.created'] }, async (event) => {
 *   await applyOnce(store, {
 *     consumer: 'coins.award',
 *     eventId: event.id,
 *     effect: [{ type: 'update', key: walletKey(event.data.to), add: { coins: 1 } }],
 *     now: clock.now(),
 *   });
 * });
 */
export async function applyOnce(store: Store, input: ApplyOnceInput): Promise<DedupeOutcome> {
  try {
    await store.transact([dedupePut(input), ...input.effect]);
    return 'applied';
  } catch (error) {
    if (isDuplicateDelivery(error, 0)) return 'duplicate';
    throw error;
  }
}

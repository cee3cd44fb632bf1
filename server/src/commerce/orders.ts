import { isoTime } from '../kernel/clock.ts';
import { createEvent } from '../kernel/events.ts';
import { AppError } from '../kernel/errors.ts';
import { outboxPut } from '../platform/outbox.ts';
import type { WriteOperation } from '../platform/store.ts';
import { type Order, type OrderChange, type OrderEventType, type OrderStatus } from './model.ts';
import { orderKey, type OrderRecord } from './store.ts';
import type { Clock } from '../kernel/clock.ts';

/**
 * Every order event type (their data: `OrderEventData`); `order.updated` reports a saga step of a
 * `processing` order.
 */
export const orderEventTypes = [
  'order.created',
  'order.updated',
  'order.paid',
  'order.failed',
  'order.shipped',
  'order.delivered',
  'order.canceled',
  'order.refunded',
] as const satisfies readonly OrderEventType[];
export type { OrderEventType };

export function toOrder(order: OrderRecord): Order {
  return {
    id: order.id,
    object: 'order',
    user: order.user,
    status: order.status,
    failure_reason: order.failure_reason,
    decline_code: order.decline_code,
    lines: order.lines,
    currency: order.currency,
    total: order.total,
    payment_method: order.payment_method,
    payment_status: order.payment_status,
    payment_id: order.payment_id,
    shipping_address: order.shipping_address as Order['shipping_address'],
    needs_attention: order.needs_attention,
    created_at: order.created_at,
    updated_at: order.updated_at,
  };
}

/** The event of an order change, for its buyer (realtime) and the shop's merchant (webhooks). */
export function orderEvent(clock: Clock, type: OrderEventType, order: OrderRecord, step?: string) {
  return createEvent({
    type,
    source: 'commerce',
    subject: order.id,
    audience: [order.user],
    ...(order.shop_merchant ? { merchant: order.shop_merchant } : {}),
    data: { order: toOrder(order), ...(step ? { step } : {}) } satisfies OrderChange,
    now: clock.now(),
  });
}

/** The ledger's form of the same event (`createTransfers` writes it in its transaction). */
export function orderEventSpec(type: OrderEventType, order: OrderRecord, step?: string) {
  return {
    type,
    source: 'commerce',
    subject: order.id,
    audience: [order.user],
    ...(order.shop_merchant ? { merchant: order.shop_merchant } : {}),
    data: { order: toOrder(order), ...(step ? { step } : {}) } satisfies OrderChange,
  };
}

/**
 * The update that moves an order's saga: sets `changes`, stamps `updated_at`, and (when the
 * order leaves `processing`) takes it off the processing index; `condition` guards the step.
 */
export function orderUpdate(
  clock: Clock,
  order: OrderRecord,
  changes: Partial<OrderRecord>,
  condition: OrderCondition,
): { next: OrderRecord; operation: WriteOperation } {
  const next: OrderRecord = { ...order, ...changes, updated_at: isoTime(clock.now()) };
  const leaves = changes.status !== undefined && changes.status !== 'processing';
  const set = Object.fromEntries(
    Object.entries({ ...changes, updated_at: next.updated_at }).filter(([, value]) => value !== null),
  );
  const remove = [
    ...Object.entries(changes)
      .filter(([, value]) => value === null)
      .map(([name]) => name),
    ...(leaves ? ['gsi3pk', 'gsi3sk'] : []),
  ];
  return {
    next,
    operation: {
      type: 'update',
      key: orderKey(order.id),
      set,
      ...(remove.length > 0 ? { remove } : {}),
      condition: conditionOf(condition),
    },
  };
}

export type OrderCondition = Partial<{
  status: OrderStatus;
  payment_status: OrderRecord['payment_status'];
  reservation: OrderRecord['reservation'];
  compensating: boolean;
  placed: boolean;
}>;

function conditionOf(expected: OrderCondition) {
  return {
    all: [
      { attributeExists: 'pk' },
      ...Object.entries(expected).map(([name, value]) => ({
        compare: [name, '=', value as string | boolean] as [string, '=', string | boolean],
      })),
    ],
  };
}

export function outboxOf(
  clock: Clock,
  type: OrderEventType,
  order: OrderRecord,
  step?: string,
): WriteOperation {
  return outboxPut(orderEvent(clock, type, order, step));
}

/** 404 unless the order exists and is the caller's. */
export function assertOwnOrder(order: OrderRecord | undefined, user: string, id: string): OrderRecord {
  if (!order || order.user !== user) throw new AppError('not_found', `no order ${id}`, { param: 'id' });
  return order;
}

import { z } from '@hono/zod-openapi';
import { displayTextSchema } from '../http/schemas.ts';

/**
 * An order and its events: the shapes the API returns and events carry. Apart from `model.ts`
 * (which imports the payments module for the checkout's card input), so the dashboard can import
 * these types alone (type-only) and its build checks the realtime messages it reads.
 */

export const orderStatuses = [
  'processing',
  'paid',
  'failed',
  'shipped',
  'delivered',
  'canceled',
  'refunded',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Where an order's payment stands. */
export const paymentStatuses = ['none', 'authorized', 'captured', 'voided', 'refunded', 'declined'] as const;
export type OrderPaymentStatus = (typeof paymentStatuses)[number];

/** `coins` pays for products priced in `COIN` (reward items) from the buyer's rewards coins. */
export const paymentMethodTypes = ['wallet', 'card', 'coins'] as const;
export type PaymentMethodType = (typeof paymentMethodTypes)[number];

export const shippingAddressSchema = z
  .object({
    name: displayTextSchema(200).min(1),
    line1: displayTextSchema(200).min(1),
    line2: displayTextSchema(200).optional(),
    city: displayTextSchema(100).min(1),
    state: displayTextSchema(100).optional(),
    postal_code: displayTextSchema(20).min(1),
    country: z.string().regex(/^[A-Z]{2}$/, { error: 'country must be a two-letter ISO 3166-1 code' }),
  })
  .strict()
  .openapi('ShippingAddress');
export type ShippingAddress = z.infer<typeof shippingAddressSchema>;

export const orderLineSchema = z
  .object({
    product_id: z.string(),
    name: z.string(),
    unit_price: z.number().int(),
    quantity: z.number().int(),
    line_total: z.number().int(),
  })
  .openapi('OrderLine');
export type OrderLine = z.infer<typeof orderLineSchema>;

export const orderSchema = z
  .object({
    id: z.string(),
    object: z.literal('order'),
    user: z.string(),
    status: z.enum(orderStatuses),
    failure_reason: z.string().nullable(),
    decline_code: z.string().nullable(),
    lines: z.array(orderLineSchema),
    currency: z.string(),
    total: z.number().int(),
    payment_method: z.enum(paymentMethodTypes),
    payment_status: z.enum(paymentStatuses),
    /** The sandbox payment, for card orders. */
    payment_id: z.string().nullable(),
    shipping_address: shippingAddressSchema,
    /** Set when a compensation kept failing and waits in the dead-letter queue. */
    needs_attention: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Order');
export type Order = z.infer<typeof orderSchema>;

/**
 * What each order event carries as `data`: the order as the API returns it after the change, and
 * for `order.updated` the checkout saga's step it reports (`reserved`, `authorized`, `placed` …).
 * Realtime pushes it to the buyer as is (`{ id, type, time, data }`), webhooks deliver it to the
 * shop's merchant. The dashboard reads these types (type-only imports), so renaming an event type
 * or a field here breaks its build and its tests' fixtures.
 */
export interface OrderEventData {
  'order.created': OrderChange;
  'order.updated': OrderChange;
  'order.paid': OrderChange;
  'order.failed': OrderChange;
  'order.shipped': OrderChange;
  'order.delivered': OrderChange;
  'order.canceled': OrderChange;
  'order.refunded': OrderChange;
}
export type OrderEventType = keyof OrderEventData;

/** The data of an order event; `step` only on `order.updated`. */
export interface OrderChange {
  order: Order;
  step?: string;
}

import { z } from 'zod';
import type { KeyPattern } from '../platform/keys.ts';
import {
  queryPartitions,
  readItem,
  spreadPartition,
  spreadPartitions,
  type Item,
  type ItemKey,
  type Store,
  type WriteOperation,
} from '../platform/store.ts';
import { orderStatuses, paymentMethodTypes, paymentStatuses, type DeadLetter } from './model.ts';

/**
 * Commerce's key layout, and the only code that knows it:
 * - `PRODUCT#<id>` / `PRODUCT`: a product; listed (while not deleted) in `gsi1` under `PRODUCTS`
 *   and in `gsi2` under `PRODUCTS#CAT#<category>`, both sorted by id (so by creation).
 * - `CART#<user>` / `ITEM#<product>`: a cart line; `CART#<user>` / `ADDS`: how many lines were
 *   added or grown, which each add bumps on the condition that nobody else did since it read the
 *   cart (so two adds cannot both pass the checks on one cart: one currency, at most so many lines).
 * - `ORDER#<id>` / `ORDER`: an order with its saga state; in `gsi1` under `ORDERS#USER#<user>`,
 *   in `gsi2` under `ORDERS#<n>`, and while `processing` in `gsi3` under `ORDERS#PROCESSING#<n>`
 *   (n from the order id, `orderListSpread` of them; older orders sit in the unnumbered ones).
 * - `COMMERCE#SHOP` / `SHOP`: the shop's sandbox merchant.
 * - `COMMERCE#DEADLETTERS` / `ORDER#<id>`: a compensation that kept failing, for admins.
 */
export const commerceKeyPatterns = [
  'PRODUCT#*',
  'PRODUCTS',
  'PRODUCTS#CAT#*',
  'CART#*',
  'ORDER#*',
  'ORDERS',
  'ORDERS#*',
  'ORDERS#USER#*',
  'ORDERS#PROCESSING',
  'ORDERS#PROCESSING#*',
  'COMMERCE#SHOP',
  'COMMERCE#DEADLETTERS',
] as const satisfies readonly KeyPattern[];

export const productKey = (id: string): ItemKey => ({ pk: `PRODUCT#${id}`, sk: 'PRODUCT' });
export const cartLineKey = (user: string, product: string): ItemKey => ({
  pk: `CART#${user}`,
  sk: `ITEM#${product}`,
});
export const orderKey = (id: string): ItemKey => ({ pk: `ORDER#${id}`, sk: 'ORDER' });
const shopKey: ItemKey = { pk: 'COMMERCE#SHOP', sk: 'SHOP' };
const deadLettersPartition = 'COMMERCE#DEADLETTERS';
export const productsPartition = 'PRODUCTS';
export const categoryPartition = (category: string) => `PRODUCTS#CAT#${category}`;
export const userOrdersPartition = (user: string) => `ORDERS#USER#${user}`;
export const allOrdersPartition = 'ORDERS';
export const processingPartition = 'ORDERS#PROCESSING';
/**
 * Index partitions the shop-wide order listings (everyone's, the processing ones) are spread
 * over by order id: at 1,000 checkouts/s each takes ~60 writes/s instead of 1,000.
 */
const orderListSpread = 16;

const productRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  price: z.number().int(),
  currency: z.string(),
  stock: z.number().int(),
  category: z.string(),
  image_key: z.string().nullable().default(null),
  deleted_at: z.string().nullable().default(null),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ProductRecord = z.infer<typeof productRecordSchema>;
export const productFromItem = (item: Item): ProductRecord => productRecordSchema.parse(item);

export function productPut(product: ProductRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...productKey(product.id),
      ...withoutNulls(product),
      ...productIndexes(product),
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/** The listing entries of a product that is not deleted. */
export function productIndexes(product: Pick<ProductRecord, 'id' | 'category'>) {
  return {
    gsi1pk: productsPartition,
    gsi1sk: product.id,
    gsi2pk: categoryPartition(product.category),
    gsi2sk: product.id,
  };
}

export function readProduct(store: Store, id: string): Promise<ProductRecord | undefined> {
  return readItem(store, productKey(id), productFromItem);
}

const cartLineRecordSchema = z.object({
  product_id: z.string(),
  quantity: z.number().int(),
  price_when_added: z.number().int(),
  added_at: z.string(),
});
export type CartLineRecord = z.infer<typeof cartLineRecordSchema>;

export function cartLinePut(user: string, line: CartLineRecord): WriteOperation {
  return { type: 'put', item: { ...cartLineKey(user, line.product_id), ...line } };
}

const cartAddsKey = (user: string): ItemKey => ({ pk: `CART#${user}`, sk: 'ADDS' });

/** How many adds the user's cart has seen: read before the lines an add checks. */
export async function readCartAdds(store: Store, user: string): Promise<number> {
  const item = await store.get(cartAddsKey(user));
  return typeof item?.adds === 'number' ? item.adds : 0;
}

/** Counts one more add, on the condition that the count is still `seen` (no add landed since). */
export function cartAddsBump(user: string, seen: number): WriteOperation {
  return {
    type: 'update',
    key: cartAddsKey(user),
    add: { adds: 1 },
    condition: seen === 0 ? { attributeNotExists: 'pk' } : { compare: ['adds', '=', seen] },
  };
}

export async function readCartLines(store: Store, user: string): Promise<CartLineRecord[]> {
  const lines: CartLineRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({
      partition: `CART#${user}`,
      sort: { op: 'begins_with', value: 'ITEM#' },
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const item of page.items) lines.push(cartLineRecordSchema.parse(item));
    cursor = page.cursor;
  } while (cursor);
  return lines;
}

const orderRecordSchema = z.object({
  id: z.string(),
  user: z.string(),
  email: z.string(),
  status: z.enum(orderStatuses),
  failure_reason: z.string().nullable().default(null),
  decline_code: z.string().nullable().default(null),
  lines: z.array(
    z.object({
      product_id: z.string(),
      name: z.string(),
      unit_price: z.number().int(),
      quantity: z.number().int(),
      // Any number: before checkout refused totals above `maxAmount` (2026-12), one above 2^53 could
      // be stored; it must still be readable so the saga can fail the order and lists still load.
      line_total: z.number(),
    }),
  ),
  currency: z.string(),
  total: z.number(),
  payment_method: z.enum(paymentMethodTypes),
  payment_status: z.enum(paymentStatuses),
  payment_id: z.string().nullable().default(null),
  hold_id: z.string().nullable().default(null),
  shipping_address: z.record(z.string(), z.string()),
  /** `none` → `reserved` → `released` (compensation) or kept (sold). */
  reservation: z.enum(['none', 'reserved', 'released']),
  reservation_until: z.number().int(),
  placed: z.boolean().default(false),
  notified: z.boolean().default(false),
  compensating: z.boolean().default(false),
  needs_attention: z.boolean().default(false),
  shop_merchant: z.string().nullable().default(null),
  created_at: z.string(),
  updated_at: z.string(),
});
export type OrderRecord = z.infer<typeof orderRecordSchema>;
export const orderFromItem = (item: Item): OrderRecord => orderRecordSchema.parse(item);

export function orderPut(order: OrderRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...orderKey(order.id),
      ...withoutNulls(order),
      gsi1pk: userOrdersPartition(order.user),
      gsi1sk: order.id,
      gsi2pk: spreadPartition(allOrdersPartition, order.id, orderListSpread),
      gsi2sk: order.id,
      gsi3pk: spreadPartition(processingPartition, order.id, orderListSpread),
      gsi3sk: order.id,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

export function readOrder(store: Store, id: string): Promise<OrderRecord | undefined> {
  return readItem(store, orderKey(id), orderFromItem);
}

/** Pages of orders in one listing (a user's, everyone's, the processing ones), newest first. */
export async function queryOrders(
  store: Store,
  listing: { index: 'gsi1' | 'gsi2' | 'gsi3'; partition: string },
  limit: number,
  before?: string,
  direction: 'asc' | 'desc' = 'desc',
): Promise<OrderRecord[]> {
  // The shop-wide listings are spread (`orderListSpread`): each partition's first `limit`, merged.
  const spread = listing.partition === allOrdersPartition || listing.partition === processingPartition;
  const { items } = await queryPartitions(store, {
    index: listing.index,
    partitions: spread ? spreadPartitions(listing.partition, orderListSpread) : [listing.partition],
    direction,
    limit,
    ...(before ? { sort: { op: direction === 'desc' ? '<' : '>', value: before } } : {}),
  });
  return items.map(orderFromItem);
}

/** The shop's merchant and the user who owns it. */
export async function readShopMerchant(
  store: Store,
): Promise<{ merchantId: string; ownerId: string } | undefined> {
  const item = await store.get(shopKey);
  if (typeof item?.merchant !== 'string') return undefined;
  return { merchantId: item.merchant, ownerId: typeof item.owner === 'string' ? item.owner : 'commerce' };
}

export function shopMerchantPut(shop: { merchantId: string; ownerId: string }): WriteOperation {
  return {
    type: 'put',
    item: { ...shopKey, merchant: shop.merchantId, owner: shop.ownerId },
    condition: { attributeNotExists: 'pk' },
  };
}

const deadLetterRecordSchema = z.object({
  order_id: z.string(),
  status: z.enum(['open', 'resolved']),
  error: z.string(),
  failed_at: z.string(),
  resolved_at: z.string().nullable().default(null),
});

export function deadLetterPut(entry: DeadLetter): WriteOperation {
  return { type: 'put', item: { pk: deadLettersPartition, sk: `ORDER#${entry.order_id}`, ...entry } };
}

export function deadLetterResolve(orderId: string, at: string): WriteOperation {
  return {
    type: 'update',
    key: { pk: deadLettersPartition, sk: `ORDER#${orderId}` },
    set: { status: 'resolved', resolved_at: at },
    condition: { attributeExists: 'pk' },
  };
}

export async function listDeadLetters(store: Store, limit: number): Promise<DeadLetter[]> {
  const page = await store.query({ partition: deadLettersPartition, direction: 'desc', limit });
  return page.items.map((item) => deadLetterRecordSchema.parse(item));
}

/** Absent rather than null, so conditions can test `attributeNotExists` on both stores. */
function withoutNulls<T extends Record<string, unknown>>(record: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null));
}

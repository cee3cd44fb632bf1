import { z } from '@hono/zod-openapi';
import { defineErrors, errorTypes } from '../kernel/errors.ts';
import { defineIds } from '../kernel/ids.ts';
import { amountSchema, currencySchema, displayTextSchema, paragraphTextSchema } from '../http/schemas.ts';
import { cardInputSchema } from '../payments/index.ts';
import { shippingAddressSchema, type OrderStatus } from './order-model.ts';

export {
  orderLineSchema,
  orderSchema,
  orderStatuses,
  paymentMethodTypes,
  paymentStatuses,
  shippingAddressSchema,
  type Order,
  type OrderChange,
  type OrderEventData,
  type OrderEventType,
  type OrderLine,
  type OrderPaymentStatus,
  type OrderStatus,
  type PaymentMethodType,
  type ShippingAddress,
} from './order-model.ts';

/** The commerce module's id prefixes (products, orders). */
export const commerceIds = defineIds({ product: 'prod', order: 'ord' });

/**
 * Commerce's own error codes. `out_of_stock` (409): asked for more than is on hand.
 * `cart_empty` (400): a checkout of nothing. `cart_changed` (409): a price changed or a product
 * went away since the cart was shown; the cart shows what changed, and a checkout naming the new
 * total (`expected_total`) accepts it.
 */
export const commerceErrors = defineErrors({
  out_of_stock: { status: 409, type: errorTypes.conflict },
  cart_empty: { status: 400, type: errorTypes.invalid_request },
  cart_changed: { status: 409, type: errorTypes.conflict },
});

/** Lines a cart (and so an order) may hold: one store transaction reserves them all. */
export const maxCartLines = 50;
/** Most of one product in one cart line. */
export const maxLineQuantity = 1000;
/** Most units a product may have on hand. */
export const maxStock = 1_000_000;

const productName = displayTextSchema(200).min(1, { error: 'name must not be empty' });
const categoryName = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(60)
  .regex(/^[a-z0-9][a-z0-9 _-]*$/, {
    error: 'category must be letters, digits, spaces, _ or -, starting with a letter or digit',
  });
const quantitySchema = z
  .number({ error: 'quantity must be a whole number' })
  .int({ error: 'quantity must be a whole number (no fractions)' })
  .min(1, { error: 'quantity must be at least 1' })
  .max(maxLineQuantity, { error: `quantity must be at most ${maxLineQuantity}` });
const stockSchema = z
  .number({ error: 'stock must be a whole number' })
  .int({ error: 'stock must be a whole number (no fractions)' })
  .min(0, { error: 'stock must not be negative' })
  .max(maxStock, { error: `stock must be at most ${maxStock}` });

export const createProductSchema = z
  .object({
    name: productName,
    description: paragraphTextSchema(5000).default(''),
    price: amountSchema,
    /** An ISO 4217 code, or `COIN` for a reward item bought with rewards coins. */
    currency: currencySchema.or(z.literal('COIN')),
    stock: stockSchema,
    category: categoryName.default('general'),
  })
  .strict()
  .openapi('CreateProduct');
export type CreateProduct = z.infer<typeof createProductSchema>;

export const updateProductSchema = z
  .object({
    name: productName.optional(),
    description: paragraphTextSchema(5000).optional(),
    price: amountSchema.optional(),
    stock: stockSchema.optional(),
    category: categoryName.optional(),
  })
  .strict()
  .refine((value) => Object.keys(value).length > 0, { error: 'name at least one field to change' })
  .openapi('UpdateProduct');
export type UpdateProduct = z.infer<typeof updateProductSchema>;

export const productSchema = z
  .object({
    id: z.string(),
    object: z.literal('product'),
    name: z.string(),
    description: z.string(),
    price: z.number().int(),
    currency: z.string(),
    stock: z.number().int(),
    category: z.string(),
    image_url: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Product');
export type Product = z.infer<typeof productSchema>;

export const imageTypes = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export const imageUploadSchema = z
  .object({ content_type: z.enum(imageTypes).default('image/png') })
  .strict()
  .openapi('ProductImageUpload');
export const imageUploadResponseSchema = z
  .object({
    upload_url: z.string(),
    upload_headers: z.record(z.string(), z.string()),
    image_url: z.string(),
    expires_at: z.string(),
  })
  .openapi('ProductImageUploadUrl');

export const addCartItemSchema = z
  .object({ product_id: z.string().min(1).max(100), quantity: quantitySchema })
  .strict()
  .openapi('AddCartItem');
export const setCartQuantitySchema = z
  .object({ quantity: quantitySchema })
  .strict()
  .openapi('SetCartQuantity');

export const cartLineStatuses = ['ok', 'price_changed', 'insufficient_stock', 'unavailable'] as const;
export const cartLineSchema = z
  .object({
    product_id: z.string(),
    name: z.string(),
    quantity: z.number().int(),
    /** The price now. */
    unit_price: z.number().int(),
    /** The price when the line was added or last confirmed. */
    price_when_added: z.number().int(),
    currency: z.string(),
    line_total: z.number().int(),
    stock: z.number().int(),
    image_url: z.string().nullable(),
    status: z.enum(cartLineStatuses),
  })
  .openapi('CartLine');
export type CartLine = z.infer<typeof cartLineSchema>;
export const cartSchema = z
  .object({
    object: z.literal('cart'),
    lines: z.array(cartLineSchema),
    currency: z.string().nullable(),
    /** The sum of the lines at current prices (lines of deleted products count nothing). */
    total: z.number().int(),
    item_count: z.number().int(),
    /** True when a line changed price, ran short of stock or went away since it was added. */
    has_changes: z.boolean(),
  })
  .openapi('Cart');
export type Cart = z.infer<typeof cartSchema>;

export const checkoutSchema = z
  .object({
    shipping_address: shippingAddressSchema,
    payment_method: z.discriminatedUnion('type', [
      z.object({ type: z.literal('wallet') }).strict(),
      z.object({ type: z.literal('card'), card: cardInputSchema }).strict(),
      z.object({ type: z.literal('coins') }).strict(),
    ]),
    /** The total the buyer was shown; when given, a cart whose prices changed is accepted at it. */
    expected_total: z.number().int().min(0).optional(),
  })
  .strict()
  .openapi('Checkout');
export type CheckoutInput = z.infer<typeof checkoutSchema>;

export const deadLetterSchema = z
  .object({
    order_id: z.string(),
    status: z.enum(['open', 'resolved']),
    error: z.string(),
    failed_at: z.string(),
    resolved_at: z.string().nullable(),
  })
  .openapi('CommerceDeadLetter');
export type DeadLetter = z.infer<typeof deadLetterSchema>;

/** Legal admin transitions: from → to. `cancel` refunds and restocks; `refund` refunds what was shipped. */
export const adminTransitions = {
  ship: { from: ['paid'], to: 'shipped' },
  deliver: { from: ['shipped'], to: 'delivered' },
  cancel: { from: ['paid'], to: 'canceled' },
  refund: { from: ['shipped', 'delivered'], to: 'refunded' },
} as const satisfies Record<string, { from: readonly OrderStatus[]; to: OrderStatus }>;
export type AdminAction = keyof typeof adminTransitions;

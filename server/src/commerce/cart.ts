import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { formatDecimal, maxAmount, type Currency } from '../kernel/money.ts';
import { isTransactionCanceled, type Store } from '../platform/store.ts';
import { requireProduct, toProduct, type CatalogDeps } from './catalog.ts';
import { commerceErrors, maxCartLines, maxLineQuantity, type Cart, type CartLine } from './model.ts';
import {
  cartAddsBump,
  cartLineKey,
  cartLinePut,
  readCartAdds,
  readCartLines,
  readProduct,
  type CartLineRecord,
  type ProductRecord,
} from './store.ts';

/**
 * The cart with current prices and stock: the server's totals, and every change since a line was
 * added (a new price, a shortage, a deleted product) shown per line rather than applied silently.
 */
export async function getCart(deps: CatalogDeps, user: string): Promise<Cart> {
  const records = await readCartLines(deps.store, user);
  const products = await Promise.all(records.map((line) => readProduct(deps.store, line.product_id)));
  const lines: CartLine[] = await Promise.all(
    records.map(async (line, index) => {
      const product = products[index];
      const isAvailable = product !== undefined && product.deleted_at === null;
      const unitPrice = product?.price ?? line.price_when_added;
      return {
        product_id: line.product_id,
        name: product?.name ?? 'Unavailable product',
        quantity: line.quantity,
        unit_price: unitPrice,
        price_when_added: line.price_when_added,
        currency: product?.currency ?? '',
        line_total: isAvailable ? unitPrice * line.quantity : 0,
        stock: isAvailable ? product.stock : 0,
        image_url: isAvailable ? (await toProduct(deps, product)).image_url : null,
        status: !isAvailable
          ? 'unavailable'
          : product.stock < line.quantity
            ? 'insufficient_stock'
            : product.price !== line.price_when_added
              ? 'price_changed'
              : 'ok',
      };
    }),
  );
  const available = lines.filter((line) => line.status !== 'unavailable');
  return {
    object: 'cart',
    lines,
    currency: available[0]?.currency ?? null,
    total: available.reduce((sum, line) => sum + line.line_total, 0),
    item_count: available.reduce((sum, line) => sum + line.quantity, 0),
    has_changes: lines.some((line) => line.status !== 'ok'),
  };
}

/**
 * Adds to a line (or opens it) at the current price; the whole quantity must be on hand, the cart
 * stays in one currency, and its total within what one payment can take. Adds racing on one cart
 * are serialized by the cart's add count, and each writes its line on the condition it is as read:
 * one whose checks read a cart changed since is judged again.
 */
export async function addCartItem(
  deps: CatalogDeps,
  user: string,
  input: { product_id: string; quantity: number },
): Promise<Cart> {
  const product = await requireProduct(deps, input.product_id, 'product_id');
  for (let attempt = 0; ; attempt++) {
    const adds = await readCartAdds(deps.store, user);
    const lines = await readCartLines(deps.store, user);
    const existing = lines.find((line) => line.product_id === product.id);
    if (!existing && lines.length >= maxCartLines)
      throw new AppError('invalid_request', `a cart holds at most ${maxCartLines} products`, {
        param: 'product_id',
      });
    await assertSameCurrency(deps.store, product, lines, 'product_id');
    const quantity = (existing?.quantity ?? 0) + input.quantity;
    if (quantity > maxLineQuantity)
      throw new AppError('invalid_request', `a line holds at most ${maxLineQuantity} of a product`, {
        param: 'quantity',
      });
    assertInStock(product, quantity);
    await assertPayableTotal(deps, product, quantity, lines);
    try {
      await deps.store.transact([
        {
          ...cartLinePut(user, {
            product_id: product.id,
            quantity,
            price_when_added: product.price,
            added_at: isoTime(deps.clock.now()),
          }),
          // The line as read (or none): a paid order taking its units out of it meanwhile, or a
          // quantity set or a removal, makes the add judge again rather than write over it.
          condition: existing
            ? { compare: ['quantity', '=', existing.quantity] }
            : { attributeNotExists: 'pk' },
        },
        cartAddsBump(user, adds),
      ]);
      return getCart(deps, user);
    } catch (error) {
      if (!isTransactionCanceled(error) || attempt >= 10) throw error;
    }
  }
}

/** Sets a line's quantity; the buyer now sees (and so accepts) the line's current price. */
export async function setCartQuantity(
  deps: CatalogDeps,
  user: string,
  productId: string,
  quantity: number,
): Promise<Cart> {
  const lines = await readCartLines(deps.store, user);
  const line = lines.find((candidate) => candidate.product_id === productId);
  if (!line)
    throw new AppError('not_found', `no line for ${productId} in your cart`, { param: 'product_id' });
  const product = await requireProduct(deps, productId, 'product_id');
  assertInStock(product, quantity);
  await assertPayableTotal(deps, product, quantity, lines);
  await deps.store.transact([cartLinePut(user, { ...line, quantity, price_when_added: product.price })]);
  return getCart(deps, user);
}

export async function removeCartItem(deps: CatalogDeps, user: string, productId: string): Promise<Cart> {
  const lines = await readCartLines(deps.store, user);
  if (!lines.some((line) => line.product_id === productId))
    throw new AppError('not_found', `no line for ${productId} in your cart`, { param: 'product_id' });
  await deps.store.transact([{ type: 'delete', key: cartLineKey(user, productId) }]);
  return getCart(deps, user);
}

export async function clearCart(deps: CatalogDeps, user: string): Promise<Cart> {
  const lines = await readCartLines(deps.store, user);
  for (let start = 0; start < lines.length; start += 100) {
    await deps.store.transact(
      lines
        .slice(start, start + 100)
        .map((line) => ({ type: 'delete' as const, key: cartLineKey(user, line.product_id) })),
    );
  }
  return getCart(deps, user);
}

function assertInStock(product: ProductRecord, quantity: number): void {
  if (quantity > product.stock)
    throw commerceErrors.error(
      'out_of_stock',
      product.stock === 0
        ? `${product.name} is out of stock`
        : `only ${product.stock} of ${product.name} left`,
      { param: 'quantity', details: { available: product.stock } },
    );
}

/**
 * The cart's total with `quantity` of `product` (its other lines at their current prices) is at
 * most what one payment can take (`maxAmount`): 400 `invalid_request` on `quantity` otherwise.
 */
async function assertPayableTotal(
  deps: CatalogDeps,
  product: ProductRecord,
  quantity: number,
  lines: CartLineRecord[],
): Promise<void> {
  let total = product.price * quantity;
  for (const line of lines) {
    if (line.product_id === product.id) continue;
    const other = await readProduct(deps.store, line.product_id);
    if (other && other.deleted_at === null) total += other.price * line.quantity;
  }
  if (total > maxAmount)
    throw new AppError(
      'invalid_request',
      `a cart's total is at most ${formatDecimal(maxAmount, product.currency as Currency)} ${product.currency}`,
      { param: 'quantity' },
    );
}

/** One cart, one currency: the order is one payment. */
async function assertSameCurrency(
  store: Store,
  product: ProductRecord,
  lines: { product_id: string }[],
  param: string,
): Promise<void> {
  for (const line of lines) {
    if (line.product_id === product.id) continue;
    const other = await readProduct(store, line.product_id);
    if (other && other.deleted_at === null && other.currency !== product.currency)
      throw new AppError(
        'currency_mismatch',
        `your cart is in ${other.currency}; ${product.name} is priced in ${product.currency}`,
        { param },
      );
  }
}

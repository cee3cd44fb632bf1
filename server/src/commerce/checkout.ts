import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { Principal } from '../kernel/principal.ts';
import { formatDecimal, maxAmount, type Currency } from '../kernel/money.ts';
import type { ModuleDeps } from '../platform/module.ts';
import type { WriteOperation } from '../platform/store.ts';
import { checkCard } from '../payments/index.ts';
import { getCart } from './cart.ts';
import type { CatalogDeps } from './catalog.ts';
import { commerceErrors, commerceIds, type CheckoutInput, type Order } from './model.ts';
import { outboxOf, toOrder } from './orders.ts';
import {
  checkoutTasks,
  dropCard,
  ensureShopMerchant,
  holdCard,
  lastTouched,
  touchOrder,
  type SagaDeps,
} from './saga.ts';
import { orderPut, processingPartition, queryOrders, type OrderRecord } from './store.ts';

export const checkoutWorkflow = 'checkout';
const defaultReservationMs = 15 * 60_000;
const defaultStaleAfterMs = 60_000;

export type CommerceDeps = SagaDeps &
  CatalogDeps & {
    startWorkflow: ModuleDeps['startWorkflow'];
    /** True where workflows run in this process (the local runtime), so a restart orphans them. */
    runsWorkflowsInProcess: boolean;
  };

/**
 * Takes the cart as an order (`processing`) and starts the checkout saga for it. The cart is read
 * at current prices: a deleted product, or a price that changed without the buyer confirming the
 * new total (`expected_total`), refuses the checkout with `cart_changed`. A card is checked here
 * and kept only in memory: this request reserves and authorizes it (the saga's own first two
 * steps, idempotent), so no card number ever reaches the store, the workflow input or a log.
 */
export async function startCheckout(
  deps: CommerceDeps,
  principal: Principal,
  input: CheckoutInput,
  respond: ((order: Order) => WriteOperation[]) | undefined,
): Promise<Order> {
  const cart = await getCart(deps, principal.userId);
  if (cart.lines.length === 0) throw commerceErrors.error('cart_empty', 'your cart is empty');
  const changed = cart.lines.filter(
    (line) => line.status === 'unavailable' || line.status === 'price_changed',
  );
  if (cart.lines.some((line) => line.status === 'unavailable'))
    throw commerceErrors.error('cart_changed', 'a product in your cart is no longer sold; remove it first', {
      param: 'cart',
      details: { lines: changed },
    });
  if (
    (input.expected_total !== undefined && input.expected_total !== cart.total) ||
    (input.expected_total === undefined && changed.length > 0)
  )
    throw commerceErrors.error(
      'cart_changed',
      changed.length > 0
        ? `prices changed since your cart was shown: the total is now ${cart.total}`
        : `expected_total ${input.expected_total} is not your cart's total, ${cart.total}`,
      { param: 'expected_total', details: { total: cart.total, lines: changed } },
    );
  // One payment, in one currency and within what a payment can take (a cart from before adds were
  // serialized, or whose prices rose since, may be neither).
  if (new Set(cart.lines.map((line) => line.currency)).size > 1)
    throw new AppError('currency_mismatch', 'your cart mixes currencies: keep the products of one', {
      param: 'cart',
    });
  if (cart.total > maxAmount)
    throw new AppError(
      'invalid_request',
      `your cart's total is above ${formatDecimal(maxAmount, cart.currency as Currency)} ${cart.currency}, more than one payment can take`,
      { param: 'cart' },
    );
  // Coins buy what is priced in coins, and only coins do.
  if ((input.payment_method.type === 'coins') !== (cart.currency === 'COIN'))
    throw new AppError(
      'invalid_request',
      cart.currency === 'COIN'
        ? 'reward items are paid with coins: use payment_method {type: "coins"}'
        : `this cart is priced in ${cart.currency}: pay with the wallet or a card`,
      { param: 'payment_method' },
    );
  if (input.payment_method.type === 'card') checkCard(input.payment_method.card, deps.clock.now());
  const start = deps.startWorkflow;
  if (!start) throw new Error('this runtime cannot start workflows');

  const now = deps.clock.now();
  const order: OrderRecord = {
    id: commerceIds.newId('order', now),
    user: principal.userId,
    email: principal.email,
    status: 'processing',
    failure_reason: null,
    decline_code: null,
    lines: cart.lines.map((line) => ({
      product_id: line.product_id,
      name: line.name,
      unit_price: line.unit_price,
      quantity: line.quantity,
      line_total: line.line_total,
    })),
    currency: cart.currency!,
    total: cart.total,
    payment_method: input.payment_method.type,
    payment_status: 'none',
    payment_id: null,
    hold_id: null,
    shipping_address: input.shipping_address as Record<string, string>,
    reservation: 'none',
    reservation_until: now + (deps.hooks.reservationMs ?? defaultReservationMs),
    placed: false,
    notified: false,
    compensating: false,
    needs_attention: false,
    shop_merchant: (await ensureShopMerchant(deps)).merchantId,
    created_at: isoTime(now),
    updated_at: isoTime(now),
  };
  const json = toOrder(order);
  touchOrder(deps, order);
  await deps.store.transact([
    orderPut(order),
    outboxOf(deps.clock, 'order.created', order),
    ...(respond?.(json) ?? []),
  ]);

  if (input.payment_method.type === 'card') {
    holdCard(order.id, input.payment_method.card);
    try {
      const tasks = checkoutTasks(deps);
      const reserved = (await tasks.Reserve({ order_id: order.id })) as { ok: boolean };
      if (reserved.ok) await tasks.Authorize({ order_id: order.id });
    } catch (error) {
      // The saga runs both steps again and decides; this attempt only spared the card a trip.
      deps.logger.warn('checkout: the in-request authorization failed', {
        order: order.id,
        error: String(error),
      });
    } finally {
      dropCard(order.id);
    }
  }
  await start(checkoutWorkflow, { order_id: order.id }, order.id);
  return json;
}

/**
 * Resumes checkouts a crash or a restart left `processing`: each one untouched for a while runs
 * the saga again, whose steps skip what is done, finish it, or (once its reservation ran out)
 * compensate it. Returns how many it resumed.
 */
export async function resumeStaleCheckouts(deps: CommerceDeps): Promise<number> {
  const start = deps.startWorkflow;
  if (!start) return 0;
  const staleBefore = deps.clock.now() - (deps.hooks.staleAfterMs ?? defaultStaleAfterMs);
  let resumed = 0;
  let after: string | undefined;
  for (let page = 0; page < 10; page++) {
    const orders = await queryOrders(
      deps.store,
      { index: 'gsi3', partition: processingPartition },
      100,
      after,
      'asc',
    );
    for (const order of orders) {
      after = order.id;
      if (!isStale(deps, order, staleBefore)) continue;
      try {
        await start(checkoutWorkflow, { order_id: order.id }, `${order.id}-resume-${deps.clock.now()}`);
        resumed += 1;
      } catch (error) {
        // One order that cannot start again must not keep the others waiting behind it.
        deps.logger.error('checkout: a stale order could not be resumed', {
          order: order.id,
          error: String(error),
        });
      }
    }
    if (orders.length < 100) break;
  }
  return resumed;
}

/**
 * Whether nobody works on the order: untouched for a while, or (with the in-process runner,
 * where one process owns the data dir and runs every workflow it starts) never touched by this
 * process, so started by one that stopped: after a restart, every processing order resumes at once.
 */
function isStale(deps: CommerceDeps, order: OrderRecord, staleBefore: number): boolean {
  const here = lastTouched(deps.store, order.id);
  if (here !== undefined) return here <= staleBefore;
  return deps.runsWorkflowsInProcess || Date.parse(order.updated_at) <= staleBefore;
}

export function assertIdempotencyKey(present: boolean): void {
  if (!present)
    throw new AppError('invalid_request', 'a checkout needs an Idempotency-Key header', {
      param: 'Idempotency-Key',
    });
}

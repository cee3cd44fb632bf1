import type { Currency } from '../kernel/money.ts';
import { AppError } from '../kernel/errors.ts';
import { createTransfers, type LedgerEventSpec } from '../ledger/index.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { createRefund } from '../payments/index.ts';
import type { CommerceDeps } from './checkout.ts';
import { adminTransitions, commerceIds, type AdminAction, type Order } from './model.ts';
import { assertOwnOrder, orderEventSpec, orderUpdate, outboxOf, toOrder } from './orders.ts';
import { ensureShopMerchant, payerAccountId, shopAccountId } from './saga.ts';
import {
  allOrdersPartition,
  productKey,
  queryOrders,
  readOrder,
  userOrdersPartition,
  type OrderRecord,
} from './store.ts';

const orderIdPattern = /^ord_[0-9A-HJKMNP-TV-Z]{26}$/;

/** A page of orders, newest first: the buyer's own, or (for admins) everyone's. */
export async function listOrders(
  deps: CommerceDeps,
  scope: { user: string } | { all: true },
  limit: number,
  startingAfter: string | undefined,
): Promise<{ data: Order[]; next_cursor: string | undefined }> {
  if (startingAfter !== undefined && !orderIdPattern.test(startingAfter))
    throw new AppError('invalid_request', 'starting_after must be a next_cursor from a previous page', {
      param: 'starting_after',
    });
  const listing =
    'user' in scope
      ? { index: 'gsi1' as const, partition: userOrdersPartition(scope.user) }
      : { index: 'gsi2' as const, partition: allOrdersPartition };
  const orders = await queryOrders(deps.store, listing, limit + 1, startingAfter);
  const page = orders.slice(0, limit);
  return {
    data: page.map(toOrder),
    next_cursor: orders.length > limit ? page.at(-1)!.id : undefined,
  };
}

export async function getOwnOrder(deps: CommerceDeps, user: string, id: string): Promise<Order> {
  const order = commerceIds.isId('order', id) ? await readOrder(deps.store, id) : undefined;
  return toOrder(assertOwnOrder(order, user, id));
}

export async function getAnyOrder(deps: CommerceDeps, id: string): Promise<OrderRecord> {
  const order = commerceIds.isId('order', id) ? await readOrder(deps.store, id) : undefined;
  if (!order) throw new AppError('not_found', `no order ${id}`, { param: 'id' });
  return order;
}

/**
 * An admin's move of an order: ship, deliver, cancel (a paid order: refunds the payment and puts
 * the stock back, in the refund's own transaction) or refund (a shipped or delivered order: the
 * payment only, since the goods left). A move the order's status does not allow is a
 * 409 `invalid_state_transition`, and so is one that loses a race with another.
 */
export async function moveOrder(deps: CommerceDeps, id: string, action: AdminAction): Promise<Order> {
  const order = await getAnyOrder(deps, id);
  const transition = adminTransitions[action];
  if (!(transition.from as readonly string[]).includes(order.status))
    throw new AppError('invalid_state_transition', `cannot ${action} an order that is ${order.status}`, {
      details: { status: order.status },
    });
  const changed = orderUpdate(
    deps.clock,
    order,
    action === 'cancel' || action === 'refund'
      ? { status: transition.to, payment_status: 'refunded' }
      : { status: transition.to },
    { status: order.status },
  );
  const type = `order.${transition.to}` as const;
  try {
    if (action === 'ship' || action === 'deliver') {
      await deps.store.transact([changed.operation, outboxOf(deps.clock, type, changed.next)]);
    } else if (action === 'refund') {
      await refundOrder(deps, order, changed.next, [changed.operation]);
    } else {
      const restock: WriteOperation[] = order.lines.map((line) => ({
        type: 'update',
        key: productKey(line.product_id),
        add: { stock: line.quantity },
        condition: { attributeExists: 'pk' },
      }));
      await refundOrder(deps, order, changed.next, [changed.operation, ...restock]);
    }
  } catch (error) {
    // A refund's refusal says what the ledger or the payment saw (`conflict`, a payment already
    // refunded, a replayed transfer): if the order moved meanwhile, what happened is a lost race.
    // Otherwise it stands (a disputed payment is not a changed order).
    if (isTransactionCanceled(error) || (await hasMoved(deps, order)))
      throw new AppError(
        'invalid_state_transition',
        `the order changed meanwhile; it is no longer ${order.status}`,
      );
    throw error;
  }
  return toOrder(changed.next);
}

async function refundOrder(
  deps: CommerceDeps,
  order: OrderRecord,
  next: OrderRecord,
  operations: WriteOperation[],
): Promise<void> {
  if (order.payment_method !== 'card') {
    const { replayed } = await createTransfers(
      deps,
      [
        {
          kind: 'posted',
          id: `${order.hold_id}_refund`,
          debit_account_id: shopAccountId(order.currency),
          credit_account_id: payerAccountId(order),
          amount: order.total,
          currency: order.currency as Currency,
          code: 'commerce_refund',
          metadata: { order: order.id },
        },
      ],
      { event: orderEventSpec(eventOf(next), next) as LedgerEventSpec, operations: () => operations },
    );
    // The refund's id is the order's: it exists only if another move refunded the order first.
    if (replayed) throw new AppError('invalid_state_transition', 'the order was refunded meanwhile');
    return;
  }
  const actor = await ensureShopMerchant(deps);
  await createRefund(deps, actor, { payment: order.payment_id!, reason: 'requested_by_customer' }, () => [
    ...operations,
    outboxOf(deps.clock, eventOf(next), next),
  ]);
}

/** Whether the order's status is no longer the one `moveOrder` read (a failed re-read says no). */
async function hasMoved(deps: CommerceDeps, order: OrderRecord): Promise<boolean> {
  const now = await readOrder(deps.store, order.id).catch(() => order);
  return now?.status !== order.status;
}

function eventOf(next: OrderRecord): 'order.canceled' | 'order.refunded' {
  return next.status === 'refunded' ? 'order.refunded' : 'order.canceled';
}

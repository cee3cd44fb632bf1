import { isoTime, type Clock } from '../kernel/clock.ts';
import { isAppError } from '../kernel/errors.ts';
import { formatDecimal, type Currency } from '../kernel/money.ts';
import { createAccount, createTransfers, type LedgerEventSpec } from '../ledger/index.ts';
import type { Logger } from '../platform/logger.ts';
import type { Notifier } from '../platform/notifier.ts';
import type { TransactionalQueue } from '../platform/queue.ts';
import { isTransactionCanceled, type Condition, type Store, type WriteOperation } from '../platform/store.ts';
import {
  capturePayment,
  createMerchant,
  createPayment,
  createRefund,
  voidPayment,
  type CardInput,
  type MerchantActor,
  type Payment,
} from '../payments/index.ts';
import { coinAccountId } from '../rewards/index.ts';
import { walletAccountId } from '../wallet/index.ts';
import { outboxOf, orderEventSpec, orderUpdate, type OrderCondition, type OrderEventType } from './orders.ts';
import {
  cartLineKey,
  cartLinePut,
  deadLetterPut,
  deadLetterResolve,
  productKey,
  readCartLines,
  readOrder,
  readShopMerchant,
  shopMerchantPut,
  type OrderRecord,
} from './store.ts';

/** What the saga's tasks need. */
export interface SagaDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  notifier: Notifier;
  queue: TransactionalQueue;
  hooks: CommerceHooks;
  /** The user id of the admin who should own the shop's merchant, if one has signed up. */
  shopOwner: () => Promise<string | undefined>;
}

/** Settings tests lay over the module (`testHooks.commerce`). */
export interface CommerceHooks {
  /** Fault injection: a task throws while this returns true for it (Step Functions then retries it). */
  failTask?: (state: SagaState, orderId: string) => boolean;
  /** Runs before a step does its work: a test holds a step here to play a crash mid-saga. */
  beforeTask?: (state: SagaState, orderId: string) => Promise<void>;
  /** A `processing` order untouched this long is resumed by the recovery job. Default 60 s. */
  staleAfterMs?: number;
  /** How long a checkout's reservation holds stock before the saga gives it up. Default 15 min. */
  reservationMs?: number;
}

export const sagaStates = [
  'Reserve',
  'Authorize',
  'CreateOrder',
  'Capture',
  'Notify',
  'Refund',
  'Release',
  'MarkFailed',
  'DeadLetter',
] as const;
export type SagaState = (typeof sagaStates)[number];

/** The queue a compensation that kept failing goes to (with its own DLQ and alarm on AWS). */
export const compensationQueue = 'commerce-compensations';

/** A forward step found the order given up (compensating, or no longer processing). */
export class SagaAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SagaAborted';
  }
}

/** A card kept only in this process's memory for the one authorization it is for. */
const cardVault = new Map<string, CardInput>();
export function holdCard(orderId: string, card: CardInput): void {
  cardVault.set(orderId, card);
}
export function dropCard(orderId: string): void {
  cardVault.delete(orderId);
}

/** Who owns the shop's merchant when no admin has signed up yet (and its ledger accounts). */
const shopOwner = 'commerce';
const shopMerchants = new WeakMap<Store, Promise<MerchantActor>>();
const shopAccounts = new WeakMap<Store, Set<string>>();

/**
 * The sandbox merchant the shop charges cards as, made once per installation and owned by the
 * first configured admin who has signed up, so its payments show in that admin's developer area
 * like any merchant's (by `commerce` itself before any admin exists, or when the admin owns as
 * many merchants as allowed).
 */
export function ensureShopMerchant(
  deps: Pick<SagaDeps, 'store' | 'clock' | 'shopOwner'>,
): Promise<MerchantActor> {
  let found = shopMerchants.get(deps.store);
  if (!found) {
    found = (async () => {
      const existing = await readShopMerchant(deps.store);
      if (existing) return existing;
      const admin = await deps.shopOwner();
      const merchant = await createMerchant(deps, admin ?? shopOwner, { name: 'Sluice Shop' }).catch(
        (error: unknown) => {
          if (admin === undefined || !(isAppError(error) && error.code === 'limit_reached')) throw error;
          return createMerchant(deps, shopOwner, { name: 'Sluice Shop' });
        },
      );
      const actor = { merchantId: merchant.id, ownerId: merchant.owner };
      try {
        await deps.store.transact([shopMerchantPut(actor)]);
        return actor;
      } catch (error) {
        // Another process made it first; the merchant made here stays unused.
        if (!isTransactionCanceled(error)) throw error;
        return (await readShopMerchant(deps.store))!;
      }
    })();
    found.catch(() => shopMerchants.delete(deps.store));
    shopMerchants.set(deps.store, found);
  }
  return found;
}

/** The shop's sales account in a currency: wallet payments are held into it and refunded from it. */
export function shopAccountId(currency: string): string {
  return `acct_shop_sales_${currency}`;
}

async function ensureShopAccount(deps: SagaDeps, currency: string): Promise<void> {
  const known = shopAccounts.get(deps.store) ?? new Set<string>();
  shopAccounts.set(deps.store, known);
  if (known.has(currency)) return;
  await createAccount(deps, {
    id: shopAccountId(currency),
    currency: currency as Currency,
    owner: shopOwner,
    code: 'shop_sales',
    // Every wallet checkout's hold and capture lands here: spread, as a busy merchant's accounts
    // are, so that 1,000 checkouts/s write ~125/s to each item instead of 2,000 to one.
    shards: 16,
  });
  known.add(currency);
}

const holdIdOf = (order: OrderRecord) => `tr_${order.id}_hold`;

/** The buyer's ledger account a wallet or coins payment is held on and refunded to. */
export function payerAccountId(order: Pick<OrderRecord, 'user' | 'currency' | 'payment_method'>): string {
  return order.payment_method === 'coins'
    ? coinAccountId(order.user)
    : walletAccountId(order.user, order.currency as Currency);
}

interface TaskInput {
  order_id: string;
  reason?: string;
  decline_code?: string | null;
  error?: { Error?: string; Cause?: string };
}

function parseInput(input: unknown): TaskInput {
  const value = input as TaskInput | undefined;
  if (typeof value?.order_id !== 'string') throw new Error('the task input names no order_id');
  return value;
}

async function loadOrder(deps: SagaDeps, id: string): Promise<OrderRecord> {
  const order = await readOrder(deps.store, id);
  if (!order) throw new Error(`no order ${id}`);
  touchOrder(deps, order);
  return order;
}

/** When a step of each processing order last ran in this process (per store). */
const touched = new WeakMap<Store, Map<string, number>>();

/** Notes that this process works on the order now; forgets it once it left `processing`. */
export function touchOrder(
  deps: Pick<SagaDeps, 'store' | 'clock'>,
  order: Pick<OrderRecord, 'id' | 'status'>,
): void {
  let orders = touched.get(deps.store);
  if (!orders) touched.set(deps.store, (orders = new Map()));
  if (order.status === 'processing') orders.set(order.id, deps.clock.now());
  else orders.delete(order.id);
}

/** When a step of the order last ran in this process, if one did. */
export function lastTouched(store: Store, orderId: string): number | undefined {
  return touched.get(store)?.get(orderId);
}

async function injectFault(deps: SagaDeps, state: SagaState, order: OrderRecord): Promise<void> {
  await deps.hooks.beforeTask?.(state, order.id);
  if (deps.hooks.failTask?.(state, order.id)) throw new Error(`injected fault in ${state}`);
}

/** Writes one saga step: the order change, its event, and any other writes, as one transaction. */
async function commitStep(
  deps: SagaDeps,
  order: OrderRecord,
  changes: Partial<OrderRecord>,
  condition: OrderCondition,
  event: { type: OrderEventType; step?: string } | undefined,
  more: WriteOperation[] = [],
): Promise<OrderRecord> {
  const { next, operation } = orderUpdate(deps.clock, order, changes, condition);
  await deps.store.transact([
    operation,
    ...more,
    ...(event ? [outboxOf(deps.clock, event.type, next, event.step)] : []),
  ]);
  touchOrder(deps, next);
  return next;
}

/**
 * A forward step may run only on a `processing` order no compensation has started on; one whose
 * reservation ran out starts the compensation itself (`reservation_expired`).
 */
async function assertForward(deps: SagaDeps, order: OrderRecord): Promise<void> {
  if (order.compensating || order.status !== 'processing')
    throw new SagaAbortedError(`order ${order.id} is ${order.compensating ? 'compensating' : order.status}`);
  if (deps.clock.now() > order.reservation_until) {
    await beginCompensation(deps, order, 'reservation_expired', null);
    throw new SagaAbortedError(`the reservation of order ${order.id} expired`);
  }
}

// ---- forward steps ----

/** Takes every line's quantity off the shelf in one transaction, none below zero. */
async function reserve(deps: SagaDeps, input: TaskInput) {
  const order = await loadOrder(deps, input.order_id);
  if (order.reservation !== 'none') {
    if (order.compensating) throw new SagaAbortedError(`order ${order.id} is compensating`);
    return { ok: true, reason: null, decline_code: null };
  }
  await assertForward(deps, order);
  await injectFault(deps, 'Reserve', order);
  const stock: WriteOperation[] = order.lines.map((line) => ({
    type: 'update',
    key: productKey(line.product_id),
    add: { stock: -line.quantity },
    condition: {
      all: [
        { attributeExists: 'pk' },
        { attributeNotExists: 'deleted_at' },
        { compare: ['stock', '>=', line.quantity] },
      ],
    },
  }));
  try {
    await commitStep(
      deps,
      order,
      { reservation: 'reserved' },
      { reservation: 'none', compensating: false, status: 'processing' },
      { type: 'order.updated', step: 'reserved' },
      stock,
    );
    return { ok: true, reason: null, decline_code: null };
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    // The order is at index 0, the products after it.
    const products = error.reasons.filter((reason) => reason.index >= 1 && reason.index <= stock.length);
    if (products.length === 0) return reserve(deps, input);
    const isGone = products.some((reason) => !reason.item || reason.item.deleted_at !== undefined);
    return { ok: false, reason: isGone ? 'product_unavailable' : 'out_of_stock', decline_code: null };
  }
}

/** Holds the total: a ledger hold on the buyer's wallet, or a card authorization as the shop. */
async function authorize(deps: SagaDeps, input: TaskInput) {
  const order = await loadOrder(deps, input.order_id);
  if (order.payment_status === 'authorized' || order.payment_status === 'captured') {
    if (order.compensating) throw new SagaAbortedError(`order ${order.id} is compensating`);
    return { ok: true, reason: null, decline_code: null };
  }
  if (order.payment_status === 'declined')
    return {
      ok: false,
      reason: order.failure_reason ?? 'payment_declined',
      decline_code: order.decline_code,
    };
  await assertForward(deps, order);
  await injectFault(deps, 'Authorize', order);
  const guard: OrderCondition = { payment_status: 'none', compensating: false, status: 'processing' };
  try {
    if (order.payment_method !== 'card') {
      await ensureShopAccount(deps, order.currency);
      const next = { ...order, payment_status: 'authorized' as const, hold_id: holdIdOf(order) };
      await createTransfers(
        deps,
        [
          {
            kind: 'pending',
            id: holdIdOf(order),
            debit_account_id: payerAccountId(order),
            credit_account_id: shopAccountId(order.currency),
            amount: order.total,
            currency: order.currency as Currency,
            code: 'commerce_order',
            metadata: { order: order.id },
          },
        ],
        {
          event: orderEventSpec('order.updated', next, 'authorized') as LedgerEventSpec,
          operations: () => [
            orderUpdate(deps.clock, order, { payment_status: 'authorized', hold_id: holdIdOf(order) }, guard)
              .operation,
          ],
        },
      );
      return { ok: true, reason: null, decline_code: null };
    }
    const card = cardVault.get(order.id);
    if (!card) return declined(deps, order, 'payment_method_unavailable', null, null);
    const actor = await shopActor(deps);
    const payment = await createPayment(
      deps,
      actor,
      {
        amount: order.total,
        currency: order.currency as Parameters<typeof createPayment>[2]['currency'],
        card,
        capture: false,
        description: `Sluice Shop order ${order.id}`,
        metadata: { order: order.id },
      },
      (result: Payment) =>
        result.status === 'failed'
          ? [
              orderUpdate(
                deps.clock,
                order,
                {
                  payment_status: 'declined',
                  payment_id: result.id,
                  failure_reason: 'payment_declined',
                  decline_code: result.decline_code,
                },
                guard,
              ).operation,
            ]
          : [
              orderUpdate(deps.clock, order, { payment_status: 'authorized', payment_id: result.id }, guard)
                .operation,
              outboxOf(
                deps.clock,
                'order.updated',
                { ...order, payment_status: 'authorized', payment_id: result.id },
                'authorized',
              ),
            ],
    );
    dropCard(order.id);
    return { ok: payment.status !== 'failed', reason: null, decline_code: null };
  } catch (error) {
    if (isAppError(error) && error.code === 'card_declined') {
      dropCard(order.id);
      const code = typeof error.details?.decline_code === 'string' ? error.details.decline_code : null;
      return { ok: false, reason: 'payment_declined', decline_code: code };
    }
    const now = await loadOrder(deps, order.id);
    if (now.payment_status === 'authorized') return { ok: true, reason: null, decline_code: null };
    if (now.compensating || now.status !== 'processing')
      throw new SagaAbortedError(`order ${order.id} is ${now.compensating ? 'compensating' : now.status}`);
    // No wallet in the currency is as good as an empty one.
    if (isAppError(error) && (error.code === 'insufficient_funds' || error.code === 'not_found'))
      return declined(deps, order, 'insufficient_funds', null, null);
    throw error;
  }
}

async function declined(
  deps: SagaDeps,
  order: OrderRecord,
  reason: string,
  declineCode: string | null,
  paymentId: string | null,
) {
  try {
    await commitStep(
      deps,
      order,
      {
        payment_status: 'declined',
        failure_reason: reason,
        decline_code: declineCode,
        payment_id: paymentId,
      },
      { payment_status: 'none', compensating: false },
      undefined,
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
  }
  return { ok: false, reason, decline_code: declineCode };
}

function shopActor(deps: SagaDeps): Promise<MerchantActor> {
  return ensureShopMerchant(deps);
}

/** Records the order as placed: from here it is an order, not a cart. */
async function createOrder(deps: SagaDeps, input: TaskInput) {
  const order = await loadOrder(deps, input.order_id);
  if (order.placed) {
    if (order.compensating) throw new SagaAbortedError(`order ${order.id} is compensating`);
    return { placed: true };
  }
  await assertForward(deps, order);
  await injectFault(deps, 'CreateOrder', order);
  try {
    await commitStep(
      deps,
      order,
      { placed: true },
      { placed: false, compensating: false, status: 'processing' },
      { type: 'order.updated', step: 'placed' },
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    return createOrder(deps, input);
  }
  return { placed: true };
}

/** Takes the held money: posts the wallet hold, or captures the card payment. */
async function capture(deps: SagaDeps, input: TaskInput) {
  const order = await loadOrder(deps, input.order_id);
  if (order.payment_status === 'captured') {
    if (order.compensating) throw new SagaAbortedError(`order ${order.id} is compensating`);
    return { captured: true };
  }
  await assertForward(deps, order);
  if (order.payment_status !== 'authorized')
    throw new Error(`order ${order.id} has no authorized payment to capture (${order.payment_status})`);
  await injectFault(deps, 'Capture', order);
  const guard: OrderCondition = { payment_status: 'authorized', compensating: false, status: 'processing' };
  const changed = orderUpdate(deps.clock, order, { payment_status: 'captured' }, guard);
  try {
    if (order.payment_method !== 'card') {
      await createTransfers(
        deps,
        [{ kind: 'post_pending', id: `${order.hold_id}_post`, pending_id: order.hold_id! }],
        {
          event: orderEventSpec('order.updated', changed.next, 'captured') as LedgerEventSpec,
          operations: () => [changed.operation],
        },
      );
    } else {
      await capturePayment(deps, await shopActor(deps), order.payment_id!, undefined, () => [
        changed.operation,
        outboxOf(deps.clock, 'order.updated', changed.next, 'captured'),
      ]);
    }
  } catch (error) {
    const now = await loadOrder(deps, order.id);
    if (now.payment_status === 'captured') return { captured: true };
    throw error;
  }
  return { captured: true };
}

/** Tells the buyer, then marks the order paid and empties the cart of what was bought. */
async function notify(deps: SagaDeps, input: TaskInput) {
  const order = await loadOrder(deps, input.order_id);
  if (order.status === 'paid' || (order.status !== 'processing' && !order.compensating))
    return { notified: true };
  await assertForward(deps, order);
  if (order.payment_status !== 'captured')
    throw new Error(`order ${order.id} is not captured (${order.payment_status})`);
  await injectFault(deps, 'Notify', order);
  // At least once: a crash between the email and the commit sends it again on the re-run.
  if (!order.notified) await deps.notifier.sendEmail(confirmationEmail(order));
  // The cart loses what was bought, not what the buyer added since: each line bought is reduced
  // by the quantity ordered (and goes when nothing is left), on the condition it still holds what
  // was read; a cart changed meanwhile is read again.
  for (let attempt = 0; ; attempt++) {
    const cart = await cartAfterPurchase(deps.store, order);
    try {
      await commitStep(
        deps,
        order,
        { status: 'paid', notified: true },
        { status: 'processing', compensating: false, payment_status: 'captured' },
        { type: 'order.paid' },
        cart,
      );
      break;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      const now = await loadOrder(deps, order.id);
      if (now.status === 'paid') return { notified: true };
      const unchanged = now.status === 'processing' && !now.compensating && now.payment_status === 'captured';
      if (!unchanged || attempt >= 5)
        throw new SagaAbortedError(`order ${order.id} changed while it was being completed`);
    }
  }
  return { notified: true };
}

/** The writes that take an order's lines out of its buyer's cart as it is now. */
async function cartAfterPurchase(store: Store, order: OrderRecord): Promise<WriteOperation[]> {
  const lines = new Map((await readCartLines(store, order.user)).map((line) => [line.product_id, line]));
  return order.lines.flatMap((bought): WriteOperation[] => {
    const line = lines.get(bought.product_id);
    if (!line) return [];
    const held: Condition = { compare: ['quantity', '=', line.quantity] };
    return line.quantity <= bought.quantity
      ? [{ type: 'delete', key: cartLineKey(order.user, line.product_id), condition: held }]
      : [
          {
            ...cartLinePut(order.user, { ...line, quantity: line.quantity - bought.quantity }),
            condition: held,
          },
        ];
  });
}

function money(amount: number, currency: string): string {
  return `${formatDecimal(amount, currency as Currency)} ${currency}`;
}

function confirmationEmail(order: OrderRecord) {
  const lines = order.lines.map(
    (line) => `${line.quantity} × ${line.name} — ${money(line.line_total, order.currency)}`,
  );
  return {
    to: order.email,
    subject: `Your Sluice Shop order ${order.id} is confirmed`,
    text: [
      `Thank you for your order ${order.id}.`,
      '',
      ...lines,
      '',
      `Total: ${money(order.total, order.currency)}`,
    ].join('\n'),
  };
}

// ---- compensation ----

/**
 * Marks the order as being compensated, keeping the first failure reason. Returns undefined for
 * an order that finished (paid and beyond) without a compensation: there is nothing to undo.
 */
async function beginCompensation(
  deps: SagaDeps,
  order: OrderRecord,
  reason: string,
  declineCode: string | null,
): Promise<OrderRecord | undefined> {
  if (order.compensating) return order;
  if (order.status !== 'processing') return undefined;
  try {
    return await commitStep(
      deps,
      order,
      {
        compensating: true,
        failure_reason: order.failure_reason ?? reason,
        decline_code: order.decline_code ?? declineCode,
      },
      { status: 'processing', compensating: false },
      { type: 'order.updated', step: 'compensating' },
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    return beginCompensation(deps, await loadOrder(deps, order.id), reason, declineCode);
  }
}

async function compensating(deps: SagaDeps, input: TaskInput): Promise<OrderRecord | undefined> {
  const order = await loadOrder(deps, input.order_id);
  return beginCompensation(deps, order, input.reason ?? 'checkout_failed', input.decline_code ?? null);
}

/** Gives the money back: voids an authorization, refunds a capture; nothing when none was taken. */
async function refund(deps: SagaDeps, input: TaskInput) {
  const order = await compensating(deps, input);
  if (!order) return { skipped: true };
  return undoPayment(deps, order, 'Refund');
}

export async function undoPayment(deps: SagaDeps, order: OrderRecord, state: SagaState | undefined) {
  if (order.payment_status !== 'authorized' && order.payment_status !== 'captured')
    return { payment_status: order.payment_status };
  if (state) await injectFault(deps, state, order);
  const from = order.payment_status;
  const to = from === 'authorized' ? ('voided' as const) : ('refunded' as const);
  const changed = orderUpdate(deps.clock, order, { payment_status: to }, { payment_status: from });
  const event = { type: 'order.updated' as const, step: to };
  try {
    if (order.payment_method !== 'card') {
      await createTransfers(
        deps,
        [
          from === 'authorized'
            ? { kind: 'void_pending', id: `${order.hold_id}_void`, pending_id: order.hold_id! }
            : {
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
        {
          event: orderEventSpec(event.type, changed.next, event.step) as LedgerEventSpec,
          operations: () => [changed.operation],
        },
      );
    } else {
      const actor = await shopActor(deps);
      const respond = () => [changed.operation, outboxOf(deps.clock, event.type, changed.next, event.step)];
      try {
        if (from === 'authorized') await voidPayment(deps, actor, order.payment_id!, respond);
        else await createRefund(deps, actor, { payment: order.payment_id! }, respond);
      } catch (error) {
        // An authorization that lapsed released its hold by itself.
        if (!(isAppError(error) && error.code === 'payment_expired')) throw error;
        await deps.store.transact([changed.operation, ...respond().slice(1)]);
      }
    }
  } catch (error) {
    const now = await loadOrder(deps, order.id);
    if (now.payment_status === to) return { payment_status: to };
    throw error;
  }
  return { payment_status: to };
}

/** Puts the reserved quantities back on the shelf. */
async function release(deps: SagaDeps, input: TaskInput) {
  const order = await compensating(deps, input);
  if (!order) return { skipped: true };
  return releaseStock(deps, order, 'Release');
}

export async function releaseStock(deps: SagaDeps, order: OrderRecord, state: SagaState | undefined) {
  if (order.reservation !== 'reserved') return { reservation: order.reservation };
  if (state) await injectFault(deps, state, order);
  const stock: WriteOperation[] = order.lines.map((line) => ({
    type: 'update',
    key: productKey(line.product_id),
    add: { stock: line.quantity },
    condition: { attributeExists: 'pk' },
  }));
  try {
    await commitStep(
      deps,
      order,
      { reservation: 'released' },
      { reservation: 'reserved' },
      { type: 'order.updated', step: 'released' },
      stock,
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const now = await loadOrder(deps, order.id);
    if (now.reservation !== 'released') throw error;
  }
  return { reservation: 'released' };
}

/** The end of a failed checkout: `failed` with its reason, and the buyer told. */
async function markFailed(deps: SagaDeps, input: TaskInput) {
  const order = await compensating(deps, input);
  if (!order) return { skipped: true };
  if (order.status === 'failed') return { status: 'failed' };
  await injectFault(deps, 'MarkFailed', order);
  // The buyer is told first (at least once: a retry after a crash here tells them again). The
  // email is a courtesy: the order fails whether or not it could be sent.
  await deps.notifier
    .sendEmail(failureEmail(order))
    .catch((error: unknown) =>
      deps.logger.warn('order failure email not sent', { order: order.id, error: String(error) }),
    );
  try {
    await commitStep(
      deps,
      order,
      { status: 'failed' },
      { status: 'processing', compensating: true },
      { type: 'order.failed' },
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    return { status: (await loadOrder(deps, order.id)).status };
  }
  return { status: 'failed' };
}

function failureEmail(order: OrderRecord) {
  return {
    to: order.email,
    subject: `Your Sluice Shop order ${order.id} could not be completed`,
    text: [
      `Your order ${order.id} could not be completed (${order.failure_reason ?? 'checkout_failed'}${order.decline_code ? `: ${order.decline_code}` : ''}).`,
      'Nothing was charged: any hold on your payment was released.',
    ].join('\n'),
  };
}

/**
 * A compensation step that kept failing: the order is failed and flagged for attention, an entry
 * shows it to admins, and a message on the compensation queue retries the undo (SQS moves it to a
 * DLQ, which is alarmed, if that keeps failing too). Nothing is swallowed.
 */
async function deadLetter(deps: SagaDeps, input: TaskInput) {
  const order = await loadOrder(deps, input.order_id);
  const now = deps.clock.now();
  const error = `${input.error?.Error ?? 'Error'}: ${input.error?.Cause ?? 'the compensation failed'}`.slice(
    0,
    2000,
  );
  deps.logger.error('checkout compensation dead-lettered', { order: order.id, error });
  const changed = orderUpdate(
    deps.clock,
    order,
    {
      status: 'failed',
      needs_attention: true,
      compensating: true,
      failure_reason: order.failure_reason ?? input.reason ?? 'checkout_failed',
    },
    {},
  );
  await deps.store.transact([
    changed.operation,
    deadLetterPut({ order_id: order.id, status: 'open', error, failed_at: isoTime(now), resolved_at: null }),
    deps.queue.sendOperation(compensationQueue, { id: `${order.id}-${now}`, body: { order_id: order.id } }),
    outboxOf(deps.clock, 'order.failed', changed.next),
  ]);
  return { dead_lettered: true };
}

/**
 * The compensation queue's consumer: undoes what the saga could not, then clears the order's
 * flag and resolves its admin entry. Throws (so the queue retries, then dead-letters) on failure.
 */
export async function retryCompensation(deps: SagaDeps, orderId: string): Promise<void> {
  let order = await loadOrder(deps, orderId);
  if (!order.compensating) return;
  await undoPayment(deps, order, 'Refund');
  order = await loadOrder(deps, orderId);
  await releaseStock(deps, order, 'Release');
  order = await loadOrder(deps, orderId);
  if (!order.needs_attention) return;
  const changed = orderUpdate(deps.clock, order, { needs_attention: false }, {});
  await deps.store.transact([
    changed.operation,
    deadLetterResolve(orderId, isoTime(deps.clock.now())),
    outboxOf(deps.clock, 'order.updated', changed.next, 'compensated'),
  ]);
}

/** The handlers of `workflows/checkout.asl.json`, by Task state. */
export function checkoutTasks(deps: SagaDeps) {
  const task =
    (run: (deps: SagaDeps, input: TaskInput) => Promise<unknown>) =>
    (input: unknown): Promise<unknown> =>
      run(deps, parseInput(input));
  return {
    Reserve: task(reserve),
    Authorize: task(authorize),
    CreateOrder: task(createOrder),
    Capture: task(capture),
    Notify: task(notify),
    Refund: task(refund),
    Release: task(release),
    MarkFailed: task(markFailed),
    DeadLetter: task(deadLetter),
  } satisfies Record<SagaState, unknown>;
}

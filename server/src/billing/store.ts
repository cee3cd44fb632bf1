import { z } from 'zod';
import type { KeyPattern } from '../platform/keys.ts';
import {
  queryPartitions,
  readItem,
  spreadPartition,
  spreadPartitions,
  type Item,
  type Store,
  type WriteOperation,
} from '../platform/store.ts';
import {
  customerSchema,
  exhaustedActions,
  invoiceSchema,
  paymentMethodSchema,
  planSchema,
  subscriptionSchema,
  type Customer,
  type Invoice,
  type PaymentMethod,
  type Plan,
  type Subscription,
  testClockSchema,
  type TestClock,
} from './model.ts';

/**
 * Billing's stored layout, spelled here only. The busy lists are spread over index partitions so
 * that a clock advance over thousands of subscriptions never writes one partition thousands of
 * times: the due-work index (gsi1 of each subscription, by `<next action time>#<id>`), a
 * merchant's subscriptions and its invoices. The due index is the subscription item itself in
 * gsi1, so moving a subscription's next action costs no extra write.
 */
const dueSpread = 16;
const listSpread = 16;
const merchantSpread = 8;

export const billingKeys = {
  plan: (id: string) => ({ pk: `BIL#PLAN#${id}`, sk: 'PLAN' }),
  merchantPlans: (merchantId: string) => `BIL#MERPLANS#${merchantId}`,
  customer: (id: string) => ({ pk: `BIL#CUS#${id}`, sk: 'CUS' }),
  merchantCustomers: (merchantId: string) => `BIL#MERCUS#${merchantId}`,
  paymentMethod: (id: string) => ({ pk: `BIL#PM#${id}`, sk: 'PM' }),
  customerMethods: (customerId: string) => `BIL#CUSPMS#${customerId}`,
  subscription: (id: string) => ({ pk: `BIL#SUB#${id}`, sk: 'SUB' }),
  /** gsi1: a merchant's subscriptions with something due, by `<ISO time>#<id>`. */
  due: (merchantId: string) => `BIL#DUE#${merchantId}`,
  /** gsi2: a merchant's subscriptions, by id. */
  merchantSubscriptions: (merchantId: string) => `BIL#MERSUBS#${merchantId}`,
  /** gsi3: a customer's subscriptions, by id. */
  customerSubscriptions: (customerId: string) => `BIL#CUSSUBS#${customerId}`,
  invoice: (id: string) => ({ pk: `BIL#INV#${id}`, sk: 'INV' }),
  /** gsi1: a merchant's invoices, by id. */
  merchantInvoices: (merchantId: string) => `BIL#MERINVS#${merchantId}`,
  /** gsi2: a subscription's invoices, by id (so by creation). */
  subscriptionInvoices: (subscriptionId: string) => `BIL#SUBINVS#${subscriptionId}`,
  /** The merchants that bill, spread: what the scheduled run walks. */
  billingMerchants: 'BIL#MERS',
  settings: (merchantId: string) => ({ pk: `BIL#SETTINGS#${merchantId}`, sk: 'SETTINGS' }),
  /** Who runs the merchant's due billing right now (an advance-clock call or the schedule), until when. */
  runLease: (merchantId: string) => ({ pk: `BIL#RUNLEASE#${merchantId}`, sk: 'LEASE' }),
  /** The merchant's test clock: where its latest advance-clock stands. */
  clock: (merchantId: string) => ({ pk: `BIL#CLOCK#${merchantId}`, sk: 'CLOCK' }),
} as const;

export const billingKeyPatterns = [
  'BIL#PLAN#*',
  'BIL#MERPLANS#*',
  'BIL#CUS#*',
  'BIL#MERCUS#*',
  'BIL#PM#*',
  'BIL#CUSPMS#*',
  'BIL#SUB#*',
  'BIL#DUE#*',
  'BIL#DUE#*#*',
  'BIL#MERSUBS#*',
  'BIL#MERSUBS#*#*',
  'BIL#CUSSUBS#*',
  'BIL#INV#*',
  'BIL#MERINVS#*',
  'BIL#MERINVS#*#*',
  'BIL#SUBINVS#*',
  'BIL#MERS',
  'BIL#MERS#*',
  'BIL#SETTINGS#*',
  'BIL#RUNLEASE#*',
  'BIL#CLOCK#*',
] as const satisfies readonly KeyPattern[];

const owned = { merchant: z.string() };
const strip = <T extends Record<string, unknown>>(item: T) => {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _a,
    gsi1sk: _b,
    gsi2pk: _c,
    gsi2sk: _d,
    gsi3pk: _e,
    gsi3sk: _f,
    ...rest
  } = item;
  return rest;
};

// Plans

const planRecordSchema = planSchema.extend(owned);
export type PlanRecord = z.output<typeof planRecordSchema>;
export const readPlan = (store: Store, id: string) =>
  readItem(store, billingKeys.plan(id), (item) => planRecordSchema.parse(item));
export function planPut(plan: PlanRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...billingKeys.plan(plan.id),
      ...plan,
      gsi1pk: billingKeys.merchantPlans(plan.merchant),
      gsi1sk: plan.id,
    },
    condition: { attributeNotExists: 'pk' },
  };
}
export const toPlan = ({ merchant: _m, ...plan }: PlanRecord): Plan => planSchema.parse(strip(plan));

// Customers: credit per currency is a top-level number (`credit_USD`) so it moves atomically.

const customerRecordSchema = customerSchema.omit({ credit_balance: true }).extend(owned);
export type CustomerRecord = z.output<typeof customerRecordSchema> & {
  credit_balance: Record<string, number>;
};
function customerFromItem(item: Item): CustomerRecord {
  const credit: Record<string, number> = {};
  for (const [name, value] of Object.entries(item))
    if (name.startsWith('credit_') && typeof value === 'number' && value !== 0) credit[name.slice(7)] = value;
  return { ...customerRecordSchema.parse(item), credit_balance: credit };
}
export const readCustomer = (store: Store, id: string) =>
  readItem(store, billingKeys.customer(id), customerFromItem);
export function customerPut(customer: CustomerRecord): WriteOperation {
  const { credit_balance: _credit, ...rest } = customer;
  return {
    type: 'put',
    item: {
      ...billingKeys.customer(customer.id),
      ...rest,
      gsi1pk: billingKeys.merchantCustomers(customer.merchant),
      gsi1sk: customer.id,
    },
    condition: { attributeNotExists: 'pk' },
  };
}
/** Moves the customer's credit in `currency` by `delta`; a use of credit never takes it below zero. */
export function customerCreditAdd(customerId: string, currency: string, delta: number): WriteOperation {
  return {
    type: 'update',
    key: billingKeys.customer(customerId),
    add: { [`credit_${currency}`]: delta },
    condition:
      delta < 0
        ? { all: [{ attributeExists: 'pk' }, { compare: [`credit_${currency}`, '>=', -delta] }] }
        : { attributeExists: 'pk' },
  };
}
export const toCustomer = ({ merchant: _m, ...customer }: CustomerRecord): Customer =>
  customerSchema.parse(strip(customer));

// Payment methods: a card as its behaviour (never its number); an ACH account number sealed.

const paymentMethodRecordSchema = paymentMethodSchema.extend({
  ...owned,
  sealed_account: z.string().nullable(),
});
export type PaymentMethodRecord = z.output<typeof paymentMethodRecordSchema>;
export const readPaymentMethod = (store: Store, id: string) =>
  readItem(store, billingKeys.paymentMethod(id), (item) => paymentMethodRecordSchema.parse(item));
export function paymentMethodPut(method: PaymentMethodRecord, isNew: boolean): WriteOperation {
  return {
    type: 'put',
    item: {
      ...billingKeys.paymentMethod(method.id),
      ...method,
      gsi1pk: billingKeys.customerMethods(method.customer),
      gsi1sk: method.id,
    },
    condition: isNew ? { attributeNotExists: 'pk' } : { attributeExists: 'pk' },
  };
}
export async function customerPaymentMethods(
  store: Store,
  customerId: string,
): Promise<PaymentMethodRecord[]> {
  const page = await store.query({
    index: 'gsi1',
    partition: billingKeys.customerMethods(customerId),
    limit: 100,
  });
  return page.items.map((item) => paymentMethodRecordSchema.parse(item));
}
/** Every payment method the customer ever saved, a page at a time (for a migration's walk). */
export async function* everyCustomerPaymentMethod(
  store: Store,
  customerId: string,
): AsyncGenerator<PaymentMethodRecord> {
  let cursor: string | undefined;
  do {
    const page = await store.query({
      index: 'gsi1',
      partition: billingKeys.customerMethods(customerId),
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const item of page.items) yield paymentMethodRecordSchema.parse(item);
    cursor = page.cursor;
  } while (cursor);
}
export const toPaymentMethod = ({
  merchant: _m,
  sealed_account: _s,
  ...method
}: PaymentMethodRecord): PaymentMethod => paymentMethodSchema.parse(strip(method));

// Subscriptions

const dunningSchema = z.object({
  invoice: z.string(),
  first_failed_at: z.number(),
  retries_made: z.number().int(),
  /** When the next retry is due; null while a retry's charge waits for its outcome (a wallet payer, an ACH debit). */
  next_at: z.number().nullable(),
});
export type Dunning = z.output<typeof dunningSchema>;

const subscriptionRecordSchema = subscriptionSchema.extend({
  ...owned,
  /** Where periods are counted from (ms), and the index of the current period. */
  anchor: z.number(),
  period_index: z.number().int(),
  /** The next renewal (the current period's end) or retry, whichever is first (ms); null once ended. */
  next_due_at: z.number().nullable(),
  /** Set while a charge is in flight: its invoice, so no second runner charges it again. */
  charging: z.object({ invoice: z.string(), since: z.number() }).nullable(),
  /** Invoices of this subscription still being retried, oldest first. */
  dunning: z.array(dunningSchema),
  on_retries_exhausted: z.enum(exhaustedActions),
  version: z.number().int(),
});
export type SubscriptionRecord = z.output<typeof subscriptionRecordSchema>;

export const readSubscription = (store: Store, id: string) =>
  readItem(store, billingKeys.subscription(id), (item) => subscriptionRecordSchema.parse(item));

function dueSortKey(at: number, id: string): string {
  return `${new Date(at).toISOString()}#${id}`;
}

/**
 * The subscription's put: new (no item yet) or the next version of `previous`, so two changes
 * that read the same version cannot both commit.
 */
export function subscriptionPut(record: SubscriptionRecord, previousVersion: number | null): WriteOperation {
  return {
    type: 'put',
    item: {
      ...billingKeys.subscription(record.id),
      ...record,
      ...(record.next_due_at !== null
        ? {
            gsi1pk: spreadPartition(billingKeys.due(record.merchant), record.id, dueSpread),
            gsi1sk: dueSortKey(record.next_due_at, record.id),
          }
        : {}),
      gsi2pk: spreadPartition(billingKeys.merchantSubscriptions(record.merchant), record.id, listSpread),
      gsi2sk: record.id,
      gsi3pk: billingKeys.customerSubscriptions(record.customer),
      gsi3sk: record.id,
    },
    condition:
      previousVersion === null
        ? { attributeNotExists: 'pk' }
        : { compare: ['version', '=', previousVersion] },
  };
}

/** Ids of the merchant's subscriptions with an action due at or before `at`, soonest first. */
export async function dueSubscriptionIds(
  store: Store,
  merchantId: string,
  at: number,
  limit: number,
): Promise<string[]> {
  const { items } = await queryPartitions(store, {
    index: 'gsi1',
    partitions: spreadPartitions(billingKeys.due(merchantId), dueSpread).slice(1),
    sort: { op: '<=', value: `${new Date(at).toISOString()}#~` },
    limit,
  });
  return items.map((item) => item.id as string);
}

/** When the merchant's next subscription action is due (ms), or null when none is. */
export async function nextDueAt(store: Store, merchantId: string): Promise<number | null> {
  const { items } = await queryPartitions(store, {
    index: 'gsi1',
    partitions: spreadPartitions(billingKeys.due(merchantId), dueSpread).slice(1),
    limit: 1,
  });
  const first = items[0];
  return first ? Date.parse((first.gsi1sk as string).split('#')[0]!) : null;
}

export const toSubscription = (record: SubscriptionRecord): Subscription => {
  const {
    merchant: _m,
    anchor: _a,
    period_index: _p,
    next_due_at: _n,
    charging: _c,
    dunning: _d,
    version: _v,
    ...rest
  } = record;
  return subscriptionSchema.parse(strip(rest));
};

// Invoices

const invoiceRecordSchema = invoiceSchema.extend({ ...owned, version: z.number().int() });
export type InvoiceRecord = z.output<typeof invoiceRecordSchema>;
export const readInvoice = (store: Store, id: string) =>
  readItem(store, billingKeys.invoice(id), (item) => invoiceRecordSchema.parse(item));
export function invoicePut(invoice: InvoiceRecord, previousVersion: number | null): WriteOperation {
  return {
    type: 'put',
    item: {
      ...billingKeys.invoice(invoice.id),
      ...invoice,
      gsi1pk: spreadPartition(billingKeys.merchantInvoices(invoice.merchant), invoice.id, listSpread),
      gsi1sk: invoice.id,
      gsi2pk: billingKeys.subscriptionInvoices(invoice.subscription),
      gsi2sk: invoice.id,
    },
    condition:
      previousVersion === null
        ? { attributeNotExists: 'pk' }
        : { compare: ['version', '=', previousVersion] },
  };
}
export const toInvoice = ({ merchant: _m, version: _v, ...invoice }: InvoiceRecord): Invoice =>
  invoiceSchema.parse(strip(invoice));

export async function subscriptionInvoices(store: Store, subscriptionId: string): Promise<InvoiceRecord[]> {
  const records: InvoiceRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({
      index: 'gsi2',
      partition: billingKeys.subscriptionInvoices(subscriptionId),
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    records.push(...page.items.map((item) => invoiceRecordSchema.parse(item)));
    cursor = page.cursor;
  } while (cursor);
  return records;
}

// Lists, newest first

export interface RecordPage<T> {
  data: T[];
  next_cursor: string | undefined;
}
type PageRequest = { limit: number; cursor?: string };

/**
 * A page of a list kept in one or more index partitions sorted by id, newest first. The cursor is
 * the last id handed out: each partition is read below it and the pages merged, so a cursor stays
 * short however many partitions the list is spread over.
 */
async function pageOf<T>(
  store: Store,
  sources: Array<{ index: 'gsi1' | 'gsi2' | 'gsi3'; partition: string }>,
  page: PageRequest,
  map: (item: Item) => T,
): Promise<RecordPage<T>> {
  const { items, more } = await queryPartitions(store, {
    index: sources[0]!.index,
    partitions: sources.map((source) => source.partition),
    direction: 'desc',
    limit: page.limit,
    ...(page.cursor ? { sort: { op: '<', value: page.cursor } } : {}),
  });
  const last = items.at(-1);
  return {
    data: items.map(map),
    next_cursor: more && last ? (last[`${sources[0]!.index}sk`] as string) : undefined,
  };
}

export const merchantPlansPage = (store: Store, merchantId: string, page: PageRequest) =>
  pageOf(store, [{ index: 'gsi1', partition: billingKeys.merchantPlans(merchantId) }], page, (item) =>
    planRecordSchema.parse(item),
  );
export const merchantCustomersPage = (store: Store, merchantId: string, page: PageRequest) =>
  pageOf(
    store,
    [{ index: 'gsi1', partition: billingKeys.merchantCustomers(merchantId) }],
    page,
    customerFromItem,
  );
export const merchantSubscriptionsPage = (store: Store, merchantId: string, page: PageRequest) =>
  pageOf(
    store,
    spreadPartitions(billingKeys.merchantSubscriptions(merchantId), listSpread).map((partition) => ({
      index: 'gsi2' as const,
      partition,
    })),
    page,
    (item) => subscriptionRecordSchema.parse(item),
  );
export const customerSubscriptionsPage = (store: Store, customerId: string, page: PageRequest) =>
  pageOf(store, [{ index: 'gsi3', partition: billingKeys.customerSubscriptions(customerId) }], page, (item) =>
    subscriptionRecordSchema.parse(item),
  );
export const merchantInvoicesPage = (store: Store, merchantId: string, page: PageRequest) =>
  pageOf(
    store,
    spreadPartitions(billingKeys.merchantInvoices(merchantId), listSpread).map((partition) => ({
      index: 'gsi1' as const,
      partition,
    })),
    page,
    (item) => invoiceRecordSchema.parse(item),
  );

// The merchants that bill, and their settings

export function billingMerchantPut(merchantId: string): WriteOperation {
  return {
    type: 'put',
    item: { pk: spreadPartition(billingKeys.billingMerchants, merchantId, merchantSpread), sk: merchantId },
  };
}

/** Every merchant that has ever subscribed a customer. */
export async function* billingMerchants(store: Store): AsyncGenerator<string> {
  for (const partition of spreadPartitions(billingKeys.billingMerchants, merchantSpread).slice(1)) {
    let cursor: string | undefined;
    do {
      const page = await store.query({ partition, limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const item of page.items) yield item.sk;
      cursor = page.cursor;
    } while (cursor);
  }
}

const settingsSchema = z.object({ on_retries_exhausted: z.enum(exhaustedActions) });
export const readSettings = (store: Store, merchantId: string) =>
  readItem(store, billingKeys.settings(merchantId), (item) => settingsSchema.parse(item));
export function settingsPut(merchantId: string, settings: z.infer<typeof settingsSchema>): WriteOperation {
  return { type: 'put', item: { ...billingKeys.settings(merchantId), ...settings } };
}

// The run lease: one runner of a merchant's due billing at a time.

/** Takes the merchant's run lease until `until` (ms) unless someone else holds an unexpired one. */
export function runLeaseTake(merchantId: string, holder: string, now: number, until: number): WriteOperation {
  return {
    type: 'put',
    item: { ...billingKeys.runLease(merchantId), holder, until },
    condition: {
      any: [
        { attributeNotExists: 'pk' },
        { compare: ['until', '<', now] },
        { compare: ['holder', '=', holder] },
      ],
    },
  };
}
export function runLeaseRelease(merchantId: string, holder: string): WriteOperation {
  return {
    type: 'delete',
    key: billingKeys.runLease(merchantId),
    condition: { compare: ['holder', '=', holder] },
  };
}

// Test clocks

const clockRecordSchema = testClockSchema.extend({
  merchant: z.string(),
  /** Bumped on every write: a batch's progress commits only over the version it read. */
  version: z.number().int(),
  /** When (real ms) it was started or last progressed: an advance silent for long may be restarted. */
  progressed_at: z.number().int().default(0),
});
export type ClockRecord = z.output<typeof clockRecordSchema>;
export const readClock = (store: Store, merchantId: string) =>
  readItem(store, billingKeys.clock(merchantId), (item) => clockRecordSchema.parse(strip(item)));

/** Writes the clock over the version read (`clock.version - 1`; a first one once). */
export function clockPut(clock: ClockRecord): WriteOperation {
  return {
    type: 'put',
    item: { ...billingKeys.clock(clock.merchant), ...clock },
    condition:
      clock.version === 1 ? { attributeNotExists: 'pk' } : { compare: ['version', '=', clock.version - 1] },
  };
}
export function toClock(record: ClockRecord): TestClock {
  const { merchant: _merchant, version: _version, progressed_at: _progressed, ...clock } = record;
  return clock;
}

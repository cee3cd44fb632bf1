import { z } from 'zod';
import type { KeyPattern } from '../platform/keys.ts';
import {
  readItem,
  spreadPartition,
  type Condition,
  type Item,
  type Store,
  type WriteOperation,
} from '../platform/store.ts';
import { providers } from './connectors/connector.ts';
import {
  breakerStates,
  faultModes,
  intentSchema,
  routingSchema,
  type Intent,
  type Routing,
} from './model.ts';

/**
 * The hub's stored layout, spelled here only: connectors (with their sealed credentials), one
 * routing table per merchant, payment intents with their attempts, circuit breakers and injected
 * faults per connector (in the store, so every Lambda sees the same), and the references that
 * find an intent from a provider's id (webhooks) or an attempt's key (reconciliation).
 */
export const hubKeys = {
  connector: (id: string) => ({ pk: `HUB#CONN#${id}`, sk: 'CONN' }),
  /** gsi1 partition of a merchant's connectors, by id. */
  merchantConnectors: (merchantId: string) => `HUB#MERCONNS#${merchantId}`,
  /** One connector per provider per merchant: routing names providers. */
  connectorSlot: (merchantId: string, provider: string) => ({
    pk: `HUB#CONNPROV#${merchantId}`,
    sk: provider,
  }),
  routing: (merchantId: string) => ({ pk: `HUB#ROUTING#${merchantId}`, sk: 'ROUTING' }),
  intent: (id: string) => ({ pk: `HUB#PI#${id}`, sk: 'PI' }),
  /** gsi1 partition of a merchant's payment intents, by id (so by creation). */
  merchantIntents: (merchantId: string) => `HUB#MERPIS#${merchantId}`,
  /**
   * gsi2 partitions of the intents with an attempt in flight (a provider call started, its answer
   * not stored yet), spread over 8 by intent id, by `<started_at>#<intent id>`: what the recovery
   * job reads for attempts a crash cut off.
   */
  inflight: 'HUB#INFLIGHT',
  /**
   * gsi3 partitions of the intents with a timed-out attempt the provider could not be asked about
   * yet (`unreconciled`), spread over 8 by intent id, by `<oldest such attempt's start>#<intent id>`:
   * what the reconciliation job reads.
   */
  unreconciled: 'HUB#UNRECONCILED',
  /** What a sandbox_card call with this attempt key created (written in the payment's own transaction). */
  attemptRef: (key: string) => ({ pk: `HUB#REF#${key}`, sk: 'REF' }),
  /** The intent a provider's payment belongs to (webhooks name the provider's id). */
  providerRef: (provider: string, reference: string) => ({
    pk: `HUB#PROVREF#${provider}#${reference}`,
    sk: 'REF',
  }),
  breaker: (connectorId: string) => ({ pk: `HUB#BREAKER#${connectorId}`, sk: 'BREAKER' }),
  fault: (connectorId: string) => ({ pk: `HUB#FAULT#${connectorId}`, sk: 'FAULT' }),
  /** A wallet payment: the wallet connector's own record of a payer's approval and its hold. */
  walletPayment: (reference: string) => ({ pk: `HUB#WALLETPAY#${reference}`, sk: 'WALLETPAY' }),
  /** An ACH entry (a debit, or a refund's credit); its account number is sealed. */
  achEntry: (reference: string) => ({ pk: `HUB#ACHENTRY#${reference}`, sk: 'ACHENTRY' }),
  /** gsi1 partition of a merchant's ACH entries of one business day (its file), by trace number. */
  achDay: (merchantId: string, day: string) => `HUB#ACHDAY#${merchantId}#${day}`,
  /** gsi2 partition of every entry awaiting settlement (debits, payout credits), by `<settle_on>#<reference>`. */
  achPending: 'HUB#ACHPENDING',
  /** Finds an entry from the trace number a return file names. */
  achTrace: (merchantId: string, trace: string) => ({
    pk: `HUB#ACHTRACE#${merchantId}#${trace}`,
    sk: 'TRACE',
  }),
  /** The merchant's last trace sequence number. */
  achSequence: (merchantId: string) => ({ pk: `HUB#ACHSEQ#${merchantId}`, sk: 'SEQ' }),
} as const;

export const hubKeyPatterns = [
  'HUB#CONN#*',
  'HUB#MERCONNS#*',
  'HUB#CONNPROV#*',
  'HUB#ROUTING#*',
  'HUB#PI#*',
  'HUB#MERPIS#*',
  'HUB#INFLIGHT#*',
  'HUB#REF#*',
  'HUB#PROVREF#*#*',
  'HUB#BREAKER#*',
  'HUB#FAULT#*',
  'HUB#WALLETPAY#*',
  'HUB#ACHENTRY#*',
  'HUB#ACHDAY#*#*',
  'HUB#ACHPENDING',
  'HUB#ACHTRACE#*#*',
  'HUB#ACHSEQ#*',
] as const satisfies readonly KeyPattern[];

// Connectors

const connectorItemSchema = z.object({
  id: z.string(),
  merchant: z.string(),
  provider: z.enum(providers),
  name: z.string(),
  disabled: z.boolean(),
  /** AES-256-GCM sealed JSON of the credentials, or null. */
  sealed_credentials: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  /**
   * When its merchant deleted it. A deleted connector is no connector to anyone but the recovery
   * job, which may still have to undo an attempt made through it: it is kept, out of the
   * merchant's index, until `expires_at` (Unix seconds, the store's TTL). Absent while it lives.
   */
  deleted_at: z.string().optional(),
  expires_at: z.number().optional(),
});
export type ConnectorRecord = z.output<typeof connectorItemSchema>;

export const connectorFromItem = (item: Item): ConnectorRecord => connectorItemSchema.parse(item);

/** A connector, unless deleted (then undefined, as if gone): every reader but the recovery job's. */
export async function readConnector(store: Store, id: string): Promise<ConnectorRecord | undefined> {
  const record = await readItem(store, hubKeys.connector(id), connectorFromItem);
  return record?.deleted_at === undefined ? record : undefined;
}

/**
 * A connector, deleted or not, while it is kept (`expires_at` after `nowMs`): the recovery job's
 * read. The TTL deletes lazily (on DynamoDB up to days later), so the clock decides, not presence.
 */
export async function readKeptConnector(
  store: Store,
  id: string,
  nowMs: number,
): Promise<ConnectorRecord | undefined> {
  const record = await readItem(store, hubKeys.connector(id), connectorFromItem);
  return record?.expires_at === undefined || record.expires_at * 1000 > nowMs ? record : undefined;
}

/** A live connector: there, and not deleted. */
const isLiveConnector: Condition = {
  all: [{ attributeExists: 'pk' }, { attributeNotExists: 'deleted_at' }],
};

export function connectorPuts(connector: ConnectorRecord): WriteOperation[] {
  return [
    {
      type: 'put',
      item: {
        ...hubKeys.connector(connector.id),
        ...connector,
        gsi1pk: hubKeys.merchantConnectors(connector.merchant),
        gsi1sk: connector.id,
      },
      condition: { attributeNotExists: 'pk' },
    },
    {
      type: 'put',
      item: { ...hubKeys.connectorSlot(connector.merchant, connector.provider), connector: connector.id },
      condition: { attributeNotExists: 'pk' },
    },
  ];
}

export function connectorUpdate(connector: ConnectorRecord): WriteOperation {
  return {
    type: 'update',
    key: hubKeys.connector(connector.id),
    set: {
      name: connector.name,
      disabled: connector.disabled,
      sealed_credentials: connector.sealed_credentials,
      updated_at: connector.updated_at,
    },
    condition: isLiveConnector,
  };
}

/**
 * Deletes a connector for its merchant: its slot (the provider is free for a new connector), its
 * breaker and fault go; the connector itself leaves the merchant's index and is marked deleted,
 * with its TTL, `deleted` giving `deleted_at`, `expires_at` and the credentials as they are kept.
 */
export function connectorDeletes(
  connector: ConnectorRecord,
  deleted: Required<Pick<ConnectorRecord, 'deleted_at' | 'expires_at' | 'sealed_credentials'>>,
): WriteOperation[] {
  return [
    {
      type: 'update',
      key: hubKeys.connector(connector.id),
      set: deleted,
      remove: ['gsi1pk', 'gsi1sk'],
      condition: isLiveConnector,
    },
    { type: 'delete', key: hubKeys.connectorSlot(connector.merchant, connector.provider) },
    { type: 'delete', key: hubKeys.breaker(connector.id) },
    { type: 'delete', key: hubKeys.fault(connector.id) },
  ];
}

export async function merchantConnectors(store: Store, merchantId: string): Promise<ConnectorRecord[]> {
  const out: ConnectorRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({
      index: 'gsi1',
      partition: hubKeys.merchantConnectors(merchantId),
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items.map(connectorFromItem));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

// Routing

const routingItemSchema = z.object({ ...routingSchema.shape, updated_at: z.string() });
export type RoutingRecord = Routing & { updated_at: string };
export const readRouting = (store: Store, merchantId: string) =>
  readItem(store, hubKeys.routing(merchantId), (item) => routingItemSchema.parse(item));
export function routingPut(merchantId: string, routing: RoutingRecord): WriteOperation {
  return { type: 'put', item: { ...hubKeys.routing(merchantId), ...routing } };
}

// Payment intents

/** How many partitions the in-flight list is spread over. */
export const inflightPartitions = 8;

/** A provider call the hub made for an attempt: its key, where, and when it started. */
const attemptCallSchema = z.object({
  key: z.string(),
  connector: z.string(),
  provider: z.enum(providers),
  started_at: z.string(),
});
export type AttemptCall = z.output<typeof attemptCallSchema>;

const intentItemSchema = intentSchema.extend({
  /** The merchant's owner: the audience of the intent's events. */
  owner: z.string(),
  /**
   * The provider call under way, stored before it is made, so a crash that cuts it off leaves
   * its key: null once its answer is stored.
   */
  inflight: attemptCallSchema.nullable().default(null),
  /**
   * The timed-out calls whose outcome the provider could not tell yet (their attempts read
   * `unreconciled`), oldest first: the reconciliation job asks again until it can.
   */
  unreconciled: z.array(attemptCallSchema).default([]),
  /** Bumped on every write: updates condition on it. */
  version: z.number().int(),
});
export type IntentRecord = z.output<typeof intentItemSchema>;
export const intentFromItem = (item: Item): IntentRecord => intentItemSchema.parse(item);
export const readIntent = (store: Store, id: string) => readItem(store, hubKeys.intent(id), intentFromItem);

/** Writes the intent: a new one (version 1) once, later ones over the version read. */
export function intentPut(intent: IntentRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...hubKeys.intent(intent.id),
      ...intent,
      gsi1pk: hubKeys.merchantIntents(intent.merchant),
      gsi1sk: intent.id,
      ...(intent.inflight
        ? {
            gsi2pk: spreadPartition(hubKeys.inflight, intent.id, inflightPartitions),
            gsi2sk: `${intent.inflight.started_at}#${intent.id}`,
          }
        : {}),
      ...(intent.unreconciled[0]
        ? {
            gsi3pk: spreadPartition(hubKeys.unreconciled, intent.id, inflightPartitions),
            gsi3sk: `${intent.unreconciled[0].started_at}#${intent.id}`,
          }
        : {}),
    },
    condition:
      intent.version === 1 ? { attributeNotExists: 'pk' } : { compare: ['version', '=', intent.version - 1] },
  };
}

export async function merchantIntentsPage(
  store: Store,
  merchantId: string,
  page: { limit: number; cursor?: string },
): Promise<{ data: IntentRecord[]; next_cursor: string | undefined }> {
  const result = await store.query({
    index: 'gsi1',
    partition: hubKeys.merchantIntents(merchantId),
    direction: 'desc',
    limit: page.limit,
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
  return { data: result.items.map(intentFromItem), next_cursor: result.cursor };
}

export function toIntent(record: IntentRecord): Intent {
  const {
    owner: _owner,
    version: _version,
    inflight: _inflight,
    unreconciled: _unreconciled,
    ...intent
  } = record;
  return intent;
}

// References

export const readAttemptRef = (store: Store, key: string) =>
  readItem(
    store,
    hubKeys.attemptRef(key),
    (item) => z.object({ reference: z.string() }).parse(item).reference,
  );
export function attemptRefPut(key: string, reference: string): WriteOperation {
  return { type: 'put', item: { ...hubKeys.attemptRef(key), reference } };
}
/**
 * `attemptRefPut` for a key not used yet: of two calls racing with the same key, the second's
 * whole transaction is refused, so what it would have made is not made twice.
 */
export function attemptRefCreate(key: string, reference: string): WriteOperation {
  return { ...attemptRefPut(key, reference), condition: { attributeNotExists: 'pk' } };
}

const providerRefSchema = z.object({ intent: z.string(), merchant: z.string() });
export const readProviderRef = (store: Store, provider: string, reference: string) =>
  readItem(store, hubKeys.providerRef(provider, reference), (item) => providerRefSchema.parse(item));
export function providerRefPut(
  provider: string,
  reference: string,
  intent: string,
  merchant: string,
): WriteOperation {
  return { type: 'put', item: { ...hubKeys.providerRef(provider, reference), intent, merchant } };
}

// Circuit breakers

const breakerItemSchema = z.object({
  state: z.enum(breakerStates).default('closed'),
  /** Epoch ms the breaker opened; 0 while closed. */
  opened_at: z.number().int().default(0),
  /** Epoch ms the current half-open probe started. */
  probe_started_at: z.number().int().default(0),
});
export type BreakerRecord = z.output<typeof breakerItemSchema>;
export async function readBreaker(store: Store, connectorId: string): Promise<BreakerRecord> {
  return (
    (await readItem(store, hubKeys.breaker(connectorId), (item) => breakerItemSchema.parse(item))) ??
    breakerItemSchema.parse({})
  );
}

/** A window bucket of the breaker: calls and failures in one slice of time, beside its state. */
const bucketKey = (connectorId: string, bucket: number) => ({
  pk: hubKeys.breaker(connectorId).pk,
  sk: `W#${bucket}`,
});
const bucketSchema = z.object({ calls: z.number().int().default(0), failures: z.number().int().default(0) });
export async function readBreakerBuckets(
  store: Store,
  connectorId: string,
  buckets: readonly number[],
): Promise<{ calls: number; failures: number }> {
  const counts = await Promise.all(
    buckets.map((bucket) =>
      readItem(store, bucketKey(connectorId, bucket), (item) => bucketSchema.parse(item)),
    ),
  );
  return counts.reduce<{ calls: number; failures: number }>(
    (sum, count) => ({
      calls: sum.calls + (count?.calls ?? 0),
      failures: sum.failures + (count?.failures ?? 0),
    }),
    { calls: 0, failures: 0 },
  );
}

/**
 * The breaker's moves, each conditional on the state it starts from, so concurrent callers (many
 * Lambdas) agree: one opens it, one takes the half-open probe, one closes or reopens it.
 */
export const breakerWrites = {
  /** Counts a call (and whether it failed) in its window bucket, atomically; the bucket expires. */
  count: (
    connectorId: string,
    bucket: number,
    failed: boolean,
    expiresAtSeconds: number,
  ): WriteOperation => ({
    type: 'update',
    key: bucketKey(connectorId, bucket),
    add: { calls: 1, failures: failed ? 1 : 0 },
    set: { expires_at: expiresAtSeconds },
  }),
  open: (connectorId: string, now: number): WriteOperation => ({
    type: 'update',
    key: hubKeys.breaker(connectorId),
    set: { state: 'open', opened_at: now },
    condition: { any: [{ attributeNotExists: 'state' }, { compare: ['state', '=', 'closed'] }] },
  }),
  /** Takes the one probe of a breaker as read (open past its cool-down, or a stale probe). */
  takeProbe: (connectorId: string, read: BreakerRecord, now: number): WriteOperation => ({
    type: 'update',
    key: hubKeys.breaker(connectorId),
    set: { state: 'half_open', probe_started_at: now },
    condition: {
      all: [
        { compare: ['state', '=', read.state] },
        read.state === 'open'
          ? { compare: ['opened_at', '=', read.opened_at] }
          : { compare: ['probe_started_at', '=', read.probe_started_at] },
      ],
    },
  }),
  /** Closes after a good probe, and forgets the window's counts so it starts afresh. */
  close: (connectorId: string, buckets: readonly number[]): WriteOperation[] => [
    {
      type: 'update',
      key: hubKeys.breaker(connectorId),
      set: { state: 'closed', opened_at: 0 },
      condition: { compare: ['state', '=', 'half_open'] },
    },
    ...buckets.map((bucket): WriteOperation => ({ type: 'delete', key: bucketKey(connectorId, bucket) })),
  ],
  reopen: (connectorId: string, now: number): WriteOperation => ({
    type: 'update',
    key: hubKeys.breaker(connectorId),
    set: { state: 'open', opened_at: now },
    condition: { compare: ['state', '=', 'half_open'] },
  }),
};

// Faults

const faultItemSchema = z.object({
  mode: z.enum(faultModes),
  rate: z.number(),
  /** Calls left to fail; null: until cleared. */
  remaining: z.number().int().nullable(),
});
export type FaultRecord = z.output<typeof faultItemSchema>;
export const readFault = (store: Store, connectorId: string) =>
  readItem(store, hubKeys.fault(connectorId), (item) => faultItemSchema.parse(item));
export function faultPut(connectorId: string, fault: FaultRecord): WriteOperation {
  return { type: 'put', item: { ...hubKeys.fault(connectorId), ...fault } };
}
export function faultDelete(connectorId: string): WriteOperation {
  return { type: 'delete', key: hubKeys.fault(connectorId) };
}
/** Takes one of a counted fault's calls; fails (canceled) when none is left. */
export function faultTake(connectorId: string): WriteOperation {
  return {
    type: 'update',
    key: hubKeys.fault(connectorId),
    add: { remaining: -1 },
    condition: { compare: ['remaining', '>', 0] },
  };
}

// Wallet payments

const walletPaymentItemSchema = z.object({
  /** The ledger id of the payer's hold (or charge), reserved when the payment is asked for. */
  reference: z.string(),
  merchant: z.string(),
  payer: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  capture: z.boolean(),
  status: z.enum(['pending', 'authorized', 'captured', 'voided', 'declined']),
  decline_code: z.string().nullable(),
  amount_captured: z.number().int(),
  amount_refunded: z.number().int(),
  created_at: z.string(),
});
export type WalletPaymentRecord = z.output<typeof walletPaymentItemSchema>;
export const readWalletPayment = (store: Store, reference: string) =>
  readItem(store, hubKeys.walletPayment(reference), (item) => walletPaymentItemSchema.parse(item));
export function walletPaymentPut(record: WalletPaymentRecord): WriteOperation {
  return {
    type: 'put',
    item: { ...hubKeys.walletPayment(record.reference), ...record },
    condition: { attributeNotExists: 'pk' },
  };
}
/** Moves a wallet payment on from the status read; loses (canceled) to a concurrent move. */
export function walletPaymentMove(
  read: WalletPaymentRecord,
  set: Partial<Pick<WalletPaymentRecord, 'status' | 'decline_code' | 'amount_captured'>>,
): WriteOperation {
  return {
    type: 'update',
    key: hubKeys.walletPayment(read.reference),
    set,
    condition: { compare: ['status', '=', read.status] },
  };
}
/** Counts a refund, never past what was captured. */
export function walletPaymentRefund(read: WalletPaymentRecord, amount: number): WriteOperation {
  return {
    type: 'update',
    key: hubKeys.walletPayment(read.reference),
    add: { amount_refunded: amount },
    condition: { compare: ['amount_refunded', '<=', read.amount_captured - amount] },
  };
}

// ACH entries

const achEntryItemSchema = z.object({
  reference: z.string(),
  merchant: z.string(),
  kind: z.enum(['debit', 'credit']),
  /** For a credit (a refund): the debit it pays back. */
  debit: z.string().nullable(),
  amount: z.number().int(),
  routing_number: z.string(),
  sealed_account: z.string(),
  account_last4: z.string(),
  account_type: z.enum(['checking', 'savings']),
  account_holder_name: z.string(),
  trace_number: z.string(),
  /** The business day whose file carries it, and (debits) the day it settles. */
  day: z.string(),
  settle_on: z.string(),
  /** `canceled`: a debit taken back the day it was made, before its file went out (never sent). */
  status: z.enum(['pending', 'settled', 'returned', 'canceled']),
  return_code: z.string().nullable(),
  amount_refunded: z.number().int(),
  created_at: z.string(),
  /** The batch it goes in: PPD (a person's account), CCD (a business's: merchant payouts). */
  standard_entry_class: z.enum(['PPD', 'CCD']).default('PPD'),
  /**
   * For a credit paid out of a balance (a merchant payout): what paid it and the ledger account
   * it came from, which a return credits back. Null for debits and refund credits.
   */
  origin: z.object({ kind: z.string(), id: z.string(), account: z.string() }).nullable().default(null),
});
export type AchEntryRecord = z.output<typeof achEntryItemSchema>;
export const achEntryFromItem = (item: Item): AchEntryRecord => achEntryItemSchema.parse(item);
export const readAchEntry = (store: Store, reference: string) =>
  readItem(store, hubKeys.achEntry(reference), achEntryFromItem);

/** A new entry, with its trace lookup; a pending entry (debit or payout credit) sits in the settlement index. */
export function achEntryPuts(entry: AchEntryRecord): WriteOperation[] {
  return [
    {
      type: 'put',
      item: {
        ...hubKeys.achEntry(entry.reference),
        ...entry,
        gsi1pk: hubKeys.achDay(entry.merchant, entry.day),
        gsi1sk: entry.trace_number,
        ...(entry.status === 'pending'
          ? { gsi2pk: hubKeys.achPending, gsi2sk: `${entry.settle_on}#${entry.reference}` }
          : {}),
      },
      condition: { attributeNotExists: 'pk' },
    },
    {
      type: 'put',
      item: { ...hubKeys.achTrace(entry.merchant, entry.trace_number), reference: entry.reference },
    },
  ];
}

/** Moves an entry on from the status read (settled, returned); it leaves the settlement index. */
export function achEntryMove(
  read: AchEntryRecord,
  set: Partial<Pick<AchEntryRecord, 'status' | 'return_code'>>,
): WriteOperation {
  return {
    type: 'update',
    key: hubKeys.achEntry(read.reference),
    set,
    remove: ['gsi2pk', 'gsi2sk'],
    condition: { compare: ['status', '=', read.status] },
  };
}

export function achEntryRefund(read: AchEntryRecord, amount: number): WriteOperation {
  return {
    type: 'update',
    key: hubKeys.achEntry(read.reference),
    add: { amount_refunded: amount },
    condition: {
      all: [
        { compare: ['status', '=', 'settled'] },
        { compare: ['amount_refunded', '<=', read.amount - amount] },
      ],
    },
  };
}

export const readAchTrace = (store: Store, merchantId: string, trace: string) =>
  readItem(
    store,
    hubKeys.achTrace(merchantId, trace),
    (item) => z.object({ reference: z.string() }).parse(item).reference,
  );

export async function achDayEntries(
  store: Store,
  merchantId: string,
  day: string,
): Promise<AchEntryRecord[]> {
  const out: AchEntryRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({
      index: 'gsi1',
      partition: hubKeys.achDay(merchantId, day),
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items.map(achEntryFromItem));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** Pending debits due to settle on or before `day`, oldest first (a page). */
export async function achDueEntries(store: Store, day: string, cursor?: string) {
  const page = await store.query({
    index: 'gsi2',
    partition: hubKeys.achPending,
    sort: { op: '<', value: `${day}#~` },
    limit: 100,
    ...(cursor ? { cursor } : {}),
  });
  return { entries: page.items.map(achEntryFromItem), cursor: page.cursor };
}

/** Takes the merchant's next trace sequence number (optimistic: retried by the caller on a clash). */
export async function readAchSequence(store: Store, merchantId: string): Promise<number> {
  const item = await store.get(hubKeys.achSequence(merchantId));
  return typeof item?.seq === 'number' ? item.seq : 0;
}
export function achSequencePut(merchantId: string, read: number): WriteOperation {
  return {
    type: 'put',
    item: { ...hubKeys.achSequence(merchantId), seq: read + 1 },
    condition: read === 0 ? { attributeNotExists: 'pk' } : { compare: ['seq', '=', read] },
  };
}

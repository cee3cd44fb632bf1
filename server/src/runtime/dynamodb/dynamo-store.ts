import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type ConsumedCapacity,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../kernel/errors.ts';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  maxQueryLimit,
  StoreValidationError,
  TransactionCanceledError,
  validateKey,
  validateQuery,
  validateTransaction,
  type CancellationReason,
  type Condition,
  type Item,
  type ItemKey,
  type Query,
  type QueryPage,
  type Store,
  type WriteOperation,
} from '../../platform/store.ts';
import { dynamoKeySchemaDefinition, tableSchema } from '../../platform/table-schema.ts';

export interface DynamoStoreOptions {
  /** Either client works: the store sends only low-level commands and marshals items itself. */
  client: DynamoDBClient | DynamoDBDocumentClient;
  tableName: string;
  /**
   * How often a transaction refused for a `TransactionConflict` or for throttling is retried
   * (default 8; at most ~3.5 s of waiting in all). Never one refused for a failed condition.
   */
  conflictRetries?: number;
}

/** Full-jitter exponential backoff between retries: random in [0, min(cap, base·2^n)). */
const backoffBaseMs = 25;
const backoffCapMs = 1_000;

/**
 * How long to wait before retry number `attempt` (0 for the first): "full jitter", a uniform
 * random delay up to an exponentially growing cap, which spreads out writers that collided on
 * one item better than a fixed or equal-jitter backoff.
 *
 * @example
 * await sleep(backoffDelayMs(attempt)); // attempt 0: < 25 ms, 1: < 50 ms, … never above 1 s
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  return random() * Math.min(backoffCapMs, backoffBaseMs * 2 ** attempt);
}

/** Errors DynamoDB (after the SDK's own retries) raises when a table or index is over its throughput. */
const throttlingErrorNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/**
 * The Store port on DynamoDB, one table laid out by `tableSchema`.
 *
 * - `get` and table queries are strongly consistent; index queries are eventually consistent,
 *   as DynamoDB global secondary indexes are.
 * - `transact` is one TransactWriteItems call. Conditions and updates become expressions with
 *   placeholders for every name and value, so any attribute name is safe.
 * - Items are marshalled here rather than through the document client's translation, whose
 *   options belong to whoever configured the client (a `wrapNumbers` there must not change what
 *   this store returns).
 *
 * @example
 * const store = new DynamoStore({ client: new DynamoDBClient({}), tableName: 'sluice' });
 * await store.transact([{ type: 'put', item: { pk: 'A', sk: 'A' }, condition: { attributeNotExists: 'pk' } }]);
 */
export class DynamoStore implements Store {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #conflictRetries: number;
  #writeUnits = 0;

  constructor(options: DynamoStoreOptions) {
    // A document client is a client over the same configuration; low-level commands pass through it.
    this.#client = options.client as DynamoDBClient;
    this.#tableName = options.tableName;
    this.#conflictRetries = options.conflictRetries ?? 8;
  }

  /**
   * The write capacity units this store's committed writes consumed, indexes included, as DynamoDB
   * reported them (`ReturnConsumedCapacity`): what on-demand billing charges for. Refused writes
   * are not counted (DynamoDB reports no capacity with an error).
   */
  get consumedWriteUnits(): number {
    return this.#writeUnits;
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    validateKey(key);
    const output = await this.#client.send(
      new GetItemCommand({ TableName: this.#tableName, Key: toKey(key), ConsistentRead: true }),
    );
    return output.Item ? fromAttributeMap(output.Item) : undefined;
  }

  async query(query: Query): Promise<QueryPage> {
    validateQuery(query);
    const index = query.index ? tableSchema.indexes.find((i) => i.name === query.index) : undefined;
    if (query.index && !index) throw new Error(`unknown index ${query.index}`);
    const pkName = index ? index.partitionKey : tableSchema.partitionKey;
    const skName = index ? index.sortKey : tableSchema.sortKey;
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? maxQueryLimit)), maxQueryLimit);

    const expression = new ExpressionBuilder();
    const parts = [`${expression.name(pkName)} = ${expression.value(query.partition)}`];
    const sort = query.sort;
    if (sort) {
      const name = expression.name(skName);
      if (sort.op === 'begins_with') parts.push(`begins_with(${name}, ${expression.value(sort.value)})`);
      else if (sort.op === 'between')
        parts.push(`${name} BETWEEN ${expression.value(sort.low)} AND ${expression.value(sort.high)}`);
      else parts.push(`${name} ${sort.op} ${expression.value(sort.value)}`);
    }

    // Read one item past the page, so a cursor is handed out only when more items follow (as
    // the SQLite store does), and keep reading when DynamoDB stops short at its 1 MB page size.
    const items: Item[] = [];
    let startKey = query.cursor
      ? toAttributeMap(
          decodeCursor(
            query.cursor,
            [tableSchema.partitionKey, tableSchema.sortKey, pkName, skName],
            pkName,
            query.partition,
          ),
        )
      : undefined;
    do {
      let output;
      try {
        output = await this.#client.send(
          new QueryCommand({
            TableName: this.#tableName,
            IndexName: index?.name,
            KeyConditionExpression: parts.join(' AND '),
            ...expression.attributes(),
            ScanIndexForward: query.direction !== 'desc',
            Limit: limit + 1 - items.length,
            ExclusiveStartKey: startKey,
            ConsistentRead: index ? undefined : true,
          }),
        );
      } catch (error) {
        // A well-formed cursor can still be refused, e.g. a key outside the sort-key condition.
        if (query.cursor && isValidationException(error)) throw new InvalidCursorError(errorMessage(error));
        throw error;
      }
      items.push(...(output.Items ?? []).map(fromAttributeMap));
      startKey = output.LastEvaluatedKey;
    } while (items.length <= limit && startKey);

    if (items.length <= limit) return { items };
    const page = items.slice(0, limit);
    const last = page.at(-1)!;
    // The same shape as LastEvaluatedKey: the table key, plus the index key for an index.
    const cursor: Record<string, unknown> = { pk: last.pk, sk: last.sk };
    if (index) Object.assign(cursor, { [pkName]: last[pkName], [skName]: last[skName] });
    return { items: page, cursor: encodeCursor(cursor) };
  }

  async transact(operations: WriteOperation[]): Promise<void> {
    validateTransaction(operations);
    const send = this.#sendOf(operations);
    for (let attempt = 0; ; attempt++) {
      try {
        const { ConsumedCapacity: consumed } = (await send()) as {
          ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
        };
        for (const entry of [consumed ?? []].flat()) this.#writeUnits += entry.CapacityUnits ?? 0;
        return;
      } catch (error) {
        const outcome = classifyTransactionError(error);
        if (outcome.kind === 'canceled') throw new TransactionCanceledError(outcome.reasons);
        if (outcome.kind === 'invalid') throw new StoreValidationError(outcome.message);
        if (outcome.kind === 'retryable' && attempt < this.#conflictRetries) {
          await sleep(backoffDelayMs(attempt));
          continue;
        }
        if (outcome.kind === 'retryable') {
          throw new AppError(
            'service_unavailable',
            `the store is busy: transaction still refused after ${attempt + 1} attempts`,
            { cause: error },
          );
        }
        throw error;
      }
    }
  }

  /** The client belongs to the caller, who may share it; closing the store leaves it open. */
  async close(): Promise<void> {}

  /**
   * The request for a transaction. One write (a rate-limit count, a queue receipt, a mark) goes as
   * that write alone — PutItem, UpdateItem or DeleteItem with the same condition: as atomic, half
   * the write units of a one-item TransactWriteItems, and concurrent single writes to one item
   * queue behind each other instead of cancelling each other. Its failures read as a
   * transaction's (`classifyTransactionError`).
   */
  #sendOf(operations: WriteOperation[]): () => Promise<unknown> {
    const [only] = operations;
    if (operations.length === 1 && only && only.type !== 'check') {
      const { Put, Update, Delete } = this.#toTransactItem(only);
      const capacity = { ReturnConsumedCapacity: 'TOTAL' as const };
      if (Put) return () => this.#client.send(new PutItemCommand({ ...Put, ...capacity }));
      if (Update) return () => this.#client.send(new UpdateItemCommand({ ...Update, ...capacity }));
      if (Delete) return () => this.#client.send(new DeleteItemCommand({ ...Delete, ...capacity }));
    }
    const request = new TransactWriteItemsCommand({
      TransactItems: operations.map((operation) => this.#toTransactItem(operation)),
      ReturnConsumedCapacity: 'TOTAL',
    });
    return () => this.#client.send(request);
  }

  #toTransactItem(operation: WriteOperation): TransactWriteItem {
    const expression = new ExpressionBuilder();
    const conditionExpression = operation.condition ? expression.condition(operation.condition) : undefined;
    const common = {
      TableName: this.#tableName,
      ConditionExpression: conditionExpression,
      // The item as it was comes back in the cancellation reason, for TransactionCanceledError.
      ReturnValuesOnConditionCheckFailure: conditionExpression ? ('ALL_OLD' as const) : undefined,
    };
    switch (operation.type) {
      case 'put':
        return { Put: { ...common, Item: toAttributeMap(operation.item), ...expression.attributes() } };
      case 'delete':
        return { Delete: { ...common, Key: toKey(operation.key), ...expression.attributes() } };
      case 'check':
        return {
          ConditionCheck: {
            ...common,
            ConditionExpression: conditionExpression!,
            Key: toKey(operation.key),
            ...expression.attributes(),
          },
        };
      case 'update': {
        const setClauses: string[] = [];
        const removeClauses: string[] = [];
        for (const [name, value] of Object.entries(operation.set ?? {})) {
          // As in the SQLite store: setting undefined removes the attribute.
          if (value === undefined) removeClauses.push(expression.name(name));
          else setClauses.push(`${expression.name(name)} = ${expression.value(value)}`);
        }
        const addClauses = Object.entries(operation.add ?? {}).map(
          ([name, delta]) => `${expression.name(name)} ${expression.value(delta)}`,
        );
        removeClauses.push(...(operation.remove ?? []).map((name) => expression.name(name)));
        const updateExpression = [
          setClauses.length > 0 ? `SET ${setClauses.join(', ')}` : '',
          addClauses.length > 0 ? `ADD ${addClauses.join(', ')}` : '',
          removeClauses.length > 0 ? `REMOVE ${removeClauses.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' ');
        return {
          Update: {
            ...common,
            Key: toKey(operation.key),
            UpdateExpression: updateExpression,
            ...expression.attributes(),
          },
        };
      }
    }
  }
}

/**
 * Creates the table (keys and indexes from `tableSchema`, a NEW_AND_OLD_IMAGES stream and TTL)
 * unless it exists, and resolves once it and its indexes are ACTIVE. For tests and local tools;
 * deployed tables come from the CDK app, which reads the same schema.
 *
 * @example
 * await createTableIfMissing(client, 'sluice-test-1234');
 */
export async function createTableIfMissing(
  client: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const dynamo = client as DynamoDBClient;
  let created = false;
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        ...dynamoKeySchemaDefinition(),
        StreamSpecification: { StreamEnabled: true, StreamViewType: tableSchema.stream },
      }),
    );
    created = true;
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const { Table: table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (table?.TableStatus === 'ACTIVE' && indexesActive) break;
    if (Date.now() > deadline)
      throw new Error(`table ${tableName} is not ACTIVE (status ${table?.TableStatus})`);
    await sleep(250);
  }
  if (created) {
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: tableSchema.ttlAttribute, Enabled: true },
      }),
    );
  }
}

/** Hands out placeholders (`#n0`, `:v0` …) for one expression set, reusing a name's placeholder. */
class ExpressionBuilder {
  readonly #names = new Map<string, string>();
  readonly #values: Record<string, AttributeValue> = {};
  #valueCount = 0;

  name(attribute: string): string {
    let placeholder = this.#names.get(attribute);
    if (!placeholder) {
      placeholder = `#n${this.#names.size}`;
      this.#names.set(attribute, placeholder);
    }
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.#valueCount++}`;
    this.#values[placeholder] = toAttributeValue(value)!;
    return placeholder;
  }

  condition(condition: Condition): string {
    if ('all' in condition) {
      // DynamoDB has no literal true or false; these are tautologies on the key attribute.
      if (condition.all.length === 0) return this.#always(true);
      return `(${condition.all.map((c) => this.condition(c)).join(' AND ')})`;
    }
    if ('any' in condition) {
      if (condition.any.length === 0) return this.#always(false);
      return `(${condition.any.map((c) => this.condition(c)).join(' OR ')})`;
    }
    if ('attributeExists' in condition) return `attribute_exists(${this.name(condition.attributeExists)})`;
    if ('attributeNotExists' in condition)
      return `attribute_not_exists(${this.name(condition.attributeNotExists)})`;
    const [attribute, op, value] = condition.compare;
    const name = this.name(attribute);
    // DynamoDB finds `a <> v` true when `a` is missing; the port says every comparison with a
    // missing attribute is false (see evaluateCondition), so require the attribute.
    if (op === '<>') return `(attribute_exists(${name}) AND ${name} <> ${this.value(value)})`;
    return `${name} ${op} ${this.value(value)}`;
  }

  #always(result: boolean): string {
    const pk = this.name(tableSchema.partitionKey);
    return result
      ? `(attribute_exists(${pk}) OR attribute_not_exists(${pk}))`
      : `(attribute_exists(${pk}) AND attribute_not_exists(${pk}))`;
  }

  /** ExpressionAttributeNames/Values, left out when empty (DynamoDB refuses empty maps). */
  attributes(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  } {
    const names = Object.fromEntries(
      [...this.#names].map(([attribute, placeholder]) => [placeholder, attribute]),
    );
    return {
      ...(this.#names.size > 0 ? { ExpressionAttributeNames: names } : {}),
      ...(this.#valueCount > 0 ? { ExpressionAttributeValues: this.#values } : {}),
    };
  }
}

type TransactionOutcome =
  | { kind: 'canceled'; reasons: CancellationReason[] }
  | { kind: 'retryable' }
  | { kind: 'invalid'; message: string }
  | { kind: 'other' };

/**
 * Whether `transact` retries after this TransactWriteItems failure: a cancellation for
 * `TransactionConflict` (another transaction or write on one of its items) or `ThrottlingError`,
 * or a throttling error of the whole request, and never when any `ConditionalCheckFailed` is
 * among the reasons.
 *
 * @example
 * isRetryableTransactionError(canceled('TransactionConflict', 'None'));       // true
 * isRetryableTransactionError(canceled('ConditionalCheckFailed', 'TransactionConflict')); // false
 */
export function isRetryableTransactionError(error: unknown): boolean {
  return classifyTransactionError(error).kind === 'retryable';
}

/**
 * Reads a TransactWriteItems failure. A failed condition always wins over a conflict: retrying
 * it would re-run a decision the caller must see.
 */
function classifyTransactionError(error: unknown): TransactionOutcome {
  if (isValidationException(error)) return { kind: 'invalid', message: errorMessage(error) };
  const name = (error as Error | undefined)?.name;
  if (name !== undefined && throttlingErrorNames.has(name)) return { kind: 'retryable' };
  // A single write: its condition failed (with the item as it was), or a transaction holds the item.
  if (name === 'ConditionalCheckFailedException') {
    const old = (error as { Item?: Record<string, AttributeValue> }).Item;
    return {
      kind: 'canceled',
      reasons: [{ index: 0, code: 'ConditionalCheckFailed', item: old ? fromAttributeMap(old) : undefined }],
    };
  }
  if (name === 'TransactionConflictException') return { kind: 'retryable' };
  if (name !== 'TransactionCanceledException') return { kind: 'other' };
  const dynamoReasons =
    (
      error as {
        CancellationReasons?: Array<{
          Code?: string;
          Message?: string;
          Item?: Record<string, AttributeValue>;
        }>;
      }
    ).CancellationReasons ?? [];
  const reasons = dynamoReasons.flatMap((reason, index): CancellationReason[] =>
    reason.Code === 'ConditionalCheckFailed'
      ? [
          {
            index,
            code: 'ConditionalCheckFailed',
            item: reason.Item ? fromAttributeMap(reason.Item) : undefined,
          },
        ]
      : [],
  );
  if (reasons.length > 0) return { kind: 'canceled', reasons };
  const invalid = dynamoReasons.find((reason) => reason.Code === 'ValidationError');
  if (invalid) return { kind: 'invalid', message: invalid.Message ?? 'invalid request' };
  if (
    dynamoReasons.some((reason) => reason.Code === 'TransactionConflict' || reason.Code === 'ThrottlingError')
  )
    return { kind: 'retryable' };
  return { kind: 'other' };
}

function isValidationException(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ValidationException';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toKey(key: ItemKey): Record<string, AttributeValue> {
  return { [tableSchema.partitionKey]: { S: key.pk }, [tableSchema.sortKey]: { S: key.sk } };
}

// validateTransaction admits only JSON-shaped values, so these few types are all there is to map.
// Undefined attributes and object members are left out (what removeUndefinedValues does).

function toAttributeMap(record: Record<string, unknown>): Record<string, AttributeValue> {
  const map: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(record)) {
    const attribute = toAttributeValue(value);
    if (attribute) map[name] = attribute;
  }
  return map;
}

function toAttributeValue(value: unknown): AttributeValue | undefined {
  if (value === undefined) return undefined;
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map((element) => toAttributeValue(element) ?? { NULL: true }) };
  if (typeof value === 'object') return { M: toAttributeMap(value as Record<string, unknown>) };
  throw new StoreValidationError(`cannot store a value of type ${typeof value}`);
}

function fromAttributeMap(map: Record<string, AttributeValue>): Item {
  return Object.fromEntries(
    Object.entries(map).map(([name, value]) => [name, fromAttributeValue(value)]),
  ) as Item;
}

/** Sets and binaries are never written by this store, but items written by other tools may hold them. */
function fromAttributeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.M !== undefined) return fromAttributeMap(value.M);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return value.B;
  if (value.BS !== undefined) return [...value.BS];
  throw new Error(`unsupported DynamoDB attribute value ${JSON.stringify(value)}`);
}

/**
 * Dollars per million operations on AWS on-demand prices, by product, from the write counts `npm
 * run bench:writes` measured (`infra/cost/measured-writes.json`, which that bench rewrites): the
 * DynamoDB write units each operation costs (transactional items at 2 per KB, index entries at 1),
 * plus its requests through the front door (CloudFront, WAF, API Gateway), the Lambda invocations
 * it causes (the HTTP function per request, the stream dispatcher per batch of its writes, a
 * bus consumer per event and matching subscription) and the events it publishes.
 */
import { readFileSync } from 'node:fs';
import { prices as listPrices, type Prices } from './prices.ts';

/** What one operation costs in billed units, as measured (writes) and assumed (the rest). */
export interface MeasuredOperation {
  name: string;
  /** HTTP requests one operation takes (a payment cycle: authorize and capture). */
  requests: number;
  transactions: number;
  items: number;
  writeUnits: number;
  /** Events the operation publishes (EventBridge). */
  events: number;
}

export interface OperationCost {
  name: string;
  /** The product (module) the operation belongs to. */
  product: string;
  /** Lambda invocations one operation causes (see {@link invocationsOf}). */
  invocations: number;
  dynamodbWrites: number;
  /** API Gateway, CloudFront and WAF requests. */
  apiRequests: number;
  lambda: number;
  events: number;
  total: number;
}

/** Lambda time per HTTP request (ms) and memory (GB): the HTTP function's, a measured p50 to replace. */
const httpMs = 80;
const httpGb = 1;
/** Reads per request: the caller's key or token check, the records it reads back, the session check. */
const readUnitsPerRequest = 4;
/** Stream and bus consumers: their memory (GB) and time per invocation (ms), assumed. */
const consumerGb = 0.5;
const consumerMs = 100;
/** Stream records the dispatcher takes per invocation under load (its batching window is 1 s). */
const dispatcherRecordsPerInvocation = 10;
/** Bus subscriptions an average event matches (realtime for people, webhooks for merchants). */
const subscriptionsPerEvent = 1.5;

/** The product each measured operation belongs to, by the start of its name. */
export const operationProducts: ReadonlyArray<readonly [prefix: string, product: string]> = [
  ['wallet', 'wallet'],
  ['card payment', 'payments'],
  ['shop', 'commerce'],
  ['coin award', 'rewards'],
];

export function productOf(operation: Pick<MeasuredOperation, 'name'>): string {
  const found = operationProducts.find(([prefix]) => operation.name.startsWith(prefix));
  if (!found) throw new Error(`say which product "${operation.name}" belongs to (operationProducts)`);
  return found[1];
}

/**
 * Lambda invocations one operation causes: its HTTP requests, the stream dispatcher for its
 * transactions' records (each transaction leaves at least one outbox or queued record), and one
 * bus consumer per event and matching subscription (an upper bound: SQS batches them under load).
 */
export function invocationsOf(operation: MeasuredOperation): {
  http: number;
  dispatcher: number;
  consumers: number;
} {
  return {
    http: operation.requests,
    dispatcher: operation.transactions / dispatcherRecordsPerInvocation,
    consumers: operation.events * subscriptionsPerEvent,
  };
}

export const measuredWritesFile = new URL('./measured-writes.json', import.meta.url);

export function readMeasuredOperations(file: URL = measuredWritesFile): MeasuredOperation[] {
  return JSON.parse(readFileSync(file, 'utf8')) as MeasuredOperation[];
}

/** Dollars per million of each operation. */
export function costPerMillion(
  operations: MeasuredOperation[],
  prices: Prices = listPrices,
): OperationCost[] {
  return operations.map((operation) => {
    const million = 1_000_000;
    const dynamodbWrites =
      (operation.writeUnits * million * prices.dynamodb.perMillionWriteRequestUnits) / million +
      (operation.requests * readUnitsPerRequest * million * prices.dynamodb.perMillionReadRequestUnits) /
        million;
    // Every request comes through the front door: CloudFront, the WAF, then API Gateway.
    const apiRequests =
      operation.requests *
      (prices.apiGatewayHttp.perMillionRequests +
        prices.waf.perMillionRequests +
        prices.cloudFront.perTenThousandHttpsRequests * 100);
    const invocations = invocationsOf(operation);
    const gbSeconds =
      invocations.http * (httpMs / 1000) * httpGb +
      (invocations.dispatcher + invocations.consumers) * (consumerMs / 1000) * consumerGb;
    const invocationCount = invocations.http + invocations.dispatcher + invocations.consumers;
    const lambda =
      invocationCount * prices.lambda.perMillionRequests +
      million * gbSeconds * prices.lambda.perGbSecondArm64;
    const events = operation.events * prices.eventBridge.perMillionCustomEvents;
    return {
      name: operation.name,
      product: productOf(operation),
      invocations: invocationCount,
      dynamodbWrites,
      apiRequests,
      lambda,
      events,
      total: dynamodbWrites + apiRequests + lambda + events,
    };
  });
}

export function formatOperationCosts(costs: OperationCost[]): string {
  const money = (value: number) => `$${value.toFixed(2)}`;
  const byProduct = [...costs].sort((a, b) => a.product.localeCompare(b.product));
  const lines = [
    'Per million operations, by product (DynamoDB writes as measured by npm run bench:writes):',
    '| product | operation | Lambda invocations | DynamoDB | requests (API Gateway, WAF, CloudFront) | Lambda | EventBridge | total |',
    '|---|---|--:|--:|--:|--:|--:|--:|',
    ...byProduct.map(
      (c) =>
        `| ${c.product} | ${c.name} | ${(c.invocations * 1_000_000).toLocaleString('en-US', { maximumFractionDigits: 0 })} | ${money(c.dynamodbWrites)} | ${money(c.apiRequests)} | ${money(c.lambda)} | ${money(c.events)} | ${money(c.total)} |`,
    ),
  ];
  return lines.join('\n');
}

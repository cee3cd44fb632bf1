/**
 * Dollars per million operations on AWS on-demand prices, from the write counts `npm run
 * bench:writes` measured (`infra/cost/measured-writes.json`, which that bench rewrites): the
 * DynamoDB write units each operation costs (transactional items at 2 per KB, index entries at 1),
 * plus the requests, Lambda time and events around it.
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
  dynamodbWrites: number;
  apiRequests: number;
  lambda: number;
  events: number;
  total: number;
}

/** Lambda time per HTTP request (ms) and memory (GB): the HTTP function's, a measured p50 to replace. */
const httpMs = 80;
const httpGb = 1;
/** Reads per request: the caller's key or token check, the records it reads back. */
const readUnitsPerRequest = 4;

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
    const apiRequests = operation.requests * prices.apiGatewayHttp.perMillionRequests;
    const lambda =
      operation.requests *
      (prices.lambda.perMillionRequests +
        million * (httpMs / 1000) * httpGb * prices.lambda.perGbSecondArm64);
    const events = operation.events * prices.eventBridge.perMillionCustomEvents;
    return {
      name: operation.name,
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
  const lines = [
    'Per million operations (DynamoDB writes as measured by npm run bench:writes):',
    '| operation | DynamoDB | API Gateway | Lambda | EventBridge | total |',
    '|---|--:|--:|--:|--:|--:|',
    ...costs.map(
      (c) =>
        `| ${c.name} | ${money(c.dynamodbWrites)} | ${money(c.apiRequests)} | ${money(c.lambda)} | ${money(c.events)} | ${money(c.total)} |`,
    ),
  ];
  return lines.join('\n');
}

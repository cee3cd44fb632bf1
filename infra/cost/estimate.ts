#!/usr/bin/env node
/**
 * The monthly AWS cost of a Sluice deployment from request volumes, at the list prices in
 * `prices.ts` (us-east-1, see its date and caveat). An estimate, not money held: it is computed
 * in floating-point dollars and shown rounded to cents.
 *
 * @example
 * node infra/cost/estimate.ts --requests 5000000 --transfers 200000 --webhook-deliveries 100000 --mau 20000
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  awsQueues,
  eventSubscriptionNames,
  lambdaFunctions,
} from '../../server/src/runtime/aws/functions.ts';
import { costPerMillion, formatOperationCosts, readMeasuredOperations } from './per-operation.ts';
import { prices as listPrices, type Prices } from './prices.ts';

/** What a month of use looks like. */
export interface MonthlyVolumes {
  /** HTTP API requests (people and merchants), all through CloudFront and the WAF. */
  requests: number;
  /** Money movements: ledger transfers (wallet sends, captures, refunds, settlements). */
  transfers: number;
  /** Webhook delivery attempts. */
  webhookDeliveries: number;
  websocketConnectionMinutes: number;
  /** Realtime pushes to open sockets. */
  websocketMessages: number;
  monthlyActiveUsers: number;
  /** Merchants settled by the daily settlement run. */
  settledMerchantsPerDay: number;
  /** Table size. */
  storageGb: number;
  /** Dashboard assets served by CloudFront. */
  dashboardGb: number;
  dashboardRequests: number;
}

/** A small production month, used for any volume not given on the command line. */
export const defaultVolumes: MonthlyVolumes = {
  requests: 1_000_000,
  transfers: 100_000,
  webhookDeliveries: 50_000,
  websocketConnectionMinutes: 500_000,
  websocketMessages: 200_000,
  monthlyActiveUsers: 1_000,
  settledMerchantsPerDay: 50,
  storageGb: 1,
  dashboardGb: 5,
  dashboardRequests: 200_000,
};

/**
 * How the platform turns volumes into billed units. The item counts follow the ledger (a
 * transfer commits entries, balances, the transfer, its outbox event and idempotency record in
 * one transaction); durations are guesses to replace with measured p50s.
 */
export const assumptions = {
  daysPerMonth: 30,
  httpMs: 80,
  httpReadUnitsPerRequest: 4,
  httpWriteUnitsPerRequest: 1,
  itemsPerTransfer: 7,
  eventsPerTransfer: 2,
  /** Bus subscriptions an average event matches (realtime for people, webhooks for merchants). */
  subscriptionsPerEvent: 1.5,
  consumerMs: 100,
  consumerItemsWritten: 3,
  deliveryMs: 400,
  deliveryItemsWritten: 2,
  dispatcherRecordsPerInvocation: 10,
  dispatcherMs: 150,
  websocketAverageConnectionMinutes: 30,
  websocketPingEveryMinutes: 5,
  websocketMs: 40,
  minuteJobMs: 200,
  settlementTaskMs: 500,
  /** Lambda starts five long-polling pollers per SQS event source, each polling every 20 s when idle. */
  sqsIdleReceivesPerQueueMonth: 5 * 3 * 60 * 24 * 30,
  logKbPerInvocation: 1,
  accessLogKbPerRequest: 0.5,
  responseKbPerRequest: 2,
  dashboardCacheMissRatio: 0.1,
} as const;

/** One billed item: how much of it, in what unit, and what it costs in dollars. */
export interface CostLine {
  service: string;
  item: string;
  quantity: number;
  unit: string;
  cost: number;
}

/** A month's estimate: its lines and their total, with the region and date of the prices. */
export interface Estimate {
  region: string;
  pricesAsOf: string;
  lines: CostLine[];
  total: number;
}

const memoryGbOf = (id: string): number =>
  (lambdaFunctions.find((spec) => spec.id === id)?.memoryMb ?? 512) / 1024;
const perMillion = (quantity: number, price: number) => (quantity / 1_000_000) * price;
const afterFree = (quantity: number, free: number, applyFree: boolean) =>
  applyFree ? Math.max(0, quantity - free) : quantity;

/**
 * Prices a month. `freeTier` subtracts the always-free monthly allowances.
 *
 * @example estimateMonthlyCost({ ...defaultVolumes, requests: 10_000_000 }).total
 */
export function estimateMonthlyCost(
  volumes: MonthlyVolumes,
  options: { prices?: Prices; freeTier?: boolean } = {},
): Estimate {
  const p = options.prices ?? listPrices;
  const free = options.freeTier ?? false;
  const a = assumptions;
  const lines: CostLine[] = [];
  const add = (service: string, item: string, quantity: number, unit: string, cost: number) =>
    lines.push({ service, item, quantity, unit, cost });

  // Lambda: invocations and GB-seconds per function group.
  const events = volumes.transfers * a.eventsPerTransfer;
  const subscriptionMessages = events * a.subscriptionsPerEvent;
  const streamRecords = events + volumes.webhookDeliveries;
  const connections = volumes.websocketConnectionMinutes / a.websocketAverageConnectionMinutes;
  const pings = volumes.websocketConnectionMinutes / a.websocketPingEveryMinutes;
  // The modules' every-minute jobs (hold and authorization expiry), one function each.
  const minuteJobs = lambdaFunctions.filter(
    (spec) =>
      spec.trigger.type === 'schedule' && spec.trigger.job !== undefined && spec.trigger.cron === '* * * * *',
  );
  const runsPerMinuteJob = 60 * 24 * a.daysPerMonth;
  const minuteJobRuns = runsPerMinuteJob * minuteJobs.length;
  const settlementTasks = a.daysPerMonth * (1 + volumes.settledMerchantsPerDay);
  const work: Array<[string, number, number, number]> = [
    ['http-api', volumes.requests, a.httpMs, memoryGbOf('http-api')],
    [
      'stream-dispatcher',
      streamRecords / a.dispatcherRecordsPerInvocation,
      a.dispatcherMs,
      memoryGbOf('stream-dispatcher'),
    ],
    ['bus subscriptions', subscriptionMessages, a.consumerMs, memoryGbOf('events-realtime-push')],
    ['webhook-deliveries', volumes.webhookDeliveries, a.deliveryMs, memoryGbOf('webhook-deliveries')],
    ['websocket', connections * 2 + pings, a.websocketMs, memoryGbOf('ws-connect')],
    // Each at its own memory size.
    ...minuteJobs.map((spec): [string, number, number, number] => [
      spec.id,
      runsPerMinuteJob,
      a.minuteJobMs,
      spec.memoryMb / 1024,
    ]),
    ['settlement tasks', settlementTasks, a.settlementTaskMs, memoryGbOf('settlement-settle-merchant')],
  ];
  const invocations = work.reduce((sum, [, count]) => sum + count, 0);
  const gbSeconds = work.reduce((sum, [, count, ms, gb]) => sum + count * (ms / 1000) * gb, 0);
  add(
    'Lambda',
    'requests',
    invocations,
    'requests',
    perMillion(afterFree(invocations, p.lambda.freeRequests, free), p.lambda.perMillionRequests),
  );
  add(
    'Lambda',
    'compute (arm64)',
    gbSeconds,
    'GB-s',
    afterFree(gbSeconds, p.lambda.freeGbSeconds, free) * p.lambda.perGbSecondArm64,
  );

  add(
    'API Gateway',
    'HTTP API requests',
    volumes.requests,
    'requests',
    perMillion(volumes.requests, p.apiGatewayHttp.perMillionRequests),
  );
  const websocketMessages = volumes.websocketMessages + pings;
  add(
    'API Gateway',
    'WebSocket messages',
    websocketMessages,
    'messages',
    perMillion(websocketMessages, p.apiGatewayWebSocket.perMillionMessages),
  );
  add(
    'API Gateway',
    'WebSocket connection minutes',
    volumes.websocketConnectionMinutes,
    'minutes',
    perMillion(volumes.websocketConnectionMinutes, p.apiGatewayWebSocket.perMillionConnectionMinutes),
  );

  // DynamoDB: transactions write two units per item; reads are strongly consistent (1 RRU / 4 KB).
  const writeUnits =
    volumes.transfers * a.itemsPerTransfer * 2 +
    volumes.requests * a.httpWriteUnitsPerRequest +
    subscriptionMessages * a.consumerItemsWritten * 2 +
    volumes.webhookDeliveries * a.deliveryItemsWritten * 2 +
    connections * 2;
  const readUnits =
    volumes.requests * a.httpReadUnitsPerRequest +
    volumes.transfers * 4 +
    subscriptionMessages * 2 +
    volumes.webhookDeliveries * 2 +
    minuteJobRuns +
    pings;
  add(
    'DynamoDB',
    'on-demand writes',
    writeUnits,
    'WRU',
    perMillion(writeUnits, p.dynamodb.perMillionWriteRequestUnits),
  );
  add(
    'DynamoDB',
    'on-demand reads',
    readUnits,
    'RRU',
    perMillion(readUnits, p.dynamodb.perMillionReadRequestUnits),
  );
  add(
    'DynamoDB',
    'storage',
    volumes.storageGb,
    'GB-month',
    afterFree(volumes.storageGb, p.dynamodb.freeGbStorage, free) * p.dynamodb.perGbMonthStorage,
  );
  add(
    'DynamoDB',
    'point-in-time recovery',
    volumes.storageGb,
    'GB-month',
    volumes.storageGb * p.dynamodb.perGbMonthPitr,
  );
  add('DynamoDB', 'stream reads by Lambda', streamRecords, 'records', 0);

  // SQS: send, receive and delete per message, plus the idle long polls of each event source.
  const consumedQueues = Object.keys(awsQueues).length + eventSubscriptionNames.length;
  const sqsRequests =
    (subscriptionMessages + volumes.webhookDeliveries) * 3 + consumedQueues * a.sqsIdleReceivesPerQueueMonth;
  add(
    'SQS',
    'requests (incl. idle polling)',
    sqsRequests,
    'requests',
    perMillion(afterFree(sqsRequests, p.sqs.freeRequests, free), p.sqs.perMillionRequests),
  );
  add(
    'EventBridge',
    'custom events',
    events,
    'events',
    perMillion(events, p.eventBridge.perMillionCustomEvents),
  );
  const scheduled = minuteJobRuns + a.daysPerMonth;
  add(
    'EventBridge Scheduler',
    'invocations',
    scheduled,
    'invocations',
    perMillion(afterFree(scheduled, p.scheduler.freeInvocations, free), p.scheduler.perMillionInvocations),
  );
  const transitions = a.daysPerMonth * (3 + 2 * volumes.settledMerchantsPerDay);
  add(
    'Step Functions',
    'standard state transitions',
    transitions,
    'transitions',
    (afterFree(transitions, p.stepFunctions.freeStateTransitions, free) / 1000) *
      p.stepFunctions.perThousandStateTransitions,
  );

  // CloudWatch and X-Ray.
  const logGb =
    (invocations * a.logKbPerInvocation + volumes.requests * a.accessLogKbPerRequest + transitions) /
    1_000_000;
  add(
    'CloudWatch',
    'logs ingested',
    logGb,
    'GB',
    afterFree(logGb, p.cloudWatch.freeGbLogs, free) * p.cloudWatch.perGbLogsIngested,
  );
  add('CloudWatch', 'logs stored', logGb, 'GB-month', logGb * p.cloudWatch.perGbMonthLogsStored);
  const alarms = 2 * lambdaFunctions.length + consumedQueues + 3 + 5;
  add(
    'CloudWatch',
    'alarms',
    alarms,
    'alarms',
    afterFree(alarms, p.cloudWatch.freeAlarms, free) * p.cloudWatch.perStandardAlarmMonth,
  );
  add(
    'CloudWatch',
    'dashboard',
    1,
    'dashboards',
    afterFree(1, p.cloudWatch.freeDashboards, free) * p.cloudWatch.perDashboardMonth,
  );
  // The default sampling rule: one trace a second, then 5% of the rest.
  const reservoir = a.daysPerMonth * 24 * 3600;
  const traces = Math.min(invocations, reservoir + 0.05 * Math.max(0, invocations - reservoir));
  add(
    'X-Ray',
    'traces recorded',
    traces,
    'traces',
    perMillion(afterFree(traces, p.xray.freeTracesRecorded, free), p.xray.perMillionTracesRecorded),
  );

  // The edge: the API and the dashboard both go through CloudFront and the WAF.
  const edgeRequests = volumes.requests + volumes.dashboardRequests;
  const edgeGb = volumes.dashboardGb + (volumes.requests * a.responseKbPerRequest) / 1_000_000;
  add(
    'CloudFront',
    'HTTPS requests',
    edgeRequests,
    'requests',
    (afterFree(edgeRequests, p.cloudFront.freeRequests, free) / 10_000) *
      p.cloudFront.perTenThousandHttpsRequests,
  );
  add(
    'CloudFront',
    'data transfer out',
    edgeGb,
    'GB',
    afterFree(edgeGb, p.cloudFront.freeGbDataTransferOut, free) * p.cloudFront.perGbDataTransferOut,
  );
  add('WAF', 'web ACL', 1, 'ACLs', p.waf.perWebAclMonth);
  add('WAF', 'rules (1 rate rule, 3 managed groups)', 4, 'rules', 4 * p.waf.perRuleMonth);
  add('WAF', 'requests', edgeRequests, 'requests', perMillion(edgeRequests, p.waf.perMillionRequests));
  const billedUsers = afterFree(volumes.monthlyActiveUsers, p.cognito.freeMonthlyActiveUsers, free);
  add(
    'Cognito',
    'monthly active users (Essentials)',
    volumes.monthlyActiveUsers,
    'MAU',
    billedUsers * p.cognito.perMonthlyActiveUser,
  );
  add(
    'S3',
    'dashboard GETs (cache misses)',
    volumes.dashboardRequests * a.dashboardCacheMissRatio,
    'requests',
    ((volumes.dashboardRequests * a.dashboardCacheMissRatio) / 1000) * p.s3.perThousandGetRequests,
  );

  return {
    region: p.region,
    pricesAsOf: p.pricesAsOf,
    lines,
    total: lines.reduce((sum, line) => sum + line.cost, 0),
  };
}

/** The estimate as a table, costs rounded to cents. */
export function formatEstimate(estimate: Estimate): string {
  const dollars = (value: number) => `$${value.toFixed(2)}`;
  const rows = estimate.lines.map(
    (line) =>
      `${line.service.padEnd(22)}${line.item.padEnd(40)}${Math.round(line.quantity).toLocaleString('en-US').padStart(16)} ${line.unit.padEnd(12)}${dollars(line.cost).padStart(12)}`,
  );
  return [
    `Sluice monthly cost estimate — ${estimate.region}, list prices ${estimate.pricesAsOf}`,
    '',
    ...rows,
    '',
    `${'Total'.padEnd(90)}${dollars(estimate.total).padStart(13)}`,
    '',
    'Estimates only: check the prices in infra/cost/prices.ts and the assumptions in infra/cost/estimate.ts.',
  ].join('\n');
}

const flags = {
  requests: 'requests',
  transfers: 'transfers',
  'webhook-deliveries': 'webhookDeliveries',
  'websocket-minutes': 'websocketConnectionMinutes',
  'websocket-messages': 'websocketMessages',
  mau: 'monthlyActiveUsers',
  'settled-merchants': 'settledMerchantsPerDay',
  'storage-gb': 'storageGb',
  'dashboard-gb': 'dashboardGb',
  'dashboard-requests': 'dashboardRequests',
} as const satisfies Record<string, keyof MonthlyVolumes>;

/** Volumes from command-line flags (`--requests 5000000` …), defaults for the rest. */
export function volumesFromArgs(args: string[]): {
  volumes: MonthlyVolumes;
  freeTier: boolean;
  json: boolean;
} {
  const { values } = parseArgs({
    args,
    options: {
      ...Object.fromEntries(Object.keys(flags).map((flag) => [flag, { type: 'string' as const }])),
      'free-tier': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const volumes = { ...defaultVolumes };
  for (const [flag, field] of Object.entries(flags)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw !== 'string') continue;
    const value = Number(raw.replaceAll('_', ''));
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`--${flag} must be a non-negative number, not ${raw}`);
    volumes[field] = value;
  }
  return { volumes, freeTier: values['free-tier'] === true, json: values.json === true };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { volumes, freeTier, json } = volumesFromArgs(process.argv.slice(2));
  const estimate = estimateMonthlyCost(volumes, { freeTier });
  process.stdout.write(
    json
      ? `${JSON.stringify({ volumes, freeTier, ...estimate }, null, 2)}\n`
      : `${formatEstimate(estimate)}\n\n${formatOperationCosts(costPerMillion(readMeasuredOperations()))}\n`,
  );
}

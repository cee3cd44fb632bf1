/**
 * AWS list prices for us-east-1 used by the cost estimator (`estimate.ts`), in US dollars.
 *
 * These are the public on-demand list prices as known to the author (AWS pricing pages as of
 * 2025, including DynamoDB's November 2024 on-demand reduction and Cognito's Essentials tier),
 * written down on 2026-12-02. They have NOT been checked against the live pricing pages or the
 * Price List API from this environment: check them before relying on an estimate, and update
 * `pricesAsOf` when you do. Free-tier allowances are the always-free monthly ones (not the
 * 12-month trial), applied only when the estimator is asked to.
 */
export const prices = {
  region: 'us-east-1',
  currency: 'USD',
  pricesAsOf: '2026-12-02 (recorded from 2025 list prices, unverified)',
  lambda: {
    /** arm64 (Graviton), first 7.5 billion GB-seconds a month. */
    perGbSecondArm64: 0.0000133334,
    perMillionRequests: 0.2,
    freeRequests: 1_000_000,
    freeGbSeconds: 400_000,
  },
  apiGatewayHttp: {
    /** First 300 million a month; each 512 KB counts as one request. */
    perMillionRequests: 1.0,
  },
  apiGatewayWebSocket: {
    /** First billion a month; each 32 KB counts as one message. */
    perMillionMessages: 1.0,
    perMillionConnectionMinutes: 0.25,
  },
  dynamodb: {
    /** On-demand; a transactional write costs two write request units per 1 KB. */
    perMillionWriteRequestUnits: 0.625,
    perMillionReadRequestUnits: 0.125,
    perGbMonthStorage: 0.25,
    freeGbStorage: 25,
    /** Continuous backups (point-in-time recovery), per GB-month of table size. */
    perGbMonthPitr: 0.2,
    /** Streams read by Lambda triggers are free; other readers pay per read request. */
    perMillionStreamReadRequestsByLambda: 0,
  },
  sqs: {
    /** Standard queues; each 64 KB chunk is one request. */
    perMillionRequests: 0.4,
    freeRequests: 1_000_000,
  },
  eventBridge: {
    /** Custom events put on a bus (64 KB chunks); same-account rule deliveries are free. */
    perMillionCustomEvents: 1.0,
  },
  scheduler: {
    perMillionInvocations: 1.0,
    freeInvocations: 14_000_000,
  },
  stepFunctions: {
    /** Standard workflows. */
    perThousandStateTransitions: 0.025,
    freeStateTransitions: 4_000,
  },
  cloudWatch: {
    perGbLogsIngested: 0.5,
    perGbMonthLogsStored: 0.03,
    perStandardAlarmMonth: 0.1,
    perDashboardMonth: 3.0,
    freeDashboards: 3,
    freeAlarms: 10,
    freeGbLogs: 5,
  },
  xray: {
    perMillionTracesRecorded: 5.0,
    freeTracesRecorded: 100_000,
  },
  cloudFront: {
    /** Data transfer out to the internet, North America and Europe, first 10 TB. */
    perGbDataTransferOut: 0.085,
    /** HTTPS requests, North America. */
    perTenThousandHttpsRequests: 0.01,
    freeGbDataTransferOut: 1_000,
    freeRequests: 10_000_000,
  },
  waf: {
    perWebAclMonth: 5.0,
    /** Each rule, and each managed rule group, per month. */
    perRuleMonth: 1.0,
    perMillionRequests: 0.6,
  },
  cognito: {
    /** Essentials tier (the default for new user pools), after the free MAUs. */
    perMonthlyActiveUser: 0.015,
    freeMonthlyActiveUsers: 10_000,
  },
  s3: {
    perGbMonthStandard: 0.023,
    perThousandGetRequests: 0.0004,
    perThousandPutRequests: 0.005,
  },
} as const;

/** The shape of a price table, so tests can price with their own. */
export type Prices = typeof prices;

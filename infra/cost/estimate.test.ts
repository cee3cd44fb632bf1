import { describe, expect, it } from 'vitest';
import {
  assumptions,
  estimateMonthlyCost,
  formatEstimate,
  volumesFromArgs,
  type MonthlyVolumes,
} from './estimate.ts';
import { prices } from './prices.ts';
import { lambdaFunctions, type LambdaFunctionSpec } from '../../server/src/runtime/aws/functions.ts';

const nothing: MonthlyVolumes = {
  requests: 0,
  transfers: 0,
  webhookDeliveries: 0,
  websocketConnectionMinutes: 0,
  websocketMessages: 0,
  monthlyActiveUsers: 0,
  settledMerchantsPerDay: 0,
  storageGb: 0,
  dashboardGb: 0,
  dashboardRequests: 0,
};

function line(volumes: Partial<MonthlyVolumes>, service: string, item: string, freeTier = false) {
  const found = estimateMonthlyCost({ ...nothing, ...volumes }, { freeTier }).lines.find(
    (candidate) => candidate.service === service && candidate.item.startsWith(item),
  );
  if (!found) throw new Error(`no line ${service} ${item}`);
  return found;
}

describe('the cost estimator', () => {
  it('prices HTTP requests at the API Gateway, CloudFront and WAF request rates', () => {
    expect(line({ requests: 3_000_000 }, 'API Gateway', 'HTTP API requests').cost).toBeCloseTo(3.0, 10);
    expect(line({ requests: 3_000_000 }, 'CloudFront', 'HTTPS requests').cost).toBeCloseTo(3.0, 10);
    expect(line({ requests: 3_000_000 }, 'WAF', 'requests').cost).toBeCloseTo(1.8, 10);
  });

  it('prices Lambda compute as arm64 GB-seconds from functions.ts memory sizes', () => {
    const idle = line({}, 'Lambda', 'compute');
    // Idle, only the clock runs functions: each every-minute module job in functions.ts (hold and
    // authorization expiry, …) 43,200 times a month for 200 ms at its memory size, and settlement's
    // ListMerchantsDue once a day for 500 ms.
    const minuteJobs = lambdaFunctions.filter(
      (spec) =>
        spec.trigger.type === 'schedule' &&
        spec.trigger.job !== undefined &&
        spec.trigger.cron === '* * * * *',
    );
    expect(minuteJobs.map((spec) => spec.id)).toEqual(
      expect.arrayContaining(['job-ledger-expire-holds', 'job-payments-expire-authorizations']),
    );
    const settlementTask = lambdaFunctions.find((spec) => spec.id === 'settlement-settle-merchant')!;
    const gb = (spec: LambdaFunctionSpec) => spec.memoryMb / 1024;
    const minuteJobGbSeconds = minuteJobs.reduce((sum, spec) => sum + 43_200 * 0.2 * gb(spec), 0);
    expect(assumptions.minuteJobMs).toBe(200);
    expect(assumptions.settlementTaskMs).toBe(500);
    expect(idle.quantity).toBeCloseTo(minuteJobGbSeconds + 30 * 0.5 * gb(settlementTask), 6);
    const busy = line({ requests: 1_000_000 }, 'Lambda', 'compute');
    expect(busy.quantity - idle.quantity).toBeCloseTo(1_000_000 * (assumptions.httpMs / 1000) * 1, 6);
    expect(busy.cost).toBeCloseTo(busy.quantity * prices.lambda.perGbSecondArm64, 10);
  });

  it('counts transactional writes at two write units per item', () => {
    const writes = line({ transfers: 1_000 }, 'DynamoDB', 'on-demand writes');
    const subscriptionMessages = 1_000 * assumptions.eventsPerTransfer * assumptions.subscriptionsPerEvent;
    expect(writes.quantity).toBe(
      1_000 * assumptions.itemsPerTransfer * 2 + subscriptionMessages * assumptions.consumerItemsWritten * 2,
    );
    expect(writes.cost).toBeCloseTo(
      (writes.quantity / 1_000_000) * prices.dynamodb.perMillionWriteRequestUnits,
      12,
    );
    expect(line({ transfers: 1_000 }, 'DynamoDB', 'stream reads').cost).toBe(0);
  });

  it('bills Cognito users beyond the free ones only with the free tier on', () => {
    expect(line({ monthlyActiveUsers: 12_000 }, 'Cognito', 'monthly').cost).toBeCloseTo(
      12_000 * prices.cognito.perMonthlyActiveUser,
      10,
    );
    expect(line({ monthlyActiveUsers: 12_000 }, 'Cognito', 'monthly', true).cost).toBeCloseTo(
      2_000 * prices.cognito.perMonthlyActiveUser,
      10,
    );
  });

  it('charges the fixed monthly items even when idle, and totals its lines', () => {
    const estimate = estimateMonthlyCost(nothing);
    expect(line({}, 'WAF', 'web ACL').cost).toBe(prices.waf.perWebAclMonth);
    expect(estimate.total).toBeCloseTo(
      estimate.lines.reduce((sum, each) => sum + each.cost, 0),
      10,
    );
    expect(estimate.total).toBeGreaterThan(prices.waf.perWebAclMonth + 4 * prices.waf.perRuleMonth);
    expect(formatEstimate(estimate)).toContain(prices.pricesAsOf);
  });

  it('reads volumes from flags and refuses nonsense', () => {
    const { volumes, freeTier } = volumesFromArgs([
      '--requests',
      '5_000_000',
      '--mau',
      '20000',
      '--free-tier',
    ]);
    expect(volumes.requests).toBe(5_000_000);
    expect(volumes.monthlyActiveUsers).toBe(20_000);
    expect(freeTier).toBe(true);
    expect(() => volumesFromArgs(['--transfers=-1'])).toThrow(/non-negative/);
    expect(() => volumesFromArgs(['--unknown', '1'])).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { costPerMillion, invocationsOf, productOf, readMeasuredOperations } from './per-operation.ts';
import { prices } from './prices.ts';

describe('cost per million operations', () => {
  it('prices the measured write units, requests, Lambda time and events of an operation', () => {
    const [cost] = costPerMillion([
      { name: 'wallet x', requests: 2, transactions: 2, items: 10, writeUnits: 40, events: 2 },
    ]);
    // 40 write units and 8 reads per operation, a million times.
    expect(cost!.dynamodbWrites).toBeCloseTo(
      40 * prices.dynamodb.perMillionWriteRequestUnits + 8 * prices.dynamodb.perMillionReadRequestUnits,
      6,
    );
    // Each request through CloudFront and the WAF to API Gateway.
    expect(cost!.apiRequests).toBeCloseTo(
      2 *
        (prices.apiGatewayHttp.perMillionRequests +
          prices.waf.perMillionRequests +
          prices.cloudFront.perTenThousandHttpsRequests * 100),
      6,
    );
    // Two HTTP invocations, the dispatcher for two transactions' records, 1.5 consumers per event.
    expect(
      invocationsOf({ name: 'wallet x', requests: 2, transactions: 2, items: 10, writeUnits: 40, events: 2 }),
    ).toEqual({
      http: 2,
      dispatcher: 0.2,
      consumers: 3,
    });
    expect(cost!.invocations).toBeCloseTo(5.2, 6);
    expect(cost!.product).toBe('wallet');
    expect(cost!.events).toBeCloseTo(2 * prices.eventBridge.perMillionCustomEvents, 6);
    expect(cost!.total).toBeCloseTo(
      cost!.dynamodbWrites + cost!.apiRequests + cost!.lambda + cost!.events,
      6,
    );
  });

  it('reads the figures npm run bench:writes measured: a transfer and a payment cycle', () => {
    const names = readMeasuredOperations().map((operation) => operation.name);
    expect(names).toEqual(expect.arrayContaining(['wallet transfer', 'card payment cycle, 1,000 merchants']));
    // Each belongs to a product, so npm run cost can group them.
    expect(new Set(readMeasuredOperations().map(productOf))).toEqual(
      new Set(['wallet', 'payments', 'commerce', 'rewards']),
    );
  });
});

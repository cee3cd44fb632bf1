import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { moduleMetricDimensions, moduleMetricsNamespace } from '../../platform/telemetry.ts';
import {
  createPowertoolsLogger,
  createPowertoolsMetrics,
  createPowertoolsModuleMetrics,
  traceClient,
} from './powertools.ts';

// Powertools writes through a Console bound to process.stdout and process.stderr; the tests read
// what it writes there, one JSON document per line.
let written: string[] = [];
beforeEach(() => {
  written = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const lines = () =>
  written
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('createPowertoolsLogger', () => {
  it('writes one JSON line per call with level, message, service and the fields', () => {
    const logger = createPowertoolsLogger({ serviceName: 'sluice-http', persistentKeys: { stage: 'test' } });
    logger.info('transfer posted', { transfer_id: 'tr_1', amount: 500 });
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'transfer posted',
        service: 'sluice-http',
        stage: 'test',
        transfer_id: 'tr_1',
        amount: 500,
        timestamp: expect.any(String),
      }),
    ]);
  });

  it('redacts the keys the platform logger redacts, and keeps the rest', () => {
    const logger = createPowertoolsLogger({ serviceName: 'sluice-http' });
    logger.warn('sign-in attempt', {
      password: 'hunter2',
      refresh_token: 'rt_secret',
      Authorization: 'Bearer eyJhbGciOi',
      card_number: '4242424242424242',
      number: '4242424242424242',
      cvc: '123',
      client_secret: 'cs_live',
      cookie: 'session=abc',
      email: 'ann@example.com',
      attempts: 3,
    });
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'WARN',
      password: '[redacted]',
      refresh_token: '[redacted]',
      Authorization: '[redacted]',
      card_number: '[redacted]',
      number: '[redacted]',
      cvc: '[redacted]',
      client_secret: '[redacted]',
      cookie: '[redacted]',
      email: 'ann@example.com',
      attempts: 3,
    });
    for (const secret of ['hunter2', 'rt_secret', 'eyJhbGciOi', '4242424242424242', 'cs_live', 'session=abc'])
      expect(written.join('')).not.toContain(secret);
  });

  it('logs errors with their name, message and stack', () => {
    const logger = createPowertoolsLogger({ serviceName: 'sluice-http' });
    logger.error('delivery failed', { error: new TypeError('socket hang up'), delivery_id: 'del_1' });
    expect(lines()[0]).toMatchObject({
      level: 'ERROR',
      delivery_id: 'del_1',
      error: expect.objectContaining({
        name: 'TypeError',
        message: 'socket hang up',
        stack: expect.any(String),
      }),
    });
  });

  it('writes a message without fields', () => {
    createPowertoolsLogger({ serviceName: 'sluice-http' }).info('started');
    expect(lines()[0]).toMatchObject({ level: 'INFO', message: 'started' });
  });
});

describe('createPowertoolsMetrics', () => {
  type Emf = {
    _aws: {
      Timestamp: number;
      CloudWatchMetrics: Array<{
        Namespace: string;
        Dimensions: string[][];
        Metrics: Array<{ Name: string; Unit: string }>;
      }>;
    };
  } & Record<string, unknown>;

  it('writes each request as one EMF document: Requests and Latency by service, route and status class', () => {
    const metrics = createPowertoolsMetrics({
      namespace: 'Sluice',
      serviceName: 'sluice-http',
      defaultDimensions: { stage: 'test' },
    });
    metrics.countRequest('POST /v1/transfers', 201, 12.5);
    metrics.countRequest('GET /v1/transfers/:id', 404, 3);
    const [first, second] = lines() as Emf[];
    expect(first!._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Sluice',
        Dimensions: [expect.arrayContaining(['service', 'stage', 'route', 'status'])],
        Metrics: [
          { Name: 'Requests', Unit: 'Count' },
          { Name: 'Latency', Unit: 'Milliseconds' },
        ],
      },
    ]);
    expect(first!._aws.CloudWatchMetrics[0]!.Dimensions[0]).toHaveLength(4);
    expect(first).toMatchObject({
      service: 'sluice-http',
      stage: 'test',
      route: 'POST /v1/transfers',
      status: '2xx',
      Requests: 1,
      Latency: 12.5,
    });
    expect(second).toMatchObject({ route: 'GET /v1/transfers/:id', status: '4xx', Requests: 1, Latency: 3 });
  });

  it('flushes metrics recorded on the Powertools instance under their own dimensions', () => {
    const metrics = createPowertoolsMetrics({ namespace: 'Sluice', serviceName: 'sluice-worker' });
    metrics.powertools.addDimension('queue', 'webhook-deliveries');
    metrics.powertools.addMetric('DeliveriesFailed', 'Count', 2);
    metrics.countRequest('GET /health', 200, 1);
    metrics.flush();
    const documents = lines() as Emf[];
    expect(documents).toHaveLength(2);
    expect(documents[0]).toMatchObject({ queue: 'webhook-deliveries', DeliveriesFailed: 2 });
    expect(documents[0]).not.toHaveProperty('route');
    expect(documents[1]).toMatchObject({ route: 'GET /health', status: '2xx' });
    expect(documents[1]).not.toHaveProperty('queue');
  });

  it('writes nothing on a flush with nothing recorded', () => {
    const metrics = createPowertoolsMetrics({ namespace: 'Sluice', serviceName: 'sluice-http' });
    metrics.flush();
    expect(written.filter((chunk) => chunk.includes('_aws'))).toEqual([]);
  });
});

describe('createPowertoolsModuleMetrics', () => {
  it('writes each count as one EMF line in Sluice/Modules by service (the module) and stage, as the CDK alarms name them', () => {
    const metrics = createPowertoolsModuleMetrics({ stage: 'prod' });
    metrics.count('hub', 'CircuitBreakerOpened');
    metrics.count('hub', 'CircuitBreakerOpened', 2);
    const documents = lines() as Array<Record<string, unknown> & { _aws: { CloudWatchMetrics: unknown[] } }>;
    expect(documents).toHaveLength(2);
    expect(documents[0]!._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: moduleMetricsNamespace,
        Dimensions: [expect.arrayContaining(Object.keys(moduleMetricDimensions('hub', 'prod')))],
        Metrics: [{ Name: 'CircuitBreakerOpened', Unit: 'Count' }],
      },
    ]);
    expect(documents[0]).toMatchObject({ ...moduleMetricDimensions('hub', 'prod'), CircuitBreakerOpened: 1 });
    expect(documents[1]).toMatchObject({ CircuitBreakerOpened: 2 });
  });
});

describe('traceClient', () => {
  const hasXRay = (client: DynamoDBClient) =>
    client.middlewareStack.identify().some((name) => /xray/i.test(name));

  it('leaves a client untouched outside Lambda, where tracing is off', () => {
    const client = new DynamoDBClient({ region: 'us-east-1' });
    expect(traceClient(client, new Tracer({ serviceName: 'sluice-http' }))).toBe(client);
    expect(hasXRay(client)).toBe(false);
  });

  it('adds X-Ray instrumentation to a client inside Lambda', () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    const client = new DynamoDBClient({ region: 'us-east-1' });
    expect(traceClient(client, new Tracer({ serviceName: 'sluice-http' }))).toBe(client);
    expect(hasXRay(client)).toBe(true);
  });
});

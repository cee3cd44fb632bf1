import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand, type StartExecutionCommandInput } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { checkoutDefinition } from '../server/src/commerce/index.ts';
import { sagaStates, type SagaState } from '../server/src/commerce/saga.ts';
import { createLocalIdentity } from '../server/src/identity/index.ts';
import { ManualClock } from '../server/src/kernel/clock.ts';
import { balanceOf, createTransfers, ensureSystemAccount, getAccount } from '../server/src/ledger/index.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import { createTableIfMissing } from '../server/src/runtime/dynamodb/dynamo-store.ts';
import { awsEnvironment } from '../server/src/runtime/aws/functions.ts';
import * as http from '../server/src/runtime/aws/handlers/http.ts';
import * as workflowTask from '../server/src/runtime/aws/handlers/workflow-task.ts';
import { createAwsPlatform, setAwsPlatform, type AwsPlatform } from '../server/src/runtime/aws/platform.ts';
import { runStateMachine } from '../server/src/runtime/local/workflow-runner.ts';
import { ensureWallet, walletAccountId } from '../server/src/wallet/index.ts';
import { dynamoLocalClientConfig } from './dynamodb-local.ts';
import { expectBooksBalanced } from './invariants.ts';

// The commerce Lambda functions (the HTTP API and one per checkout Task state), invoked in process
// on the DynamoDB store against DynamoDB Local. Mocked with aws-sdk-client-mock, because they
// cannot run here: Step Functions (StartExecution is captured; the state machine itself is played
// by the ASL runner, each Task invoking its own function's handler as Step Functions would) and
// SES (SendEmail is captured). Cognito is replaced by the local identity.

const region = 'us-east-1';
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tableName = `sluice-commerce-${randomUUID()}`;
const adminEmail = 'root@example.com';
const baseEnv = {
  AWS_REGION: region,
  [awsEnvironment.stage]: 'test',
  [awsEnvironment.tableName]: tableName,
  [awsEnvironment.eventBusName]: 'sluice-test',
  [awsEnvironment.queueUrls]: JSON.stringify({}),
  [awsEnvironment.websocketEndpoint]: `https://ws0123.execute-api.${region}.amazonaws.com/test`,
  [awsEnvironment.adminEmails]: adminEmail,
  [awsEnvironment.emailFrom]: 'Sluice Shop <shop@example.com>',
  [awsEnvironment.blobsBucket]: 'sluice-test-blobs',
  [awsEnvironment.stateMachineArns]: JSON.stringify({
    checkout: `arn:aws:states:${region}:000000000000:stateMachine:sluice-test-checkout`,
  }),
};

const sfn = mockClient(SFNClient);
const ses = mockClient(SESv2Client);
// A fixed start after any wall-clock time this test runs at, as in lambda-edge.test.ts: ids minted
// without a time (`newId`'s default, Date.now()) never go back below an id already minted in the
// process, so a clock behind the wall clock would make the outbox sweep, which compares event ids
// with the clock, see every event as newer than it is. Ahead of it, every id is at or before it.
const clock = new ManualClock(Date.UTC(2100, 0, 1));
let started: StartExecutionCommandInput[] = [];
let emails: SendEmailCommandInput[] = [];

function functionPlatform(env: Record<string, string> = {}): AwsPlatform {
  return createAwsPlatform({
    env: { ...baseEnv, ...env },
    overrides: {
      // Presigning is local (no request to S3); it needs credentials, any will do.
      clients: {
        dynamodb: dynamo,
        s3: new S3Client({ region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
      },
      identity: createLocalIdentity,
      clock,
      logger: silentLogger,
      config: { requireEmailVerification: false, signupBonus: 0 },
    },
  });
}

let httpPlatform: AwsPlatform;
const taskPlatforms = new Map<SagaState, AwsPlatform>();

beforeAll(async () => {
  await createTableIfMissing(dynamo, tableName);
  httpPlatform = functionPlatform();
  for (const state of sagaStates)
    taskPlatforms.set(state, functionPlatform({ [awsEnvironment.workflowTask]: `checkout/${state}` }));
});

afterAll(async () => {
  setAwsPlatform(undefined);
  sfn.restore();
  ses.restore();
  await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
  dynamo.destroy();
});

beforeEach(() => {
  started = [];
  emails = [];
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => {
    started.push(input);
    return {
      executionArn: `arn:aws:states:${region}:000000000000:execution:sluice-test-checkout:${input.name}`,
    };
  });
  ses.reset();
  ses.on(SendEmailCommand).callsFake((input: SendEmailCommandInput) => {
    emails.push(input);
    return { MessageId: randomUUID() };
  });
});

const lambdaContext = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'sluice-http-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:sluice-http-api`,
  memoryLimitInMB: '1024',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/sluice-http-api',
  logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 29_000,
  done() {},
  fail() {},
  succeed() {},
} satisfies Context;

function httpEvent(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ''] = path.split('?') as [string, string?];
  const headers: Record<string, string> = { host: 'api0123.execute-api.us-east-1.amazonaws.com' };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const text = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (text !== undefined) headers['content-type'] = 'application/json';
  const now = new Date(clock.now());
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'api0123',
      domainName: headers.host!,
      domainPrefix: 'api0123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: text,
    isBase64Encoded: false,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies freely
type Json = any;

async function api(
  method: string,
  path: string,
  options: Parameters<typeof httpEvent>[2] = {},
): Promise<{ status: number; json: Json }> {
  setAwsPlatform(httpPlatform);
  const result = await http.handler(httpEvent(method, path, options), lambdaContext);
  return { status: result.statusCode, json: result.body ? JSON.parse(result.body) : undefined };
}

/** Step Functions, played by the ASL runner: each Task state invokes its own function's handler. */
function executeCheckout(input: unknown): Promise<unknown> {
  const tasks = Object.fromEntries(
    sagaStates.map((state) => [
      state,
      (taskInput: unknown) => {
        setAwsPlatform(taskPlatforms.get(state)!);
        return workflowTask.handler(taskInput);
      },
    ]),
  );
  return runStateMachine(checkoutDefinition, tasks, input);
}

async function signUp(name: string, email = `${name.toLowerCase()}-${randomUUID()}@example.com`) {
  const response = await api('POST', '/v1/auth/signup', {
    body: { email, password: 'correct horse battery', name },
  });
  expect(response.status).toBe(201);
  return { id: response.json.user.id as string, email, token: response.json.access_token as string };
}

async function fund(userId: string, amount: number): Promise<void> {
  const deps = {
    store: httpPlatform.store,
    clock,
    config: httpPlatform.config,
    users: httpPlatform.identity,
    logger: silentLogger,
  };
  await ensureWallet(deps, userId);
  const issuance = await ensureSystemAccount(deps, 'issuance', 'USD');
  await createTransfers(deps, [
    {
      id: `tr_fund_${userId}`,
      debit_account_id: issuance.id,
      credit_account_id: walletAccountId(userId, 'USD'),
      amount,
      currency: 'USD',
      code: 'test_funding',
    },
  ]);
}

async function available(userId: string): Promise<number> {
  const account = await getAccount(httpPlatform, walletAccountId(userId, 'USD'));
  return account ? balanceOf(account).available : 0;
}

describe('commerce on the AWS runtime (DynamoDB Local)', () => {
  it('checks out through the HTTP function, starts the state machine, and the task functions sell exactly the stock', {
    timeout: 120_000,
  }, async () => {
    const admin = await signUp('Root', adminEmail);
    const product = await api('POST', '/v1/products', {
      token: admin.token,
      body: { name: 'Desk', price: 15_000, currency: 'USD', stock: 2, category: 'office' },
    });
    expect(product.status).toBe(201);
    const image = await api('POST', `/v1/products/${product.json.id}/image-upload`, {
      token: admin.token,
      body: { content_type: 'image/jpeg' },
    });
    expect(image.status).toBe(201);
    expect(image.json.upload_url).toMatch(
      /^https:\/\/sluice-test-blobs\.s3\.us-east-1\.amazonaws\.com\/products\//,
    );

    const buyers = [await signUp('Ann'), await signUp('Bob'), await signUp('Cyd')];
    const orders: string[] = [];
    for (const buyer of buyers) {
      await fund(buyer.id, 20_000);
      expect(
        (
          await api('POST', '/v1/cart/items', {
            token: buyer.token,
            body: { product_id: product.json.id, quantity: 1 },
          })
        ).status,
      ).toBe(200);
      const checkout = await api('POST', '/v1/checkout', {
        token: buyer.token,
        headers: { 'idempotency-key': randomUUID() },
        body: {
          shipping_address: {
            name: buyer.id,
            line1: '1 Main St',
            city: 'Springfield',
            postal_code: '12345',
            country: 'US',
          },
          payment_method: { type: 'wallet' },
        },
      });
      expect(checkout.status).toBe(202);
      orders.push(checkout.json.id);
    }
    // One execution per order, named by it (a repeated start is refused by Step Functions).
    expect(started.map((start) => start.name)).toEqual(orders);
    expect(started.map((start) => JSON.parse(start.input!))).toEqual(orders.map((id) => ({ order_id: id })));

    await Promise.all(started.map((start) => executeCheckout(JSON.parse(start.input!))));
    const statuses = [];
    for (const [index, buyer] of buyers.entries())
      statuses.push((await api('GET', `/v1/orders/${orders[index]}`, { token: buyer.token })).json);
    expect(statuses.filter((order) => order.status === 'paid')).toHaveLength(2);
    expect(
      statuses.filter((order) => order.status === 'failed').map((order) => order.failure_reason),
    ).toEqual(['out_of_stock']);
    expect((await api('GET', `/v1/products/${product.json.id}`)).json.stock).toBe(0);
    for (const [index, buyer] of buyers.entries())
      expect(await available(buyer.id)).toBe(statuses[index].status === 'paid' ? 5_000 : 20_000);
    // SES was asked for one confirmation per paid order and one failure notice, from the configured sender.
    expect(emails).toHaveLength(3);
    expect(new Set(emails.map((email) => email.FromEmailAddress))).toEqual(
      new Set(['Sluice Shop <shop@example.com>']),
    );

    // A re-run of a paid order's execution (a redrive) does nothing twice.
    const paid = orders[statuses.findIndex((order) => order.status === 'paid')]!;
    await executeCheckout({ order_id: paid });
    expect(emails).toHaveLength(3);
    expect((await api('GET', `/v1/products/${product.json.id}`)).json.stock).toBe(0);
    await expectBooksBalanced(httpPlatform.store);
  });
});

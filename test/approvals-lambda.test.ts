import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import {
  SendTaskFailureCommand,
  type SendTaskFailureCommandInput,
  SendTaskSuccessCommand,
  type SendTaskSuccessCommandInput,
  SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { approvalKeys } from '../server/src/approvals/store.ts';
import { createLocalIdentity } from '../server/src/identity/index.ts';
import { ManualClock } from '../server/src/kernel/clock.ts';
import type { EventEnvelope } from '../server/src/kernel/events.ts';
import { createTestMerchant, type TestMerchant } from '../server/src/payments/test-support.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import { outboxEventsBetween } from '../server/src/platform/outbox.ts';
import { awsEnvironment } from '../server/src/runtime/aws/functions.ts';
import * as eventConsumer from '../server/src/runtime/aws/handlers/event-consumer.ts';
import * as http from '../server/src/runtime/aws/handlers/http.ts';
import * as scheduled from '../server/src/runtime/aws/handlers/scheduled.ts';
import * as workflowTask from '../server/src/runtime/aws/handlers/workflow-task.ts';
import { createAwsPlatform, setAwsPlatform, type AwsPlatform } from '../server/src/runtime/aws/platform.ts';
import { httpEvent, lambdaContext } from '../server/src/runtime/aws/test-events.ts';
import { createTableIfMissing } from '../server/src/runtime/dynamodb/dynamo-store.ts';
import type { TestApp, TestUser } from './app-harness.ts';
import { dynamoLocalClientConfig } from './dynamodb-local.ts';

// The approval state machine's AWS path: the Lambda functions that drive it (the HTTP API, the
// approvals.state-machine subscription, the RecordTaskToken and Expire tasks, the expiry job),
// invoked in process on the DynamoDB store against DynamoDB Local. Step Functions is mocked at
// the cloud edge with aws-sdk-client-mock, because it cannot run here (and aws-local-stepfunctions
// runs no .waitForTaskToken task): StartExecution, SendTaskSuccess and SendTaskFailure are
// captured, and the test plays the state machine's part, invoking the task functions with the
// input the ASL gives them. SES (the invitation emails) is captured too; Cognito is replaced by
// the local identity.

const region = 'us-east-1';
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const tableName = `sluice-approvals-${randomUUID()}`;
const approvalArn = `arn:aws:states:${region}:000000000000:stateMachine:sluice-test-approval`;
const env = {
  AWS_REGION: region,
  [awsEnvironment.stage]: 'test',
  [awsEnvironment.tableName]: tableName,
  [awsEnvironment.eventBusName]: 'sluice-test',
  [awsEnvironment.queueUrls]: JSON.stringify({}),
  [awsEnvironment.websocketEndpoint]: `https://ws0123.execute-api.${region}.amazonaws.com/test`,
  [awsEnvironment.emailFrom]: 'Sluice <no-reply@example.com>',
  [awsEnvironment.blobsBucket]: 'sluice-test-blobs',
  [awsEnvironment.stateMachineArns]: JSON.stringify({ approval: approvalArn }),
};

const sfn = mockClient(SFNClient);
const ses = mockClient(SESv2Client);
const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
let started: StartExecutionCommandInput[] = [];
let succeeded: SendTaskSuccessCommandInput[] = [];
let failed: SendTaskFailureCommandInput[] = [];
/** Task tokens whose task no longer waits: Step Functions answers TaskTimedOut. */
let answered = new Set<string>();

function functionPlatform(extra: Record<string, string> = {}): AwsPlatform {
  return createAwsPlatform({
    env: { ...env, ...extra },
    overrides: {
      clients: { dynamodb: dynamo },
      identity: createLocalIdentity,
      clock,
      logger: silentLogger,
      config: { requireEmailVerification: false, signupBonus: 0 },
    },
  });
}

const platforms = {} as Record<'http' | 'subscription' | 'record' | 'expire' | 'job', AwsPlatform>;

beforeAll(async () => {
  await createTableIfMissing(dynamo, tableName);
  platforms.http = functionPlatform();
  platforms.subscription = functionPlatform({ [awsEnvironment.subscription]: 'approvals.state-machine' });
  platforms.record = functionPlatform({ [awsEnvironment.workflowTask]: 'approval/RecordTaskToken' });
  platforms.expire = functionPlatform({ [awsEnvironment.workflowTask]: 'approval/Expire' });
  platforms.job = functionPlatform({ [awsEnvironment.job]: 'approvals.expire' });
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
  succeeded = [];
  failed = [];
  answered = new Set();
  const names = new Set<string>();
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => {
    if (names.has(input.name!))
      throw Object.assign(new Error('Execution already exists'), { name: 'ExecutionAlreadyExists' });
    names.add(input.name!);
    started.push(input);
    return { executionArn: `${approvalArn.replace(':stateMachine:', ':execution:')}:${input.name}` };
  });
  const answer =
    <T extends { taskToken: string | undefined }>(into: T[]) =>
    (input: T) => {
      if (answered.has(input.taskToken!))
        throw Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' });
      answered.add(input.taskToken!);
      into.push(input);
      return {};
    };
  sfn.on(SendTaskSuccessCommand).callsFake(answer(succeeded));
  sfn.on(SendTaskFailureCommand).callsFake(answer(failed));
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: randomUUID() });
});

/** Runs `fn` as the function whose platform is `platform` (what `awsPlatform()` returns). */
async function as<T>(platform: AwsPlatform, fn: () => Promise<T>): Promise<T> {
  setAwsPlatform(platform);
  return fn();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies freely
type Json = any;

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Json; text: string }> {
  const result = await as(platforms.http, () =>
    http.handler(httpEvent(method, path, options), lambdaContext),
  );
  const text = result.body ?? '';
  return { status: result.statusCode, json: text ? JSON.parse(text) : undefined, text };
}

async function signUp(name: string, email = `${name}-${randomUUID()}@example.com`): Promise<TestUser> {
  const response = await call('POST', '/v1/auth/signup', {
    body: { email, password: 'correct horse battery', name },
  });
  expect(response.status, response.text).toBe(201);
  return {
    id: response.json.user.id,
    email,
    token: response.json.access_token,
    refresh_token: response.json.refresh_token,
  };
}

/** The HTTP function as the payments test helpers drive an app. */
const app = { call, signUp } as unknown as TestApp;

/** A merchant with a sandbox card connector, a connector_change policy of one approval, and an approver. */
async function setUp(): Promise<{ merchant: TestMerchant; connector: string; approver: TestUser }> {
  const merchant = await createTestMerchant(app);
  const key = (method: string, path: string, body?: unknown) =>
    call(method, path, { token: merchant.key.secret, ...(body !== undefined ? { body } : {}) });
  const connector = await key('POST', '/v1/connectors', { provider: 'sandbox_card' });
  expect(connector.status).toBe(201);
  const email = `approver-${randomUUID()}@example.com`;
  const invited = await call('POST', `/v1/merchants/${merchant.id}/members`, {
    token: merchant.owner.token,
    body: { email, role: 'approver' },
  });
  expect(invited.status).toBe(201);
  const approver = await signUp('approver', email);
  expect(
    (await key('PUT', '/v1/approval-policies', { action: 'connector_change', approvals: 1 })).status,
  ).toBe(200);
  return { merchant, connector: connector.json.id, approver };
}

/** Asks to remove the connector: 202 with a pending request. */
async function requestRemoval(merchant: TestMerchant, connector: string): Promise<string> {
  const held = await call('DELETE', `/v1/connectors/${connector}`, { token: merchant.key.secret });
  expect(held.status).toBe(202);
  return held.json.id;
}

function decide(merchant: TestMerchant, user: TestUser, id: string, decision: 'approve' | 'reject') {
  return call('POST', `/v1/approvals/${id}/${decision}`, {
    token: user.token,
    headers: { 'sluice-merchant': merchant.id },
  });
}

/**
 * The approval events written within a minute from `from` (the clock stands still but for the
 * test's advances), as EventBridge would hand them to the subscription's queue.
 */
async function approvalEvents(from: number, id: string): Promise<EventEnvelope[]> {
  const events = await outboxEventsBetween(platforms.http.store, from - 1000, from + 60_000);
  return events.filter((event) => event.source === 'sluice.approvals' && event.subject === id);
}

/** Delivers events to the approvals.state-machine function through its SQS queue's records. */
async function deliver(events: EventEnvelope[]): Promise<void> {
  const records = events.map(
    (event) =>
      ({
        messageId: randomUUID(),
        body: JSON.stringify({ 'detail-type': event.type, source: event.source, detail: event }),
      }) as SQSRecord,
  );
  const response = await as(platforms.subscription, () => eventConsumer.handler({ Records: records }));
  expect(response.batchItemFailures).toEqual([]);
}

/** Step Functions' WaitForDecision: invokes RecordTaskToken with the request and a fresh token. */
async function waitForDecision(id: string): Promise<{ token: string; result: unknown }> {
  const token = `token-${randomUUID()}`;
  const result = await as(platforms.record, () =>
    workflowTask.handler({ approval_id: id, task_token: token }),
  );
  return { token, result };
}

const storedToken = async (id: string) =>
  (await platforms.http.store.get(approvalKeys.request(id)))?.task_token as string | undefined;

describe('the approval state machine on the AWS runtime (DynamoDB Local; Step Functions mocked)', {
  timeout: 120_000,
}, () => {
  it('starts one execution per request; the final approval runs the change once and answers the waiting task', async () => {
    const { merchant, connector, approver } = await setUp();
    const from = clock.now();
    const id = await requestRemoval(merchant, connector);
    const [requested] = await approvalEvents(from, id);
    expect(requested!.type).toBe('approval.requested');
    // EventBridge may deliver an event twice: the execution name makes the second start nothing.
    await deliver([requested!]);
    await deliver([requested!]);
    expect(started).toEqual([
      {
        stateMachineArn: approvalArn,
        name: id,
        input: JSON.stringify({ approval_id: id, ttl_seconds: 72 * 3600 }),
      },
    ]);
    const { token, result } = await waitForDecision(id);
    expect(result).toEqual({ waiting: id });
    expect(await storedToken(id)).toBe(token);
    const approved = await decide(merchant, approver, id, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'executed', result: { op: 'delete', connector } });
    // The change ran in the API's transaction, once; the state machine only hears of it.
    const connectors = await call('GET', '/v1/connectors', { token: merchant.key.secret });
    expect(connectors.json.data).toEqual([]);
    const events = await approvalEvents(from, id);
    // One approval of one needed: the approving step is the executing one.
    expect(events.map((event) => event.type)).toEqual(['approval.requested', 'approval.executed']);
    await deliver(events.slice(1));
    expect(succeeded.map((answer) => ({ ...answer, output: JSON.parse(answer.output!) }))).toEqual([
      { taskToken: token, output: { status: 'executed', result: { op: 'delete', connector } } },
    ]);
    // A redelivery answers a task that no longer waits: Step Functions says so, and that is fine.
    await deliver(events.slice(1));
    expect(succeeded).toHaveLength(1);
    expect(failed).toEqual([]);
  });

  it('answers a rejection with ApprovalRejected, and nothing changes', async () => {
    const { merchant, connector, approver } = await setUp();
    const from = clock.now();
    const id = await requestRemoval(merchant, connector);
    await deliver(await approvalEvents(from, id));
    const { token } = await waitForDecision(id);
    expect((await decide(merchant, approver, id, 'reject')).json.status).toBe('rejected');
    await deliver((await approvalEvents(from, id)).slice(1));
    expect(failed).toEqual([{ taskToken: token, error: 'ApprovalRejected', cause: `${id} rejected` }]);
    expect(succeeded).toEqual([]);
    const connectors = await call('GET', '/v1/connectors', { token: merchant.key.secret });
    expect(connectors.json.data.map((c: { id: string }) => c.id)).toEqual([connector]);
  });

  it('answers the token itself when the request ended before the task got it', async () => {
    const { merchant, connector, approver } = await setUp();
    const from = clock.now();
    const id = await requestRemoval(merchant, connector);
    expect((await decide(merchant, approver, id, 'approve')).json.status).toBe('executed');
    // The events come first: no task waits yet, so nothing is answered, and nothing fails.
    await deliver(await approvalEvents(from, id));
    expect(started.map((run) => run.name)).toEqual([id]);
    expect(succeeded).toEqual([]);
    // Then the execution's WaitForDecision runs: RecordTaskToken finds the request executed.
    const { token, result } = await waitForDecision(id);
    expect(result).toEqual({ answered: 'executed' });
    expect(succeeded.map((answer) => answer.taskToken)).toEqual([token]);
    expect(await storedToken(id)).toBeUndefined();
  });

  it('ends a request no one decided: the expiry job answers ApprovalExpired, the timeout path reports it expired', async () => {
    const { merchant, connector } = await setUp();
    const from = clock.now();
    const expiring = await requestRemoval(merchant, connector);
    const timingOut = await requestRemoval(merchant, connector);
    await deliver([...(await approvalEvents(from, expiring)), ...(await approvalEvents(from, timingOut))]);
    const waiting = await waitForDecision(expiring);
    clock.advance(72 * 3600 * 1000 + 1000);
    // The second's execution timed out first: its Expire task ends the request and reports it.
    expect(await as(platforms.expire, () => workflowTask.handler({ approval_id: timingOut }))).toEqual({
      status: 'expired',
    });
    // The job (EventBridge Scheduler) ends the first; its event answers the waiting task.
    expect(await as(platforms.job, () => scheduled.runJob())).toBe(1);
    const later = clock.now();
    await deliver([...(await approvalEvents(later, expiring)), ...(await approvalEvents(later, timingOut))]);
    expect(failed).toEqual([
      {
        taskToken: waiting.token,
        error: 'ApprovalExpired',
        cause: `${expiring} expired: no decision within 72 hours`,
      },
    ]);
    const shown = await call('GET', `/v1/approvals/${timingOut}`, { token: merchant.key.secret });
    expect(shown.json.steps.map((step: { type: string }) => step.type)).toEqual(['requested', 'expired']);
    const connectors = await call('GET', '/v1/connectors', { token: merchant.key.secret });
    expect(connectors.json.data.map((c: { id: string }) => c.id)).toEqual([connector]);
  });
});

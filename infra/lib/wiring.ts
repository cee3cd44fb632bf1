import { ArnFormat, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ModuleWorkflow } from '../../server/src/platform/module.ts';
import { toEventBridgeCron } from '../../server/src/platform/scheduler.ts';
import { tableSchema } from '../../server/src/platform/table-schema.ts';
import type { SluiceFunction } from './functions.ts';

/**
 * The wiring every function gets the same way wherever it lives (the main stack for the
 * platform's functions, a module's nested stack for the module's): grants on the function's own
 * role, never on a resource policy of another stack's resource, so no stack depends on another's
 * functions.
 */

/** The DefinitionSubstitutions key for a Task state's function: `${<State>FunctionArn}` in the ASL. */
export function taskSubstitutionKey(state: string): string {
  return `${state}FunctionArn`;
}

/**
 * What every function may do to table items: exactly what the store adapter
 * (`runtime/dynamodb/dynamo-store.ts`) sends. Transactions (TransactWriteItems) are authorized per
 * item by these same actions; queries are granted apart, on the table and its named indexes.
 */
export const tableItemActions = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** The Queue-port queue actions the dead-letters API (`operations/`) takes: read its redrive policy, send a message back. */
export const deadLetterSourceActions = ['sqs:GetQueueAttributes', 'sqs:SendMessage'] as const;
/** …and on the queue's DLQ: find it by name, look through it, and delete what was redriven. */
export const deadLetterQueueActions = [
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
] as const;

/** The Cognito admin actions the http function may call, on the user pool only. */
export const cognitoAdminActions = [
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminConfirmSignUp',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminUserGlobalSignOut',
] as const;

/** The triggers of functions that run module code, so use the Notifier and Blobs ports. */
export const moduleCodeTriggers: ReadonlySet<string> = new Set([
  'http-api',
  'event-subscription',
  'queue',
  'schedule',
  'state-machine-task',
]);

/**
 * Whether a function runs module code (routes, subscriptions, consumers, jobs, workflow tasks):
 * the platform's own scheduled functions (the outbox sweeper, `ws-expire`) run none.
 */
export function runsModuleCode(spec: SluiceFunction['spec']): boolean {
  if (spec.trigger.type === 'schedule') return spec.trigger.job !== undefined;
  return moduleCodeTriggers.has(spec.trigger.type);
}

/**
 * The functions that answer a client's request first, so check that it came through CloudFront
 * (`runtime/aws/origin-verify.ts`): the HTTP API's and WebSocket `$connect`'s. `$disconnect` and
 * `$default` reach only connections `$connect` accepted.
 */
export const originCheckers: ReadonlySet<string> = new Set(['http-api', 'ws-connect']);

/** The Secrets Manager name of the header CloudFront adds to every API request. */
export function originVerifySecretName(prefix: string): string {
  return `${prefix}/origin-verify`;
}

/**
 * The functions that call the WebSocket management API: the realtime push, the merchant stream's
 * (`webhooks.merchant-stream`: `sluice listen`), the HTTP function
 * (a merchant's stream gets its API request log lines, `http/request-log.ts`) and `$default`'s pong
 * post to connections; `ws-expire` closes those whose token expired.
 */
export const websocketPushers: ReadonlySet<string> = new Set([
  'events-realtime-push',
  'events-webhooks-merchant-stream',
  'http-api',
  'ws-default',
  'ws-expire',
]);

/** A module workflow with its fixed state machine name and the ARN built from it. */
export interface NamedWorkflow {
  workflow: ModuleWorkflow & { module: string };
  name: string;
  arn: string;
}

/**
 * A workflow's state machine name and ARN, fixed by its name: task functions (which get every
 * environment variable) and the module stacks refer to it without depending on the state machine.
 */
export function namedWorkflow(
  stack: Stack,
  prefix: string,
  workflow: NamedWorkflow['workflow'],
): NamedWorkflow {
  const name = `${prefix}-${workflow.name}`;
  const arn = stack.formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return { workflow, name, arn };
}

/**
 * A Queue-port queue's URL and ARN from its fixed name `<prefix>-<queue>`, and its DLQ's ARN
 * (`<prefix>-<queue>-dlq`, as `SluiceQueues.withDeadLetterQueue` names it), valid in any stack.
 */
export function queueAddress(
  stack: Stack,
  prefix: string,
  queue: string,
): { url: string; arn: string; deadLetterArn: string } {
  const queueName = `${prefix}-${queue}`;
  const arnOf = (name: string) =>
    stack.formatArn({ service: 'sqs', resource: name, arnFormat: ArnFormat.NO_RESOURCE_NAME });
  return {
    url: `https://sqs.${stack.region}.${stack.urlSuffix}/${stack.account}/${queueName}`,
    arn: arnOf(queueName),
    deadLetterArn: arnOf(`${queueName}-dlq`),
  };
}

/** The shared resources a function's grants name, as values valid in the function's stack. */
export interface GrantTargets {
  /** The table's ARN: item actions on it and on its named indexes. */
  tableArn: string;
  /** The blobs bucket's ARN: object reads and writes (presigned URLs) for module code. */
  blobsBucketArn: string;
  /** Every workflow's state machine ARN: scheduled functions and the http function may start them. */
  workflowArns: string[];
  /**
   * State machine ARNs by workflow name, for functions that drive named workflows
   * (`startsWorkflows`, `answersWorkflows`).
   */
  workflowArnsByName?: Readonly<Record<string, string>>;
  /** The WebSocket API id and stage: the management API for the functions that push. */
  websocket: { apiId: string; stageName: string };
}

/**
 * The grants of every function, on its own role: table items (the table and its named indexes,
 * not `index/*`; no Scan, no table management); for module code the blobs objects, SES and SNS
 * (Notifier); for scheduled functions starting workflows; for pushers the WebSocket management API.
 */
export function grantFunctions(functions: Iterable<SluiceFunction>, targets: GrantTargets): void {
  const indexResources = tableSchema.indexes.map((index) => `${targets.tableArn}/index/${index.name}`);
  for (const { spec, role } of functions) {
    const stack = Stack.of(role);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TableItems',
        actions: [...tableItemActions],
        resources: [targets.tableArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TableQueries',
        actions: ['dynamodb:Query'],
        resources: [targets.tableArn, ...indexResources],
      }),
    );
    if (runsModuleCode(spec)) {
      // Module code may sign blob URLs (the signer's role must hold the object actions) and send
      // email and text messages through the Notifier port.
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'BlobObjects',
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [`${targets.blobsBucketArn}/*`],
        }),
      );
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'SendEmail',
          actions: ['ses:SendEmail'],
          resources: [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
        }),
      );
      role.addToPolicy(
        new iam.PolicyStatement({ sid: 'SendSms', actions: ['sns:Publish'], resources: ['*'] }),
      );
    }
    // Scheduled module jobs may restart workflows too (commerce resumes interrupted checkouts).
    if (spec.trigger.type === 'schedule' && runsModuleCode(spec) && targets.workflowArns.length > 0)
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'StartWorkflows',
          actions: ['states:StartExecution'],
          resources: targets.workflowArns,
        }),
      );
    // Functions that drive named workflows: starting them, answering their waiting tasks.
    const arnsOf = (names: readonly string[] | undefined) =>
      (names ?? []).map((name) => {
        const arn = targets.workflowArnsByName?.[name];
        if (!arn) throw new Error(`${spec.id} drives the workflow "${name}", which has no state machine`);
        return arn;
      });
    if (spec.startsWorkflows?.length)
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'StartOwnWorkflows',
          actions: ['states:StartExecution'],
          resources: arnsOf(spec.startsWorkflows),
        }),
      );
    if (spec.answersWorkflows?.length)
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'AnswerTaskTokens',
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: arnsOf(spec.answersWorkflows),
        }),
      );
    // The management API: pushes, $default's pong, and ws-expire's closes.
    if (websocketPushers.has(spec.id))
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['execute-api:ManageConnections'],
          resources: [
            `${stack.formatArn({ service: 'execute-api', resource: targets.websocket.apiId })}/${targets.websocket.stageName}/*/@connections/*`,
          ],
        }),
      );
  }
}

/**
 * schedule: EventBridge Scheduler runs each scheduled function on the cron expression the local
 * scheduler runs, in `scope` (the function's stack), failures to `failures`.
 */
export function scheduleFunctions(
  scope: Construct,
  functions: Iterable<SluiceFunction>,
  props: { prefix: string; group: scheduler.IScheduleGroup; failures: sqs.IQueue },
): void {
  for (const { spec, fn } of functions) {
    if (spec.trigger.type !== 'schedule') continue;
    new scheduler.Schedule(scope, `${spec.id}-schedule`, {
      scheduleName: `${props.prefix}-${spec.id}`,
      scheduleGroup: props.group,
      schedule: scheduler.ScheduleExpression.expression(
        toEventBridgeCron(spec.trigger.cron),
        TimeZone.ETC_UTC,
      ),
      target: new schedulerTargets.LambdaInvoke(fn, {
        deadLetterQueue: props.failures,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(5),
      }),
    });
  }
}

/** `settlement` → `Settlement`, `refund-retry` → `RefundRetry`: a workflow's construct id. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

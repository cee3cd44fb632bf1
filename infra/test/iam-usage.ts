import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { LambdaFunctionSpec } from '../../server/src/runtime/aws/functions.ts';
import { repositoryRoot } from '../lib/functions.ts';
import { modules } from '../../server/src/app/modules.ts';
import { moduleSecretReaders } from '../lib/module-secrets.ts';
import { originCheckers, runsModuleCode } from '../lib/wiring.ts';

/**
 * What each Lambda function's role must grant, worked out from the code rather than from the
 * grants: every `new XxxCommand(` in the server's sources (with the SDK package it is imported
 * from), mapped to its IAM action; which functions issue it ({@link issuers}, each with its
 * reason, by the function list's triggers and ids); and what the Lambda service itself does with
 * the role for the function's trigger (reading a stream, polling a queue). `iam-grants.test.ts`
 * compares that with the synthesized roles.
 */

/** One SDK call in the source: the file, the command class, and the SDK package it comes from. */
export interface SdkCall {
  file: string;
  command: string;
  sdkPackage: string;
}

const serverRoot = join(repositoryRoot, 'server/src');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.includes('contract')
      ? [path]
      : [];
  });
}

/** Every `new XxxCommand(` of an `@aws-sdk/*` package in the server's (non-test) sources. */
export function sdkCallsInSource(): SdkCall[] {
  return sourceFiles(serverRoot).flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    const packageOf = new Map<string, string>();
    for (const [, names, sdkPackage] of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g))
      for (const name of names!.split(','))
        packageOf.set(name.replace(/^\s*type\s+/, '').trim(), sdkPackage!);
    return [...new Set([...text.matchAll(/new (\w+Command)\(/g)].map((match) => match[1]!))].map(
      (command) => {
        const sdkPackage = packageOf.get(command);
        if (!sdkPackage)
          throw new Error(
            `${relative(repositoryRoot, path)}: ${command} is not imported from an @aws-sdk package`,
          );
        return { file: relative(repositoryRoot, path), command, sdkPackage };
      },
    );
  });
}

/** The server files a handler entry imports, directly or not (relative imports, followed). */
export function reachableFrom(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = entries.map((entry) => join(repositoryRoot, entry));
  while (queue.length > 0) {
    const path = queue.pop()!;
    const key = relative(repositoryRoot, path);
    if (seen.has(key)) continue;
    seen.add(key);
    const text = readFileSync(path, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+\.ts)'/g))
      queue.push(resolve(dirname(path), specifier!));
  }
  return seen;
}

/** Cognito APIs a user's own token (or none: sign-up, sign-in) authorizes: no IAM action. */
const tokenAuthorizedCognito = new Set([
  'SignUp',
  'InitiateAuth',
  'RespondToAuthChallenge',
  'GetTokensFromRefreshToken',
  'RevokeToken',
  'ChangePassword',
  'ForgotPassword',
  'ConfirmForgotPassword',
  'GetUserAttributeVerificationCode',
  'VerifyUserAttribute',
  'GlobalSignOut',
  'AssociateSoftwareToken',
  'VerifySoftwareToken',
  'SetUserMFAPreference',
]);

/** The IAM actions an SDK command needs on the caller's role ([] when IAM does not authorize it). */
export function iamActionsOf({ sdkPackage, command }: SdkCall): string[] {
  const name = command.replace(/Command$/, '');
  switch (sdkPackage) {
    case '@aws-sdk/client-dynamodb':
      // A transaction is authorized per item by the item actions it carries.
      return name === 'TransactWriteItems'
        ? ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem']
        : [`dynamodb:${name}`];
    case '@aws-sdk/client-sqs':
      return [`sqs:${name}`];
    case '@aws-sdk/client-eventbridge':
      return [`events:${name}`];
    case '@aws-sdk/client-sfn':
      return [`states:${name}`];
    case '@aws-sdk/client-apigatewaymanagementapi':
      return ['execute-api:ManageConnections'];
    case '@aws-sdk/client-cognito-identity-provider':
      if (tokenAuthorizedCognito.has(name)) return [];
      if (name.startsWith('Admin')) return [`cognito-idp:${name}`];
      throw new Error(`classify the Cognito call ${name}: IAM-authorized or token-authorized?`);
    case '@aws-sdk/client-sesv2':
      return name === 'SendEmail' ? ['ses:SendEmail'] : [`ses:${name}`];
    case '@aws-sdk/client-sns':
      return [`sns:${name}`];
    // Presigned: the URL carries the signer's permissions, so the signing role must hold them.
    // HeadObject has no action of its own: IAM authorizes it as s3:GetObject.
    case '@aws-sdk/client-s3':
      return name === 'HeadObject' ? ['s3:GetObject'] : [`s3:${name}`];
    case '@aws-sdk/client-secrets-manager':
      return [`secretsmanager:${name}`];
    case '@aws-sdk/client-scheduler':
      return [`scheduler:${name}`];
    default:
      throw new Error(`no IAM mapping for ${sdkPackage}`);
  }
}

type Who = { functions: (spec: LambdaFunctionSpec) => boolean; reason: string };
const every: Who['functions'] = () => true;
const relays: Who['functions'] = (spec) => spec.relaysOutbox === true;
const http: Who['functions'] = (spec) => spec.id === 'http-api';
const notInLambda = (reason: string): Who => ({ functions: () => false, reason });

const storeItems: Who = {
  functions: every,
  reason: 'every function reads and writes the table through the store',
};
const tableSetup = notInLambda(
  "createTableIfMissing: tests and local tools only; the stage's table is CloudFormation's",
);
const answersTasks: Who = {
  functions: (spec) => (spec.answersWorkflows?.length ?? 0) > 0,
  reason:
    "the functions that answer a state machine's waiting tasks: the subscriptions that drive it, and its tasks that answer a token themselves",
};
/** The functions that read the secrets modules declare (`SluiceModule.secrets`). */
const secretReaders = moduleSecretReaders(modules);
const deadLetters = 'the dead-letters API (operations module, in the HTTP function) lists and redrives DLQs';

/**
 * Which functions issue each SDK call, by `<file>#<Command>`, with the reason. A call found in
 * the source and missing here fails the check, as does an entry no source has any more.
 */
export const issuers: Record<string, Who> = {
  'server/src/runtime/dynamodb/dynamo-store.ts#GetItemCommand': storeItems,
  'server/src/runtime/dynamodb/dynamo-store.ts#PutItemCommand': storeItems,
  'server/src/runtime/dynamodb/dynamo-store.ts#UpdateItemCommand': storeItems,
  'server/src/runtime/dynamodb/dynamo-store.ts#DeleteItemCommand': storeItems,
  'server/src/runtime/dynamodb/dynamo-store.ts#QueryCommand': storeItems,
  'server/src/runtime/dynamodb/dynamo-store.ts#TransactWriteItemsCommand': storeItems,
  'server/src/runtime/dynamodb/dynamo-store.ts#CreateTableCommand': tableSetup,
  'server/src/runtime/dynamodb/dynamo-store.ts#DescribeTableCommand': tableSetup,
  'server/src/runtime/dynamodb/dynamo-store.ts#UpdateTimeToLiveCommand': tableSetup,
  'server/src/runtime/aws/eventbridge-bus.ts#PutEventsCommand': {
    functions: relays,
    reason: 'the outbox relays publish outbox events',
  },
  'server/src/runtime/aws/sqs-queue.ts#SendMessageCommand': {
    functions: (spec) => relays(spec) || http(spec),
    reason: `the outbox relays relay queued messages; ${deadLetters} (a redriven message goes back to its queue)`,
  },
  'server/src/runtime/aws/sqs-queue.ts#ChangeMessageVisibilityCommand': {
    functions: (spec) => spec.trigger.type === 'queue' || http(spec),
    reason: `queue consumers delay a retry; ${deadLetters} (releasing what it looked at)`,
  },
  'server/src/runtime/aws/sqs-queue.ts#ReceiveMessageCommand': { functions: http, reason: deadLetters },
  'server/src/runtime/aws/sqs-queue.ts#DeleteMessageCommand': { functions: http, reason: deadLetters },
  'server/src/runtime/aws/sqs-queue.ts#GetQueueAttributesCommand': {
    functions: http,
    reason: `${deadLetters} (a queue's redrive policy names its DLQ)`,
  },
  'server/src/runtime/aws/sqs-queue.ts#GetQueueUrlCommand': { functions: http, reason: deadLetters },
  'server/src/runtime/aws/apigw-realtime.ts#PostToConnectionCommand': {
    functions: (spec) =>
      spec.id === 'events-realtime-push' || spec.id === 'events-webhooks-merchant-stream' || http(spec),
    reason:
      "the realtime port's pushes: the realtime.push and webhooks.merchant-stream (sluice listen) subscriptions, and the HTTP function's merchant request log",
  },
  'server/src/runtime/aws/apigw-realtime.ts#DeleteConnectionCommand': {
    functions: (spec) => spec.id === 'ws-expire',
    reason: 'ws-expire closes sockets whose token expired',
  },
  'server/src/runtime/aws/handlers/websocket.ts#PostToConnectionCommand': {
    functions: (spec) => spec.id === 'ws-default',
    reason: '$default answers pings',
  },
  'server/src/runtime/aws/platform.ts#StartExecutionCommand': {
    functions: (spec) =>
      http(spec) ||
      (spec.trigger.type === 'schedule' && runsModuleCode(spec)) ||
      (spec.startsWorkflows?.length ?? 0) > 0,
    reason:
      'routes start workflows (test clocks run settlement), module jobs restart them, subscriptions start the workflows they drive (approvals)',
  },
  'server/src/runtime/aws/task-tokens.ts#SendTaskSuccessCommand': answersTasks,
  'server/src/runtime/aws/task-tokens.ts#SendTaskFailureCommand': answersTasks,
  'server/src/runtime/aws/s3-blobs.ts#GetObjectCommand': {
    functions: runsModuleCode,
    reason: 'module code signs blob download URLs',
  },
  'server/src/runtime/aws/s3-blobs.ts#PutObjectCommand': {
    functions: runsModuleCode,
    reason: 'module code signs blob upload URLs',
  },
  'server/src/runtime/aws/s3-blobs.ts#HeadObjectCommand': {
    functions: runsModuleCode,
    reason: 'module code asks whether an upload has finished (a post naming its image)',
  },
  'server/src/runtime/aws/ses-sns-notifier.ts#SendEmailCommand': {
    functions: runsModuleCode,
    reason: 'module code sends email through the Notifier port',
  },
  'server/src/runtime/aws/ses-sns-notifier.ts#PublishCommand': {
    functions: runsModuleCode,
    reason: 'module code sends text messages through the Notifier port',
  },
  'server/src/runtime/aws/secrets-manager.ts#GetSecretValueCommand': {
    functions: (spec) => originCheckers.has(spec.id) || secretReaders.has(spec.id),
    reason:
      "the HTTP and $connect functions read the origin-verify secret; the HTTP function, the functions of a module that declares secrets and the migrate function (the hub's migration re-seals under it) read those (the hub's credentials key)",
  },
  ...Object.fromEntries(
    [
      'AdminAddUserToGroup',
      'AdminConfirmSignUp',
      'AdminDeleteUser',
      'AdminUpdateUserAttributes',
      'AdminUserGlobalSignOut',
    ].map((name) => [
      `server/src/runtime/aws/cognito-identity.ts#${name}Command`,
      { functions: http, reason: 'sign-up, password change and reset run in the HTTP function' },
    ]),
  ),
  // The user's own token (or none) authorizes these: no IAM action, whoever sends them.
  ...Object.fromEntries(
    [...tokenAuthorizedCognito].map((name) => [
      `server/src/runtime/aws/cognito-identity.ts#${name}Command`,
      { functions: http, reason: 'the identity routes, in the HTTP function; authorized by tokens, not IAM' },
    ]),
  ),
};

/** What the Lambda service does with the function's role for its trigger, and what every function has. */
export function triggerActions(spec: LambdaFunctionSpec): string[] {
  const base = [
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
  ];
  switch (spec.trigger.type) {
    case 'dynamodb-stream':
      // The event source mapping reads the stream, and sends a batch that ran out of retries to
      // the failure queue.
      return [
        ...base,
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'sqs:SendMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
      ];
    case 'queue':
    case 'event-subscription':
      // The event source mapping polls the function's queue.
      return [
        ...base,
        'sqs:ReceiveMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueUrl',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
      ];
    default:
      return base;
  }
}

/** The actions a function's role must grant: its trigger's and those of every SDK call it makes. */
export function requiredActions(spec: LambdaFunctionSpec, calls: readonly SdkCall[]): Set<string> {
  const actions = new Set(triggerActions(spec));
  for (const call of calls) {
    const who = issuers[`${call.file}#${call.command}`];
    if (!who)
      throw new Error(`${call.file}: say which functions send ${call.command} (iam-usage.ts issuers)`);
    if (who.functions(spec)) for (const action of iamActionsOf(call)) actions.add(action);
  }
  return actions;
}

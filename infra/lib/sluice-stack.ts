import { ArnFormat, CfnOutput, Duration, Fn, Stack, TimeZone, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration, WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as triggers from 'aws-cdk-lib/triggers';
import type { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { modules as appModules } from '../../server/src/app/modules.ts';
import { checkModules, jobsOf, workflowsOf } from '../../server/src/app/registry.ts';
import type { SluiceModule } from '../../server/src/platform/module.ts';
import { toEventBridgeCron } from '../../server/src/platform/scheduler.ts';
import { tableSchema } from '../../server/src/platform/table-schema.ts';
import { awsEnvironment, awsQueuesOf, type QueueName } from '../../server/src/runtime/aws/functions.ts';
import { SluiceFunctions } from './functions.ts';
import { createIdentity } from './identity.ts';
import { SluiceQueues } from './messaging.ts';
import { SluiceBackup } from './backup.ts';
import { stageTable, type ExistingTable } from './table.ts';
import { SluiceMonitoring } from './monitoring.ts';
import { routesWithoutAuthorizer } from './routes.ts';
import type { StageConfig } from './stage.ts';
import { recordSubscriptions, ruleEventPattern } from './subscriptions.ts';
import { SluiceWeb } from './web.ts';

/** The DefinitionSubstitutions key for a Task state's function: `${<State>FunctionArn}` in the ASL. */
export function taskSubstitutionKey(state: string): string {
  return `${state}FunctionArn`;
}

/**
 * What every function may do to table items. Transactions (TransactWriteItems) are authorized
 * per item by these same actions.
 */
export const tableItemActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;

/** The Cognito admin actions the http function may call, on the user pool only. */
export const cognitoAdminActions = [
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminConfirmSignUp',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminUpdateUserAttributes',
] as const;

/** The stage and the optional operator settings from context. */
export interface SluiceStackProps extends StackProps {
  stage: StageConfig;
  /** Comma-separated emails put in the Admins group at sign-up (`-c adminEmails=…`). */
  adminEmails?: string;
  /**
   * The verified SES identity the Notifier sends from (`-c emailFrom=…`, e.g.
   * `Sluice <no-reply@example.com>`); sending fails loudly until it is set.
   */
  emailFrom?: string;
  /** Where alarm notifications go (`-c alarmEmail=…`); none subscribed when absent. */
  alarmEmail?: string;
  /**
   * WebSocket stage access logs (`-c websocketAccessLogs=true`): only once the account's API
   * Gateway settings name a CloudWatch Logs role, or the stage fails to deploy.
   */
  websocketAccessLogs?: boolean;
  /** The modules to deploy. Default: the app's (`app/modules.ts`). */
  modules?: readonly SluiceModule[];
  /** Use this table (restored from a backup) instead of creating one (`-c tableName=…`). */
  existingTable?: ExistingTable;
}

/**
 * The whole Sluice platform on AWS: the single table, the functions of `functions.ts` with their
 * triggers, the HTTP and WebSocket APIs, the bus and its rules, the queues with DLQs, the
 * schedules, the modules' state machines, Cognito, the dashboard behind CloudFront and WAF, and
 * the alarms. Physical names carry the stage prefix, so dev and prod share an account.
 */
export class SluiceStack extends Stack {
  readonly stage: StageConfig;
  readonly table: dynamodb.ITable;
  readonly backup: SluiceBackup;
  readonly functions: SluiceFunctions;
  readonly queues: SluiceQueues;
  /** The Blobs port's bucket: files reached through presigned URLs only. */
  readonly blobsBucket: s3.Bucket;
  /** One per module workflow, by workflow name: the ASL file the local runner runs too. */
  readonly stateMachines: ReadonlyMap<string, sfn.StateMachine>;
  readonly userPool: cognito.UserPool;
  readonly httpApi: apigwv2.HttpApi;
  readonly websocketApi: apigwv2.WebSocketApi;
  readonly websocketStage: apigwv2.WebSocketStage;
  readonly hasWebsocketAccessLogs: boolean;
  readonly web: SluiceWeb;
  readonly monitoring: SluiceMonitoring;

  constructor(scope: Construct, id: string, props: SluiceStackProps) {
    super(scope, id, props);
    const { stage } = props;
    this.stage = stage;
    this.hasWebsocketAccessLogs = props.websocketAccessLogs ?? false;
    const prefix = stage.prefix;
    const modules = props.modules ?? appModules;
    checkModules(modules);
    const awsQueues = awsQueuesOf(modules);

    this.table = stageTable(this, stage, props.existingTable);
    const table = this.table;
    this.backup = new SluiceBackup(this, 'Backup', { stage, table });
    this.queues = new SluiceQueues(this, 'Queues', { prefix });
    const portQueues = new Map<QueueName, sqs.Queue>();
    for (const [name, settings] of Object.entries(awsQueues) as Array<
      [QueueName, (typeof awsQueues)[QueueName]]
    >) {
      portQueues.set(
        name,
        this.queues.withDeadLetterQueue(name, {
          visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
          maxReceiveCount: settings.maxReceiveCount,
        }),
      );
    }

    const bus = new events.EventBus(this, 'Bus', { eventBusName: prefix });

    // The Blobs port (runtime/aws/s3-blobs.ts): private objects, reached only through presigned
    // URLs the functions sign. The browser uploads and downloads directly, so CORS allows PUT and
    // GET from any origin: the signed URL, not the origin, is the authorization.
    const blobsBucket = (this.blobsBucket = new s3.Bucket(this, 'Blobs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: stage.isProtected,
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET],
          allowedOrigins: ['*'],
          allowedHeaders: ['content-type'],
          maxAge: 3600,
        },
      ],
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: stage.removalPolicy,
    }));

    const { userPool, userPoolClient } = createIdentity(this, stage);
    this.userPool = userPool;

    const websocketApi = (this.websocketApi = new apigwv2.WebSocketApi(this, 'WebSocketApi', {
      apiName: `${prefix}-realtime`,
    }));
    const websocketStage = new apigwv2.WebSocketStage(this, 'WebSocketStage', {
      webSocketApi: websocketApi,
      stageName: stage.name,
      autoDeploy: true,
      throttle: stage.throttle,
      // WebSocket (like REST) access logs need the account-wide API Gateway CloudWatch role, a
      // singleton no one stage should own: on only when the account has it.
      accessLogSettings: props.websocketAccessLogs
        ? {
            destination: new apigwv2.LogGroupLogDestination(
              this.accessLogGroup('WebSocketAccessLogs', stage),
            ),
          }
        : undefined,
    });
    this.websocketStage = websocketStage;

    // Built from the fixed names, not the state machines, so the task functions (which get every
    // environment variable) do not depend on the state machines that depend on them.
    const workflows = workflowsOf(modules).map((workflow) => {
      const name = `${prefix}-${workflow.name}`;
      return {
        workflow,
        name,
        arn: this.formatArn({
          service: 'states',
          resource: 'stateMachine',
          resourceName: name,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      };
    });

    const environment: Record<string, string> = {
      [awsEnvironment.stage]: stage.name,
      [awsEnvironment.tableName]: table.tableName,
      [awsEnvironment.eventBusName]: bus.eventBusName,
      [awsEnvironment.queueUrls]: this.toJsonString(
        Object.fromEntries([...portQueues].map(([name, queue]) => [name, queue.queueUrl])),
      ),
      [awsEnvironment.websocketEndpoint]: websocketStage.callbackUrl,
      [awsEnvironment.userPoolId]: userPool.userPoolId,
      [awsEnvironment.userPoolClientId]: userPoolClient.userPoolClientId,
      [awsEnvironment.stateMachineArns]: JSON.stringify(
        Object.fromEntries(workflows.map(({ workflow, arn }) => [workflow.name, arn])),
      ),
      [awsEnvironment.adminEmails]: props.adminEmails ?? '',
      [awsEnvironment.emailFrom]: props.emailFrom ?? '',
      [awsEnvironment.blobsBucket]: blobsBucket.bucketName,
    };
    this.functions = new SluiceFunctions(this, 'Functions', {
      prefix,
      environment,
      logRetention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
      modules,
    });
    const functions = this.functions;

    // Every function keeps its state in the table: item actions on the table and its named
    // indexes (not `index/*`); no Scan, no table management. Only the dispatcher reads the stream.
    const tableResources = [
      table.tableArn,
      ...tableSchema.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
    ];
    for (const { role } of functions.byId.values()) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'TableItems',
          actions: [...tableItemActions],
          resources: tableResources,
        }),
      );
    }

    // The functions that run module code may sign blob URLs (the signer's role must hold the
    // object actions) and send email and text messages through the Notifier port.
    for (const { spec, role } of functions.byId.values()) {
      if (!moduleCodeTriggers.has(spec.trigger.type)) continue;
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'BlobObjects',
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [blobsBucket.arnForObjects('*')],
        }),
      );
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'SendEmail',
          actions: ['ses:SendEmail'],
          resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
        }),
      );
      role.addToPolicy(
        new iam.PolicyStatement({ sid: 'SendSms', actions: ['sns:Publish'], resources: ['*'] }),
      );
    }

    // deploy: the stored-data migrations, run by the deploy once the table, the function and its
    // grants exist, again whenever the function's code changes (a new release), and before any
    // other function is created or updated, so new code never serves unmigrated data; one that
    // throws (data newer than the code, a failed migration) fails the deploy before that.
    const others = [...functions.byId.values()].filter(({ spec }) => spec.trigger.type !== 'deploy');
    for (const { spec, fn, role } of functions.withTrigger('deploy')) {
      new triggers.Trigger(this, `${spec.id}-on-deploy`, {
        handler: fn,
        executeAfter: [table, role, fn],
        executeBefore: others.map((other) => other.fn),
        timeout: Duration.seconds(spec.timeoutSeconds + 60),
      });
    }

    // http-api: the Hono app behind the HTTP API.
    const http = functions.get('http-api');
    const httpApi = (this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `${prefix}-http`,
      createDefaultStage: false,
      corsPreflight:
        stage.corsOrigins.length === 0
          ? undefined
          : {
              allowOrigins: stage.corsOrigins,
              allowMethods: [apigwv2.CorsHttpMethod.ANY],
              allowHeaders: [
                'authorization',
                'content-type',
                'idempotency-key',
                'x-idempotency-key',
                'sluice-merchant',
              ],
              exposeHeaders: ['request-id', 'idempotent-replayed'],
              maxAge: Duration.hours(1),
            },
    }));
    const httpStage = new apigwv2.HttpStage(this, 'HttpStage', {
      httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: stage.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup('HttpAccessLogs', stage)),
      },
    });
    const httpIntegration = new HttpLambdaIntegration('HttpIntegration', http.fn, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    const userAuthorizer = new HttpUserPoolAuthorizer('CognitoJwt', userPool, {
      userPoolClients: [userPoolClient],
      authorizerName: `${prefix}-cognito`,
    });
    // People: a Cognito access token, checked by API Gateway and again by the app.
    httpApi.addRoutes({
      path: '/v1/{proxy+}',
      methods: [apigwv2.HttpMethod.ANY],
      integration: httpIntegration,
      authorizer: userAuthorizer,
    });
    // Merchants (API keys, which are not JWTs) and the public paths: no authorizer; the app checks.
    for (const path of routesWithoutAuthorizer(modules))
      httpApi.addRoutes({ path, methods: [apigwv2.HttpMethod.ANY], integration: httpIntegration });
    // Everything outside /v1 (/health, /openapi.json, /docs, /.well-known/jwks.json): public.
    httpApi.addRoutes({ path: '/{proxy+}', methods: [apigwv2.HttpMethod.ANY], integration: httpIntegration });
    http.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CognitoAdminActions',
        // What the Cognito identity adapter calls with IAM (runtime/aws/cognito-identity.ts): sign-up
        // confirmation, email_verified, the Admins group, and undoing a half-finished sign-up. Its
        // public calls (SignUp, InitiateAuth, GetTokensFromRefreshToken, RevokeToken) need no IAM.
        actions: [...cognitoAdminActions],
        resources: [userPool.userPoolArn],
      }),
    );
    // Scheduled module jobs may restart workflows too (commerce resumes interrupted checkouts).
    for (const { role } of functions.withTrigger('schedule'))
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'StartWorkflows',
          actions: ['states:StartExecution'],
          resources: workflows.map(({ arn }) => arn),
        }),
      );
    http.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StartWorkflows',
        // Routes may start their module's workflows (sandbox test clocks run settlement early).
        actions: ['states:StartExecution'],
        resources: workflows.map(({ arn }) => arn),
      }),
    );

    // websocket: $connect, $disconnect, $default.
    for (const { spec, fn } of functions.byId.values()) {
      if (spec.trigger.type !== 'websocket') continue;
      websocketApi.addRoute(spec.trigger.route, {
        integration: new WebSocketLambdaIntegration(`${spec.id}-integration`, fn),
      });
    }
    // Pushes reach sockets through the management API: the realtime subscription, and $default's pong.
    websocketStage.grantManagementApiAccess(functions.get('events-realtime-push').fn);
    websocketStage.grantManagementApiAccess(functions.get('ws-default').fn);

    // dynamodb-stream: the dispatcher, outbox → EventBridge and queued messages → SQS.
    const streamFailures = this.queues.deadLetterQueue(
      'stream-dispatch-failures',
      'the table stream dispatcher',
    );
    for (const { spec, fn } of functions.byId.values()) {
      if (spec.trigger.type !== 'dynamodb-stream') continue;
      fn.addEventSource(
        new DynamoEventSource(table, {
          // From the oldest record, so outbox items written before the first deploy still go out.
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: 100,
          maxBatchingWindow: Duration.seconds(1),
          bisectBatchOnError: true,
          retryAttempts: 10,
          reportBatchItemFailures: true,
          parallelizationFactor: 1,
          onFailure: new SqsDlq(streamFailures),
        }),
      );
    }
    // The outbox relays (the stream dispatcher and the sweeper) alone publish and enqueue.
    for (const { spec, fn } of functions.byId.values()) {
      if (!spec.relaysOutbox) continue;
      bus.grantPutEventsTo(fn);
      for (const queue of portQueues.values()) queue.grantSendMessages(fn);
    }

    // queue: the Queue port's queues.
    for (const { spec, fn } of functions.byId.values()) {
      if (spec.trigger.type !== 'queue') continue;
      const queue = portQueues.get(spec.trigger.queue);
      if (!queue) throw new Error(`queue ${spec.trigger.queue} is not in awsQueues`);
      fn.addEventSource(
        new SqsEventSource(queue, {
          batchSize: awsQueues[spec.trigger.queue]!.batchSize,
          reportBatchItemFailures: true,
        }),
      );
    }

    // event-subscription: EventBridge rule (the module's own pattern) → SQS → the function.
    const subscriptions = new Map(
      recordSubscriptions(modules).map((subscription) => [subscription.name, subscription.pattern]),
    );
    const busTargetFailures = this.queues.deadLetterQueue('bus-target-failures', 'EventBridge rule targets');
    for (const { spec, fn } of functions.byId.values()) {
      if (spec.trigger.type !== 'event-subscription') continue;
      const pattern = subscriptions.get(spec.trigger.subscription);
      if (!pattern) throw new Error(`no module subscribes ${spec.trigger.subscription}`);
      const queue = this.queues.withDeadLetterQueue(spec.id, {
        visibilityTimeout: Duration.seconds(spec.timeoutSeconds * 6),
        maxReceiveCount: 10,
      });
      new events.Rule(this, `${spec.id}-rule`, {
        ruleName: `${prefix}-${spec.id}`,
        description: `Bus subscription ${spec.trigger.subscription}`,
        eventBus: bus,
        eventPattern: ruleEventPattern(pattern) as events.EventPattern,
        targets: [
          new eventTargets.SqsQueue(queue, {
            deadLetterQueue: busTargetFailures,
            retryAttempts: 20,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
      fn.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));
    }

    // state-machine-task: each module workflow's state machine from its ASL file, tasks substituted in.
    const stateMachines = new Map<string, sfn.StateMachine>();
    for (const { workflow, name } of workflows) {
      const substitutions: Record<string, string> = {};
      const taskFunctions: lambda.IFunction[] = [];
      for (const { spec, fn } of functions.byId.values()) {
        if (spec.trigger.type !== 'state-machine-task' || spec.trigger.stateMachine !== workflow.name)
          continue;
        substitutions[taskSubstitutionKey(spec.trigger.state)] = fn.functionArn;
        taskFunctions.push(fn);
      }
      const id = pascalCase(workflow.name);
      const machine = new sfn.StateMachine(this, id, {
        stateMachineName: name,
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromString(readFileSync(workflow.definition, 'utf8')),
        definitionSubstitutions: substitutions,
        tracingEnabled: true,
        logs: {
          destination: this.logGroup(`${id}Logs`, `/aws/vendedlogs/states/${name}`, stage),
          level: sfn.LogLevel.ALL,
          includeExecutionData: true,
        },
      });
      // The ASL invokes the unqualified ARNs, so no `:*` version wildcard is granted.
      machine.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: taskFunctions.map((fn) => fn.functionArn),
        }),
      );
      stateMachines.set(workflow.name, machine);
    }
    this.stateMachines = stateMachines;

    // schedule: EventBridge Scheduler with the cron expressions the local scheduler runs.
    const scheduleFailures = this.queues.deadLetterQueue(
      'schedule-failures',
      'EventBridge Scheduler targets',
    );
    const scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', { scheduleGroupName: prefix });
    for (const { spec, fn } of functions.byId.values()) {
      if (spec.trigger.type !== 'schedule') continue;
      new scheduler.Schedule(this, `${spec.id}-schedule`, {
        scheduleName: `${prefix}-${spec.id}`,
        scheduleGroup,
        schedule: scheduler.ScheduleExpression.expression(
          toEventBridgeCron(spec.trigger.cron),
          TimeZone.ETC_UTC,
        ),
        target: new schedulerTargets.LambdaInvoke(fn, {
          deadLetterQueue: scheduleFailures,
          retryAttempts: 2,
          maxEventAge: Duration.minutes(5),
        }),
      });
    }
    // Jobs that start a workflow: the schedule starts the state machine itself.
    for (const job of jobsOf(modules)) {
      if (job.workflow === undefined) continue;
      new scheduler.Schedule(this, `${job.workflow}-schedule`, {
        scheduleName: `${prefix}-${job.name}`,
        description: job.description,
        scheduleGroup,
        schedule: scheduler.ScheduleExpression.expression(toEventBridgeCron(job.cron), TimeZone.ETC_UTC),
        target: new schedulerTargets.StepFunctionsStartExecution(stateMachines.get(job.workflow)!, {
          input: scheduler.ScheduleTargetInput.fromObject({}),
          deadLetterQueue: scheduleFailures,
          retryAttempts: 5,
          maxEventAge: Duration.hours(1),
        }),
      });
    }

    const web = (this.web = new SluiceWeb(this, 'Web', {
      stage,
      httpApiDomain: Fn.select(2, Fn.split('/', httpApi.apiEndpoint)),
      websocketApiDomain: Fn.select(2, Fn.split('/', websocketApi.apiEndpoint)),
      websocketStageName: websocketStage.stageName,
    }));

    this.monitoring = new SluiceMonitoring(this, 'Monitoring', {
      prefix,
      stage,
      httpApi,
      httpStage,
      websocketApi,
      table,
      functions: [...functions.byId.values()].map(({ fn, spec }) => ({ id: spec.id, fn })),
      deadLetterQueues: this.queues.deadLetterQueues,
      stateMachines: [...stateMachines.values()],
      alarmEmail: props.alarmEmail,
    });

    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${web.distribution.distributionDomainName}`,
      description: 'The dashboard (and the API under /v1) through CloudFront',
    });
    new CfnOutput(this, 'HttpApiUrl', {
      value: httpApi.apiEndpoint,
      description: 'The HTTP API, directly (no WAF)',
    });
    new CfnOutput(this, 'WebSocketUrl', { value: websocketStage.url, description: 'The WebSocket API' });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: userPoolClient.userPoolClientId });
    new CfnOutput(this, 'DashboardBucket', {
      value: web.bucket.bucketName,
      description: 'Where CI syncs web/dist',
    });
    new CfnOutput(this, 'DistributionId', {
      value: web.distribution.distributionId,
      description: 'Invalidated by CI after a dashboard deploy',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    for (const [name, machine] of stateMachines)
      new CfnOutput(this, `${pascalCase(name)}StateMachineArn`, { value: machine.stateMachineArn });
  }

  private accessLogGroup(id: string, stage: StageConfig): logs.LogGroup {
    return new logs.LogGroup(this, id, { retention: stage.logRetention, removalPolicy: stage.removalPolicy });
  }

  private logGroup(id: string, logGroupName: string, stage: StageConfig): logs.LogGroup {
    return new logs.LogGroup(this, id, {
      logGroupName,
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
  }
}

/** The triggers of functions that run module code, so use the Notifier and Blobs ports. */
export const moduleCodeTriggers: ReadonlySet<string> = new Set([
  'http-api',
  'event-subscription',
  'queue',
  'schedule',
  'state-machine-task',
]);

/** `settlement` → `Settlement`, `refund-retry` → `RefundRetry`: a workflow's construct id. */
function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

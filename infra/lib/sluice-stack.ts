import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration, WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as triggers from 'aws-cdk-lib/triggers';
import type { Construct } from 'constructs';
import { modules as appModules } from '../../server/src/app/modules.ts';
import { checkModules, workflowsOf } from '../../server/src/app/registry.ts';
import type { SluiceModule } from '../../server/src/platform/module.ts';
import { awsEnvironment, awsQueuesOf, lambdaFunctionsOf } from '../../server/src/runtime/aws/functions.ts';
import { originVerifyHeader } from '../../server/src/runtime/aws/origin-verify.ts';
import {
  SluiceFunctions,
  moduleFunctionSpecs,
  platformFunctionSpecs,
  type SluiceFunction,
} from './functions.ts';
import { createIdentity } from './identity.ts';
import { SluiceQueues } from './messaging.ts';
import { ModuleStack } from './module-stack.ts';
import {
  createModuleSecrets,
  grantModuleSecrets,
  moduleSecretReaders,
  moduleSecretsPrefix,
} from './module-secrets.ts';
import { SluiceBackup } from './backup.ts';
import { stageTable, type ExistingTable } from './table.ts';
import { SluiceMonitoring } from './monitoring.ts';
import type { StageConfig } from './stage.ts';
import { SluiceWeb } from './web.ts';
import {
  cognitoAdminActions,
  deadLetterQueueActions,
  deadLetterSourceActions,
  grantFunctions,
  namedWorkflow,
  originCheckers,
  originVerifySecretName,
  pascalCase,
  queueAddress,
  scheduleFunctions,
} from './wiring.ts';

export {
  cognitoAdminActions,
  moduleCodeTriggers,
  tableItemActions,
  taskSubstitutionKey,
} from './wiring.ts';

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
 * The whole Sluice platform on AWS. The main stack holds what is shared: the single table, the
 * HTTP and WebSocket APIs with the platform's own functions (HTTP, WebSocket, the outbox relays,
 * the deploy's migrations), the bus, the shared failure queues, the schedule group, Cognito, the
 * blobs bucket, the dashboard behind CloudFront and WAF, and the alarm topic with the monitoring
 * dashboard. Each module that produces functions gets a nested stack of its own ({@link ModuleStack},
 * from its definition), so the main stack does not grow with the module list. Physical names carry
 * the stage prefix, so dev and prod share an account.
 */
export class SluiceStack extends Stack {
  readonly stage: StageConfig;
  readonly table: dynamodb.ITable;
  readonly backup: SluiceBackup;
  /** The platform's own functions (main stack). */
  readonly functions: SluiceFunctions;
  /** The main stack's queues: the shared failure destinations. */
  readonly queues: SluiceQueues;
  /** One nested stack per module that produces AWS resources, by module name. */
  readonly moduleStacks: ReadonlyMap<string, ModuleStack>;
  /** The Blobs port's bucket: files reached through presigned URLs only. */
  readonly blobsBucket: s3.Bucket;
  /**
   * The front door's shared secret: CloudFront sends it in {@link originVerifyHeader} with every
   * request it forwards to the APIs, and the functions that answer them first (`originCheckers`)
   * refuse any request without it, so the execute-api URLs do not bypass CloudFront and its WAF.
   */
  readonly originVerifySecret: secretsmanager.Secret;
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
    checkFunctionPlacement(modules);

    this.table = stageTable(this, stage, props.existingTable);
    const table = this.table;
    this.backup = new SluiceBackup(this, 'Backup', { stage, table });
    this.queues = new SluiceQueues(this, 'Queues', { prefix });

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

    // The execute-api endpoints cannot be turned off without a custom domain for CloudFront to use
    // as their origin instead (none is configured), and an HTTP API has no resource policy: so
    // CloudFront proves itself with a generated secret header, checked in the functions.
    const originVerifySecret = (this.originVerifySecret = new secretsmanager.Secret(this, 'OriginVerify', {
      secretName: originVerifySecretName(prefix),
      description: `Sluice ${stage.name}: the header CloudFront adds to API requests; the API functions refuse requests without it`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      // Nothing outside the stack holds it: a new stack generates a new one.
      removalPolicy: RemovalPolicy.DESTROY,
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

    // Workflow state machine ARNs and Queue-port queue URLs are built from their fixed names, not
    // from the resources (which live in the module stacks): every function gets them in its
    // environment, so the platform's functions, the migrations included, depend on no module stack.
    const workflows = workflowsOf(modules).map((workflow) => namedWorkflow(this, prefix, workflow));
    const portQueues = Object.keys(awsQueuesOf(modules)).map((name) => ({
      name,
      ...queueAddress(this, prefix, name),
    }));

    const environment: Record<string, string> = {
      [awsEnvironment.stage]: stage.name,
      [awsEnvironment.tableName]: table.tableName,
      [awsEnvironment.eventBusName]: bus.eventBusName,
      [awsEnvironment.queueUrls]: this.toJsonString(
        Object.fromEntries(portQueues.map(({ name, url }) => [name, url])),
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
      [awsEnvironment.originVerifySecret]: originVerifySecretName(prefix),
      [awsEnvironment.secretsPrefix]: moduleSecretsPrefix(prefix),
    };
    this.functions = new SluiceFunctions(this, 'Functions', {
      prefix,
      environment,
      logRetention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
      specs: platformFunctionSpecs(),
    });
    const functions = this.functions;
    grantFunctions(functions.byId.values(), {
      tableArn: table.tableArn,
      blobsBucketArn: blobsBucket.bucketArn,
      workflowArns: workflows.map(({ arn }) => arn),
      websocket: { apiId: websocketApi.apiId, stageName: websocketStage.stageName },
    });

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
      // Every route invokes the same function: one permission for this API, not one per route
      // (each module path would otherwise add a resource to the main stack).
      scopePermissionToRoute: false,
    });
    // No API Gateway authorizer: the app verifies every token itself (http/auth.ts, the Identity
    // port), so a refused token gets the Sluice error envelope with a Request-Id, as every other
    // error does, and never API Gateway's `{"message":"Unauthorized"}`. One route takes everything.
    httpApi.addRoutes({ path: '/{proxy+}', methods: [apigwv2.HttpMethod.ANY], integration: httpIntegration });
    http.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CognitoAdminActions',
        // What the Cognito identity adapter calls with IAM (runtime/aws/cognito-identity.ts): sign-up
        // confirmation, email_verified, the Admins group, undoing a half-finished sign-up, and the
        // global sign-out of a password change or reset. Its public calls (SignUp, InitiateAuth,
        // GetTokensFromRefreshToken, RevokeToken…) are authorized by tokens, not IAM.
        actions: [...cognitoAdminActions],
        resources: [userPool.userPoolArn],
      }),
    );
    if (workflows.length > 0)
      http.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'StartWorkflows',
          // Routes may start their module's workflows (sandbox test clocks run settlement early).
          actions: ['states:StartExecution'],
          resources: workflows.map(({ arn }) => arn),
        }),
      );

    // The functions that answer a request first check CloudFront's header against the secret.
    for (const id of originCheckers)
      functions.get(id).role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadOriginVerifySecret',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [originVerifySecret.secretArn],
        }),
      );

    // The secrets the modules declare; the HTTP function (every module's routes) reads them all,
    // the migrate function those of the modules with migrations.
    const moduleSecrets = createModuleSecrets(this, {
      prefix,
      stageName: stage.name,
      removalPolicy: stage.removalPolicy,
      modules,
    });
    grantModuleSecrets([http, ...functions.withTrigger('deploy')], {
      prefix,
      readers: moduleSecretReaders(modules),
    });

    // websocket: $connect, $disconnect, $default.
    for (const { spec, fn } of functions.withTrigger('websocket')) {
      if (spec.trigger.type !== 'websocket') continue;
      websocketApi.addRoute(spec.trigger.route, {
        integration: new WebSocketLambdaIntegration(`${spec.id}-integration`, fn),
      });
    }

    // dynamodb-stream: the dispatcher, outbox → EventBridge and queued messages → SQS.
    const streamFailures = this.queues.deadLetterQueue(
      'stream-dispatch-failures',
      'the table stream dispatcher',
    );
    for (const { fn } of functions.withTrigger('dynamodb-stream')) {
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
    // The dead-letters API (operations module, admins with MFA) lists and redrives each Queue-port
    // queue's DLQ: it reads the queue's redrive policy, finds the DLQ by name, receives (and
    // releases) its messages, sends a redriven one back to its queue and deletes it from the DLQ.
    if (portQueues.length > 0) {
      http.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'RedriveToQueuePortQueues',
          actions: [...deadLetterSourceActions],
          resources: portQueues.map(({ arn }) => arn),
        }),
      );
      http.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadQueuePortDeadLetters',
          actions: [...deadLetterQueueActions],
          resources: portQueues.map(({ deadLetterArn }) => deadLetterArn),
        }),
      );
    }

    // The outbox relays (the stream dispatcher and the sweeper) alone publish; they and the
    // dead-letters API's redrive send to the Queue-port queues, by their fixed names (the queues
    // are in their modules' stacks).
    for (const { spec, role, fn } of functions.byId.values()) {
      if (!spec.relaysOutbox) continue;
      bus.grantPutEventsTo(fn);
      if (portQueues.length > 0)
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'SendToQueuePortQueues',
            actions: ['sqs:SendMessage'],
            resources: portQueues.map(({ arn }) => arn),
          }),
        );
    }

    // The shared failure destinations of the module stacks' rule and schedule targets.
    const busTargetFailures = this.queues.deadLetterQueue('bus-target-failures', 'EventBridge rule targets');
    const scheduleFailures = this.queues.deadLetterQueue(
      'schedule-failures',
      'EventBridge Scheduler targets',
    );
    const scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', { scheduleGroupName: prefix });
    scheduleFunctions(this, functions.byId.values(), {
      prefix,
      group: scheduleGroup,
      failures: scheduleFailures,
    });

    // The alarm topic and the main stack's alarms (each module stack alarms its own resources).
    const monitoring = (this.monitoring = new SluiceMonitoring(this, 'Monitoring', {
      prefix,
      stage,
      httpApi,
      httpStage,
      websocketApi,
      table,
      functions: [...functions.byId.values()].map(({ fn, spec }) => ({ id: spec.id, fn })),
      deadLetterQueues: this.queues.deadLetterQueues,
      stateMachines: [],
      alarmEmail: props.alarmEmail,
    }));

    // The modules: one nested stack each, from its definition.
    const moduleStacks = new Map<string, ModuleStack>();
    for (const module of modules) {
      if (!producesResources(module)) continue;
      moduleStacks.set(
        module.name,
        new ModuleStack(this, `Module${pascalCase(module.name)}`, {
          module,
          shared: {
            stage,
            environment,
            table,
            bus,
            blobsBucketArn: blobsBucket.bucketArn,
            websocket: { apiId: websocketApi.apiId, stageName: websocketStage.stageName },
            alarmTopic: monitoring.topic,
            busTargetFailuresArn: busTargetFailures.queueArn,
            scheduleFailuresArn: scheduleFailures.queueArn,
            scheduleGroupName: scheduleGroup.scheduleGroupName,
            workflows,
          },
        }),
      );
    }
    this.moduleStacks = moduleStacks;
    // Module schedules join the group by its (fixed) name, which is no reference: wait for it.
    for (const moduleStack of moduleStacks.values()) moduleStack.node.addDependency(scheduleGroup);
    this.stateMachines = new Map(
      [...moduleStacks.values()].flatMap((moduleStack) => [...moduleStack.stateMachines]),
    );
    // EventBridge delivers a rule's failed events to the shared queue only for the module rules,
    // named here as the module stacks name them (granted here, so no module stack extends this
    // stack's queue policy).
    const ruleArns = [...moduleStacks.values()].flatMap((moduleStack) =>
      moduleStack.functions.withTrigger('event-subscription').map(({ spec }) =>
        this.formatArn({
          service: 'events',
          resource: 'rule',
          resourceName: `${bus.eventBusName}/${prefix}-${spec.id}`,
        }),
      ),
    );
    if (ruleArns.length > 0)
      busTargetFailures.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowModuleEventRules',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [busTargetFailures.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': ruleArns } },
        }),
      );

    // deploy: the stored-data migrations, run by the deploy once the table, the function and its
    // grants exist, again whenever the function's code changes (a new release), and before any
    // other function is created or updated (the module stacks as a whole wait for it), so new code
    // never serves unmigrated data; one that throws (data newer than the code, a failed
    // migration) fails the deploy before that.
    const others = this.allFunctions().filter(({ spec }) => spec.trigger.type !== 'deploy');
    for (const { spec, fn, role } of functions.withTrigger('deploy')) {
      new triggers.Trigger(this, `${spec.id}-on-deploy`, {
        handler: fn,
        // The module secrets too: a migration may seal under one (the hub's credentials key).
        executeAfter: [table, role, fn, ...moduleSecrets],
        executeBefore: others.map((other) => other.fn),
        timeout: Duration.seconds(spec.timeoutSeconds + 60),
      });
    }

    const web = (this.web = new SluiceWeb(this, 'Web', {
      stage,
      httpApiDomain: Fn.select(2, Fn.split('/', httpApi.apiEndpoint)),
      websocketApiDomain: Fn.select(2, Fn.split('/', websocketApi.apiEndpoint)),
      websocketStageName: websocketStage.stageName,
      // A dynamic reference, resolved by CloudFormation at deploy: the value is in no template.
      originVerify: { header: originVerifyHeader, value: originVerifySecret.secretValue.unsafeUnwrap() },
    }));

    monitoring.addDashboard([...moduleStacks.values()].map((moduleStack) => moduleStack.watched));

    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${web.distribution.distributionDomainName}`,
      description: 'The dashboard (and the API under /v1) through CloudFront',
    });
    new CfnOutput(this, 'HttpApiUrl', {
      value: httpApi.apiEndpoint,
      description: 'The HTTP API origin: refuses requests that do not come through CloudFront',
    });
    new CfnOutput(this, 'WebSocketUrl', {
      value: websocketStage.url,
      description: 'The WebSocket API origin: refuses connections that do not come through CloudFront',
    });
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
    for (const { workflow, arn } of workflows)
      new CfnOutput(this, `${pascalCase(workflow.name)}StateMachineArn`, { value: arn });
  }

  /** Every Sluice function: the platform's (this stack) and each module stack's. */
  allFunctions(): SluiceFunction[] {
    return [
      ...this.functions.byId.values(),
      ...[...this.moduleStacks.values()].flatMap((moduleStack) => [...moduleStack.functions.byId.values()]),
    ];
  }

  private accessLogGroup(id: string, stage: StageConfig): logs.LogGroup {
    return new logs.LogGroup(this, id, { retention: stage.logRetention, removalPolicy: stage.removalPolicy });
  }
}

/** Whether a module's definition produces anything on AWS beyond routes: a stack of its own. */
function producesResources(module: SluiceModule): boolean {
  return (
    moduleFunctionSpecs(module).length > 0 ||
    (module.workflows ?? []).length > 0 ||
    (module.alarms ?? []).length > 0
  );
}

/**
 * Every function of the app is the platform's or exactly one module's, so splitting them across
 * the stacks loses none and builds none twice.
 */
function checkFunctionPlacement(modules: readonly SluiceModule[]): void {
  const placed = [...platformFunctionSpecs(), ...modules.flatMap(moduleFunctionSpecs)].map((spec) => spec.id);
  const expected = lambdaFunctionsOf(modules).map((spec) => spec.id);
  if (placed.length !== expected.length || [...placed].sort().join() !== [...expected].sort().join())
    throw new Error(
      `the functions split across the stacks (${placed.join(', ')}) are not the app's (${expected.join(', ')})`,
    );
}

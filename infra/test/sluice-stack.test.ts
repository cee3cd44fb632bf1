import { Validations, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { modules } from '../../server/src/app/modules.ts';
import { jobsOf } from '../../server/src/app/registry.ts';
import { settlementDefinition } from '../../server/src/payments/index.ts';
import { realtimeEventPattern } from '../../server/src/platform/realtime.ts';
import { toEventBridgeCron } from '../../server/src/platform/scheduler.ts';
import { dynamoKeySchemaDefinition, tableSchema } from '../../server/src/platform/table-schema.ts';
import {
  awsEnvironment,
  awsQueues,
  eventSubscriptionNames,
  lambdaFunctions,
} from '../../server/src/runtime/aws/functions.ts';
import { buildSluiceApp } from '../lib/app.ts';
import { wildcardResourceActions } from '../lib/nag.ts';
import { tableItemActions, taskSubstitutionKey } from '../lib/sluice-stack.ts';
import { stageNames } from '../lib/stage.ts';
import { recordSubscriptions } from '../lib/subscriptions.ts';
import {
  asArray,
  cdkJsonContext,
  referencedId,
  resourcesOf,
  synthesizeStage,
  type CfnResource,
} from './synth.ts';

const dev = synthesizeStage('dev');
const prod = synthesizeStage('prod');
const stages = [
  ['dev', dev],
  ['prod', prod],
] as const;

/** Logical id of the Lambda function built from a `functions.ts` entry. */
function functionLogicalId(stage: typeof dev, id: string): string {
  const name = `${stage.stack.stage.prefix}-${id}`;
  const found = resourcesOf(stage.template, 'AWS::Lambda::Function').find(
    ([, resource]) => resource.Properties?.FunctionName === name,
  );
  if (!found) throw new Error(`no function named ${name}`);
  return found[0];
}

function queueAlarms(stage: typeof dev): Map<string, CfnResource> {
  const alarms = new Map<string, CfnResource>();
  for (const [, alarm] of resourcesOf(stage.template, 'AWS::CloudWatch::Alarm')) {
    if (alarm.Properties?.MetricName !== 'ApproximateNumberOfMessagesVisible') continue;
    for (const dimension of asArray(alarm.Properties.Dimensions as Array<{ Name: string; Value: unknown }>)) {
      const queue = referencedId(dimension.Value);
      if (dimension.Name === 'QueueName' && queue) alarms.set(queue, alarm);
    }
  }
  return alarms;
}

describe('the table', () => {
  const definition = dynamoKeySchemaDefinition();

  it.each(stages)(
    '%s: has the shared schema keys, indexes, stream, recovery, TTL and on-demand billing',
    (_name, stage) => {
      const tables = resourcesOf(stage.template, 'AWS::DynamoDB::Table');
      expect(tables).toHaveLength(1);
      const properties = tables[0]![1].Properties!;
      expect(properties.KeySchema).toEqual(definition.KeySchema);
      expect(new Set(properties.AttributeDefinitions as unknown[])).toEqual(
        new Set(definition.AttributeDefinitions),
      );
      expect(properties.GlobalSecondaryIndexes).toEqual(definition.GlobalSecondaryIndexes);
      expect(properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(properties.StreamSpecification).toEqual({ StreamViewType: tableSchema.stream });
      expect(properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(properties.TimeToLiveSpecification).toEqual({
        AttributeName: tableSchema.ttlAttribute,
        Enabled: true,
      });
    },
  );

  it('is deletion-protected and retained in prod only', () => {
    const [[, prodTable]] = resourcesOf(prod.template, 'AWS::DynamoDB::Table') as [[string, CfnResource]];
    const [[, devTable]] = resourcesOf(dev.template, 'AWS::DynamoDB::Table') as [[string, CfnResource]];
    expect(prodTable.Properties?.DeletionProtectionEnabled).toBe(true);
    expect(prodTable.DeletionPolicy).toBe('Retain');
    expect(devTable.Properties?.DeletionProtectionEnabled).toBe(false);
    expect(devTable.DeletionPolicy).toBe('Delete');
  });
});

describe('the functions', () => {
  it('builds one function per functions.ts entry and nothing else but the deploy trigger’s provider', () => {
    const { providerFunction } = deployTrigger(dev);
    const functions = resourcesOf(dev.template, 'AWS::Lambda::Function');
    expect(functions.filter(([id]) => id !== providerFunction)).toHaveLength(lambdaFunctions.length);
  });

  it.each(lambdaFunctions.map((spec) => [spec.id, spec] as const))(
    '%s: runs on Node 24 arm64 with tracing, its handler, size and environment',
    (_id, spec) => {
      const resource = dev.template.toJSON().Resources[functionLogicalId(dev, spec.id)] as CfnResource;
      const properties = resource.Properties!;
      expect(properties.Runtime).toBe('nodejs24.x');
      expect(properties.Architectures).toEqual(['arm64']);
      expect(properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(properties.Handler).toBe(`index.${spec.handler}`);
      expect(properties.MemorySize).toBe(spec.memoryMb);
      expect(properties.Timeout).toBe(spec.timeoutSeconds);
      const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const { subscription, queue, job, workflowTask, ...everyFunction } = awsEnvironment;
      for (const name of Object.values(everyFunction)) expect(variables, name).toHaveProperty(name);
      expect(variables[subscription]).toBe(
        spec.trigger.type === 'event-subscription' ? spec.trigger.subscription : undefined,
      );
      expect(variables[queue]).toBe(spec.trigger.type === 'queue' ? spec.trigger.queue : undefined);
      expect(variables[job]).toBe(spec.trigger.type === 'schedule' ? spec.trigger.job : undefined);
      expect(variables[workflowTask]).toBe(
        spec.trigger.type === 'state-machine-task'
          ? `${spec.trigger.stateMachine}/${spec.trigger.state}`
          : undefined,
      );
      expect(variables[awsEnvironment.stage]).toBe('dev');
    },
  );

  it('gives no function an AWS managed policy', () => {
    // AWS Backup's role alone has AWS Backup's service-role policies (asserted in backup.test.ts).
    const backupRole = dev.stack.getLogicalId(dev.stack.backup.role.node.defaultChild as CfnElement);
    // CDK's provider of the deploy trigger has AWSLambdaBasicExecutionRole (asserted below).
    const { providerRole } = deployTrigger(dev);
    for (const [id, role] of resourcesOf(dev.template, 'AWS::IAM::Role'))
      if (id !== backupRole && id !== providerRole)
        expect(role.Properties?.ManagedPolicyArns, id).toBeUndefined();
  });
});

/** The deploy's trigger of the migrate function, and the function, role and version it involves. */
function deployTrigger(stage: typeof dev) {
  const triggers = resourcesOf(stage.template, 'Custom::Trigger');
  expect(triggers).toHaveLength(1);
  const [id, trigger] = triggers[0]!;
  const resources = stage.template.toJSON().Resources as Record<string, CfnResource>;
  const providerFunction = referencedId(trigger.Properties!.ServiceToken)!;
  const migrate = functionLogicalId(stage, 'migrate');
  return {
    id,
    trigger: trigger as CfnResource & { DependsOn?: string[] },
    providerFunction,
    providerRole: referencedId(resources[providerFunction]!.Properties!.Role)!,
    migrate,
    migrateRole: referencedId(resources[migrate]!.Properties!.Role)!,
  };
}

describe('the migrations a deploy runs', () => {
  it.each(stages)(
    '%s: a trigger runs the migrate function (its current code) synchronously, after the table and its grants',
    (_name, stage) => {
      const { trigger, migrate, migrateRole } = deployTrigger(stage);
      const resources = stage.template.toJSON().Resources as Record<string, CfnResource>;
      const version = referencedId(trigger.Properties!.HandlerArn)!;
      expect(resources[version]?.Type).toBe('AWS::Lambda::Version');
      expect(referencedId(resources[version]!.Properties!.FunctionName)).toBe(migrate);
      expect(trigger.Properties!.ExecuteOnHandlerChange).toBe(true);
      // Synchronous: a migration that throws fails the deploy.
      expect(trigger.Properties!.InvocationType).toBe('RequestResponse');
      const spec = lambdaFunctions.find((candidate) => candidate.id === 'migrate')!;
      expect(spec.trigger).toEqual({ type: 'deploy' });
      expect(Number(trigger.Properties!.Timeout)).toBeGreaterThan(spec.timeoutSeconds * 1000);
      const [[table]] = resourcesOf(stage.template, 'AWS::DynamoDB::Table') as [[string, CfnResource]];
      const grants = resourcesOf(stage.template, 'AWS::IAM::Policy')
        .filter(([, policy]) => asArray(policy.Properties!.Roles).map(referencedId).includes(migrateRole))
        .map(([id]) => id);
      expect(grants.length).toBeGreaterThan(0);
      expect(trigger.DependsOn).toEqual(expect.arrayContaining([table, migrateRole, ...grants]));
    },
  );

  it.each(stages)(
    '%s: runs before every other function is created or updated (Template.fromStack refuses a cycle)',
    (_name, stage) => {
      const { id: triggerId, migrate } = deployTrigger(stage);
      const resources = stage.template.toJSON().Resources as Record<string, { DependsOn?: string[] }>;
      for (const spec of lambdaFunctions) {
        const fn = functionLogicalId(stage, spec.id);
        if (fn !== migrate) expect(resources[fn]!.DependsOn, spec.id).toContain(triggerId);
      }
    },
  );

  it('gives the migrate function no more than the table’s items, the migrating modules’ secrets, its logs and its traces', () => {
    const { migrateRole } = deployTrigger(dev);
    const [[table]] = resourcesOf(dev.template, 'AWS::DynamoDB::Table') as [[string, CfnResource]];
    const role = dev.template.toJSON().Resources[migrateRole] as CfnResource;
    expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties?.Policies).toBeUndefined();
    const statements = resourcesOf(dev.template, 'AWS::IAM::Policy')
      .filter(([, policy]) => asArray(policy.Properties!.Roles).map(referencedId).includes(migrateRole))
      .flatMap(
        ([, policy]) => (policy.Properties!.PolicyDocument as { Statement: unknown[] }).Statement,
      ) as Array<{
      Action: string | string[];
      Resource: unknown;
    }>;
    const allowed = new Set([
      ...tableItemActions,
      'dynamodb:Query',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
      // Migrations re-seal stored values under the key a module reads (hub/credentials-key).
      'secretsmanager:GetSecretValue',
    ]);
    for (const statement of statements) {
      const actions = asArray(statement.Action);
      for (const action of actions) expect(allowed, action).toContain(action);
      if (actions.some((action) => action.startsWith('dynamodb:')))
        for (const resource of asArray(statement.Resource)) expect(JSON.stringify(resource)).toContain(table);
      if (actions.some((action) => action.startsWith('secretsmanager:')))
        for (const resource of asArray(statement.Resource))
          expect(JSON.stringify(resource)).toContain('hub/credentials-key');
    }
  });

  it('lets the trigger’s provider invoke the migrate function only', () => {
    const { providerRole, migrate } = deployTrigger(dev);
    const role = dev.template.toJSON().Resources[providerRole] as CfnResource;
    const policies = role.Properties!.Policies as Array<{
      PolicyDocument: { Statement: Array<{ Action: string[]; Resource: unknown }> };
    }>;
    const statements = policies.flatMap((policy) => policy.PolicyDocument.Statement);
    expect(statements.flatMap((statement) => asArray(statement.Action))).toEqual(['lambda:InvokeFunction']);
    for (const statement of statements)
      for (const resource of asArray(statement.Resource)) expect(JSON.stringify(resource)).toContain(migrate);
    expect(
      resourcesOf(dev.template, 'AWS::IAM::Policy').filter(([, policy]) =>
        asArray(policy.Properties!.Roles).map(referencedId).includes(providerRole),
      ),
    ).toEqual([]);
  });
});

describe('the queues', () => {
  for (const [name, stage] of stages) {
    const queues = resourcesOf(stage.template, 'AWS::SQS::Queue');
    const consumed = new Set(
      resourcesOf(stage.template, 'AWS::Lambda::EventSourceMapping')
        .map(([, mapping]) => referencedId(mapping.Properties?.EventSourceArn))
        .filter(Boolean),
    );
    const alarms = queueAlarms(stage);

    it(`${name}: gives every consumed queue a DLQ, and every DLQ an alarm`, () => {
      const deadLetterTargets = new Set<string>();
      for (const [id, queue] of queues) {
        if (!consumed.has(id)) continue;
        const redrive = queue.Properties?.RedrivePolicy as
          | { deadLetterTargetArn: unknown; maxReceiveCount: number }
          | undefined;
        expect(redrive, `${id} has a DLQ`).toBeDefined();
        deadLetterTargets.add(referencedId(redrive!.deadLetterTargetArn)!);
      }
      expect(deadLetterTargets.size).toBeGreaterThan(0);
      // A queue nobody consumes is a dead-letter queue or a failure destination: it must be alarmed.
      for (const [id] of queues) {
        if (!consumed.has(id)) expect(alarms.has(id), `${id} has a depth alarm`).toBe(true);
      }
      for (const id of deadLetterTargets) expect(alarms.has(id), `${id} has a depth alarm`).toBe(true);
      for (const alarm of alarms.values())
        expect(alarm.Properties).toMatchObject({
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [expect.anything()],
        });
    });
  }

  it.each(Object.entries(awsQueues))(
    '%s: copies the Queue port settings and reports partial batch failures',
    (queueName, settings) => {
      const [id, queue] = resourcesOf(dev.template, 'AWS::SQS::Queue').find(
        ([, resource]) => resource.Properties?.QueueName === `sluice-dev-${queueName}`,
      )!;
      expect(queue.Properties).toMatchObject({
        VisibilityTimeout: settings.visibilityTimeoutSeconds,
        RedrivePolicy: { maxReceiveCount: settings.maxReceiveCount },
      });
      const [, mapping] = resourcesOf(dev.template, 'AWS::Lambda::EventSourceMapping').find(
        ([, resource]) => referencedId(resource.Properties?.EventSourceArn) === id,
      )!;
      expect(mapping.Properties).toMatchObject({
        BatchSize: settings.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(mapping.Properties?.FunctionName).toEqual({
        Ref: functionLogicalId(
          dev,
          lambdaFunctions.find((spec) => spec.trigger.type === 'queue' && spec.trigger.queue === queueName)!
            .id,
        ),
      });
    },
  );

  it('reads the table stream into the dispatcher only, bisecting, bounded, with an alarmed failure destination', () => {
    const streamMappings = resourcesOf(dev.template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, mapping]) => JSON.stringify(mapping.Properties?.EventSourceArn).includes('StreamArn'),
    );
    expect(streamMappings).toHaveLength(1);
    const properties = streamMappings[0]![1].Properties!;
    expect(properties.FunctionName).toEqual({ Ref: functionLogicalId(dev, 'stream-dispatcher') });
    expect(properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(properties.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(properties.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    const destination = referencedId(
      (properties.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination,
    )!;
    expect(queueAlarms(dev).has(destination)).toBe(true);
  });
});

describe('the bus', () => {
  const recorded = recordSubscriptions();

  it("records the modules' subscriptions, exactly those functions.ts runs on AWS", () => {
    expect(recorded.map((subscription) => subscription.name).sort()).toEqual(
      [...eventSubscriptionNames].sort(),
    );
    expect(recorded.find((subscription) => subscription.name === 'realtime.push')?.pattern).toEqual(
      realtimeEventPattern,
    );
  });

  it.each(recorded.map((subscription) => [subscription.name, subscription] as const))(
    '%s: a rule with the module pattern under detail → a queue → its function',
    (name, subscription) => {
      const spec = lambdaFunctions.find(
        (candidate) =>
          candidate.trigger.type === 'event-subscription' && candidate.trigger.subscription === name,
      )!;
      const rules = resourcesOf(dev.template, 'AWS::Events::Rule').filter(
        ([, rule]) => rule.Properties?.Name === `sluice-dev-${spec.id}`,
      );
      expect(rules).toHaveLength(1);
      const rule = rules[0]![1].Properties!;
      expect(rule.EventPattern).toEqual({ detail: subscription.pattern });
      expect(referencedId(rule.EventBusName)).toBeDefined();
      const [target] = rule.Targets as Array<{ Arn: unknown; DeadLetterConfig?: { Arn: unknown } }>;
      expect(target!.DeadLetterConfig).toBeDefined();
      // The failure queue admits EventBridge for this rule (by its ARN), and its depth is alarmed.
      const deadLetter = referencedId(target!.DeadLetterConfig!.Arn)!;
      expect(queueAlarms(dev).has(deadLetter)).toBe(true);
      const [, policy] = resourcesOf(dev.template, 'AWS::SQS::QueuePolicy').find(([, candidate]) =>
        asArray(candidate.Properties?.Queues).some((queue) => referencedId(queue) === deadLetter),
      )!;
      const admitted = (
        policy.Properties!.PolicyDocument as {
          Statement: Array<{ Effect: string; Principal?: { Service?: string }; Condition?: unknown }>;
        }
      ).Statement.filter(
        (statement) =>
          statement.Effect === 'Allow' && statement.Principal?.Service === 'events.amazonaws.com',
      );
      expect(admitted).toHaveLength(1);
      // The rule's ARN on the Sluice bus: `…:rule/<bus>/<rule name>`.
      expect(JSON.stringify(admitted[0]!.Condition)).toContain(`/sluice-dev-${spec.id}"`);
      const queue = referencedId(target!.Arn);
      const mapping = resourcesOf(dev.template, 'AWS::Lambda::EventSourceMapping').find(
        ([, resource]) => referencedId(resource.Properties?.EventSourceArn) === queue,
      );
      expect(mapping?.[1].Properties?.FunctionName).toEqual({ Ref: functionLogicalId(dev, spec.id) });
    },
  );
});

/** The state machine of a workflow, by its stage-prefixed name: exactly one. */
function stateMachineNamed(stage: typeof dev, workflow: string): [string, CfnResource] {
  const found = resourcesOf(stage.template, 'AWS::StepFunctions::StateMachine').filter(
    ([, resource]) => resource.Properties?.StateMachineName === `${stage.stack.stage.prefix}-${workflow}`,
  );
  expect(found, workflow).toHaveLength(1);
  return found[0]!;
}

describe('the settlement state machine', () => {
  const text = readFileSync(settlementDefinition, 'utf8');
  const [, machine] = stateMachineNamed(dev, 'settlement');

  it('is the ASL file, unchanged, with its Lambda tasks substituted in', () => {
    expect(machine.Properties?.DefinitionString).toBe(text);
    const placeholders = [...text.matchAll(/"\$\{(\w+)\}"/g)].map((match) => match[1]).sort();
    // Its own tasks: the settlement workflow's (other workflows have state machines of their own).
    const tasks = lambdaFunctions.filter(
      (spec) => spec.trigger.type === 'state-machine-task' && spec.trigger.stateMachine === 'settlement',
    );
    expect(tasks.length).toBeGreaterThan(0);
    expect(placeholders).toEqual(
      tasks
        .map((spec) => spec.trigger.type === 'state-machine-task' && taskSubstitutionKey(spec.trigger.state))
        .sort(),
    );
    expect(Object.keys(machine.Properties?.DefinitionSubstitutions as object).sort()).toEqual(placeholders);
    for (const spec of tasks) {
      if (spec.trigger.type !== 'state-machine-task') continue;
      const definition = JSON.parse(text) as unknown;
      expect(JSON.stringify(definition)).toContain(
        `"${spec.trigger.state}":{"Type":"Task","Resource":"\${${taskSubstitutionKey(spec.trigger.state)}}"`,
      );
      expect(
        (machine.Properties?.DefinitionSubstitutions as Record<string, unknown>)[
          taskSubstitutionKey(spec.trigger.state)
        ],
      ).toEqual({ 'Fn::GetAtt': [functionLogicalId(dev, spec.id), 'Arn'] });
    }
  });

  it('logs every event with execution data and traces with X-Ray', () => {
    expect(machine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
  });
});

describe('the schedules', () => {
  const all = resourcesOf(dev.template, 'AWS::Scheduler::Schedule').map(
    ([, schedule]) => schedule.Properties!,
  );

  it.each(
    lambdaFunctions
      .filter((spec) => spec.trigger.type === 'schedule')
      .map((spec) => [spec.id, spec] as const),
  )('%s: runs on the same cron, in UTC', (id, spec) => {
    const schedule = all.find((candidate) => candidate.Name === `sluice-dev-${id}`);
    expect(schedule).toMatchObject({
      ScheduleExpression: toEventBridgeCron(spec.trigger.type === 'schedule' ? spec.trigger.cron : ''),
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
    });
    expect((schedule!.Target as { Arn: unknown }).Arn).toEqual({
      'Fn::GetAtt': [functionLogicalId(dev, id), 'Arn'],
    });
  });

  it("starts settlement on its job's cron", () => {
    const job = jobsOf(modules).find((candidate) => candidate.workflow === 'settlement')!;
    const schedule = all.find((candidate) => candidate.Name === `sluice-dev-${job.name}`);
    expect(schedule).toMatchObject({
      ScheduleExpression: toEventBridgeCron(job.cron),
      ScheduleExpressionTimezone: 'Etc/UTC',
    });
    expect(job.cron).toBe('0 0 * * *');
    const [machineId] = stateMachineNamed(dev, 'settlement');
    expect((schedule!.Target as { Arn: unknown }).Arn).toEqual({ Ref: machineId });
  });
});

describe('the HTTP and WebSocket APIs', () => {
  const routes = resourcesOf(dev.template, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties!);
  const routeByKey = new Map(routes.map((route) => [route.RouteKey as string, route]));

  it('has no authorizer: one catch-all route to the app, which authenticates every request itself', () => {
    dev.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    const httpRoutes = routes.filter((route) => !String(route.RouteKey).startsWith('$'));
    expect(httpRoutes.map((route) => route.RouteKey)).toEqual(['ANY /{proxy+}']);
    expect(httpRoutes[0]?.AuthorizationType ?? 'NONE').toBe('NONE');
  });

  it('routes $connect, $disconnect and $default to their functions', () => {
    for (const spec of lambdaFunctions) {
      if (spec.trigger.type !== 'websocket') continue;
      const route = routeByKey.get(spec.trigger.route)!;
      const integrationId = (route.Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
        .map(referencedId)
        .find(Boolean)!;
      const integration = dev.template.toJSON().Resources[integrationId] as CfnResource;
      expect(JSON.stringify(integration.Properties?.IntegrationUri)).toContain(
        functionLogicalId(dev, spec.id),
      );
    }
  });
});

describe('IAM', () => {
  const statements = stages.flatMap(([, stage]) => [
    ...resourcesOf(stage.template, 'AWS::IAM::Policy').flatMap(([id, policy]) =>
      (policy.Properties!.PolicyDocument as { Statement: unknown[] }).Statement.map(
        (statement) => [id, statement] as const,
      ),
    ),
    ...resourcesOf(stage.template, 'AWS::IAM::Role').flatMap(([id, role]) =>
      asArray(role.Properties!.Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>).flatMap(
        (policy) => policy.PolicyDocument.Statement.map((statement) => [id, statement] as const),
      ),
    ),
  ]) as Array<readonly [string, { Action: string | string[]; Resource: unknown; Effect: string }]>;

  it('has no statement with a wildcard action', () => {
    expect(statements.length).toBeGreaterThan(0);
    for (const [id, statement] of statements) {
      for (const action of asArray(statement.Action)) expect(action, id).not.toContain('*');
    }
  });

  it('grants "*" resources only for actions whose service requires it, each explained', () => {
    for (const [id, statement] of statements) {
      if (!asArray(statement.Resource).includes('*')) continue;
      for (const action of asArray(statement.Action))
        expect(Object.keys(wildcardResourceActions), `${id}: ${action} on *`).toContain(action);
    }
    for (const reason of Object.values(wildcardResourceActions)) expect(reason.length).toBeGreaterThan(20);
  });

  it("names the table's indexes instead of index/*", () => {
    expect(JSON.stringify(statements)).not.toContain('/index/*');
  });

  // The HTTP function may send too, for one reason: the dead-letters API (admins with MFA) puts a
  // redriven message back on its Queue-port queue. It publishes nothing to the bus.
  it('lets only the outbox relays (dispatcher, sweeper) publish to the bus, and them and the dead-letters redrive send to the Queue port queues', () => {
    const resources = dev.template.toJSON().Resources as Record<
      string,
      { Type: string; Properties: { Role?: unknown; Roles?: unknown } }
    >;
    const relays = lambdaFunctions.filter((spec) => spec.relaysOutbox).map((spec) => spec.id);
    expect(relays.sort()).toEqual(['stream-dispatcher', 'sweep-outbox']);
    const relayRoles = new Set(
      relays.map((id) => referencedId(resources[functionLogicalId(dev, id)]!.Properties.Role)),
    );
    const httpRole = referencedId(resources[functionLogicalId(dev, 'http-api')]!.Properties.Role)!;
    const granted = new Map<string, Set<string>>();
    for (const [id, statement] of statements) {
      const actions = asArray(statement.Action);
      if (!actions.includes('events:PutEvents') && !actions.includes('sqs:SendMessage')) continue;
      const policy = resources[id] ?? prod.template.toJSON().Resources[id];
      const roles = asArray(policy?.Properties?.Roles).map(referencedId);
      // EventBridge's own queue policy is a resource policy, not an IAM policy: not listed here.
      if (!actions.includes('events:PutEvents') && roles.length === 0) continue;
      for (const role of roles) {
        const redrives = role === httpRole && !actions.includes('events:PutEvents');
        expect(
          relayRoles.has(role!) || role?.startsWith('SchedulerRole') || redrives,
          `${id}: ${actions} for ${role}`,
        ).toBe(true);
        for (const action of actions) granted.set(role!, (granted.get(role!) ?? new Set()).add(action));
      }
    }
    expect(granted.get(httpRole)?.has('sqs:SendMessage'), 'the dead-letters redrive may send').toBe(true);
    expect(granted.get(httpRole)?.has('events:PutEvents'), 'the HTTP function publishes nothing').toBeFalsy();
    for (const role of relayRoles) {
      expect(granted.get(role!)?.has('events:PutEvents'), `${role} may put events`).toBe(true);
      expect(granted.get(role!)?.has('sqs:SendMessage'), `${role} may send messages`).toBe(true);
    }
  });
});

describe('the dashboard', () => {
  it('serves a private bucket through CloudFront with origin access control, WAF, security headers and SPA routing', () => {
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    dev.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    dev.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
          ResponseHeadersPolicyId: Match.anyValue(),
        }),
      }),
    });
    dev.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: Match.anyValue(),
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 63072000 }),
          FrameOptions: Match.objectLike({ FrameOption: 'DENY' }),
        }),
      }),
    });
  });

  it('has a CloudFront web ACL with AWS managed rules and a per-IP rate rule', () => {
    const [[, acl]] = resourcesOf(dev.template, 'AWS::WAFv2::WebACL') as [[string, CfnResource]];
    expect(acl.Properties?.Scope).toBe('CLOUDFRONT');
    const rules = acl.Properties?.Rules as Array<{
      Statement: Record<string, { Name?: string; Limit?: number }>;
    }>;
    expect(
      rules.some(
        (rule) => rule.Statement.RateBasedStatement?.Limit === dev.stack.stage.wafRateLimitPer5Minutes,
      ),
    ).toBe(true);
    expect(rules.map((rule) => rule.Statement.ManagedRuleGroupStatement?.Name).filter(Boolean)).toEqual(
      expect.arrayContaining(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']),
    );
  });
});

describe('alarms and dashboard', () => {
  const alarms = resourcesOf(dev.template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);

  it('alarms on HTTP 5xx and p95 latency', () => {
    expect(alarms.some((alarm) => alarm.Namespace === 'AWS/ApiGateway' && alarm.MetricName === '5xx')).toBe(
      true,
    );
    expect(
      alarms.some(
        (alarm) =>
          alarm.Namespace === 'AWS/ApiGateway' &&
          alarm.MetricName === 'Latency' &&
          alarm.ExtendedStatistic === 'p95',
      ),
    ).toBe(true);
  });

  it.each(lambdaFunctions.map((spec) => [spec.id] as const))('alarms when %s is throttled', (id) => {
    const logicalId = functionLogicalId(dev, id);
    expect(
      alarms.some(
        (alarm) => alarm.MetricName === 'Throttles' && JSON.stringify(alarm.Dimensions).includes(logicalId),
      ),
    ).toBe(true);
  });

  it('has a CloudWatch dashboard and an Admins group', () => {
    dev.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    dev.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'Admins' });
  });

  it("protects the prod user pool from deletion, not dev's", () => {
    prod.template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
    dev.template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });
  });
});

describe('the app', () => {
  it('refuses an unknown stage and a region where the CloudFront web ACL cannot live', () => {
    expect(() => buildSluiceApp({ context: { ...cdkJsonContext, stage: 'production' } })).toThrow(
      /unknown stage/,
    );
    expect(() => buildSluiceApp({ context: { ...cdkJsonContext, region: 'eu-west-1' } })).toThrow(
      /us-east-1/,
    );
  });
});

describe('cdk-nag AwsSolutions', () => {
  it.each(stageNames)(
    '%s: synthesizes with the pack registered (an unacknowledged error fails synth)',
    (stage) => {
      const outdir = mkdtempSync(join(tmpdir(), 'sluice-nag-'));
      onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
      const { app } = buildSluiceApp({
        outdir,
        context: { ...cdkJsonContext, stage, 'aws:cdk:bundling-stacks': [] },
      });
      expect(() => app.synth()).not.toThrow();
    },
    60_000,
  );

  it.each(stages)(
    '%s: finds only rules acknowledged on the resource or its parents, each with its reason',
    (_name, stage) => {
      const report = new AwsSolutionsChecks(stage.stack).validateScope(stage.stack);
      const byPath = new Map(stage.stack.node.findAll().map((construct) => [construct.node.path, construct]));
      const acknowledgementsOf = (construct: IConstruct | undefined): Map<string, string> => {
        const found = new Map<string, string>();
        for (let current = construct; current; current = current.node.scope) {
          for (const entry of current.node.metadata) {
            if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
              for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
                found.set(id, reason);
          }
        }
        return found;
      };
      expect(report.violations.length).toBeGreaterThan(0);
      for (const violation of report.violations) {
        for (const resource of violation.violatingResources) {
          const reason = acknowledgementsOf(byPath.get(resource.constructPath ?? '')).get(
            `AwsSolutions::${violation.ruleName}`,
          );
          expect(reason, `${violation.ruleName} on ${resource.constructPath}`).toBeDefined();
          expect(reason!.length).toBeGreaterThan(20);
        }
      }
    },
  );
});

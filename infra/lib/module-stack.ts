import { CfnParameter, Duration, NestedStack, TimeZone, type NestedStackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import type { SluiceModule } from '../../server/src/platform/module.ts';
import { toEventBridgeCron } from '../../server/src/platform/scheduler.ts';
import { awsQueuesOf } from '../../server/src/runtime/aws/functions.ts';
import { SluiceFunctions, moduleFunctionSpecs } from './functions.ts';
import { SluiceQueues } from './messaging.ts';
import { alarmResources, watchedStack, type WatchedStack } from './monitoring.ts';
import { moduleMetricAlarms } from './module-alarms.ts';
import { grantModuleSecrets, moduleSecretReaders } from './module-secrets.ts';
import type { StageConfig } from './stage.ts';
import { recordSubscriptions, ruleEventPattern } from './subscriptions.ts';
import {
  grantFunctions,
  pascalCase,
  scheduleFunctions,
  taskSubstitutionKey,
  type NamedWorkflow,
} from './wiring.ts';

/**
 * What a module stack takes from the main stack. Tokens of main-stack resources become nested
 * stack parameters; nothing here is changed from the module stack (no resource policy of a
 * main-stack resource is extended), so the main stack never depends on a module stack.
 */
export interface SharedResources {
  stage: StageConfig;
  /** The environment every function gets (`awsEnvironment` names). */
  environment: Record<string, string>;
  table: dynamodb.ITable;
  bus: events.IEventBus;
  blobsBucketArn: string;
  websocket: { apiId: string; stageName: string };
  alarmTopic: sns.ITopic;
  /** Where EventBridge rule targets fail to; its policy (main stack) admits the module rules by name. */
  busTargetFailuresArn: string;
  /** Where EventBridge Scheduler targets fail to. */
  scheduleFailuresArn: string;
  scheduleGroupName: string;
  /** Every module's workflows, by fixed name and ARN. */
  workflows: readonly NamedWorkflow[];
}

export interface ModuleStackProps extends NestedStackProps {
  module: SluiceModule;
  shared: SharedResources;
}

/**
 * Everything one module's definition produces on AWS, in a nested stack of its own so the main
 * stack stays the same size however many modules the app lists: a function per subscription
 * (EventBridge rule → SQS with DLQ → function), per Queue-port consumer (its queue and DLQ), per
 * job (EventBridge Scheduler) and per workflow Task state, each with its role, log group and
 * alarms; its state machines from their ASL files; the schedules of jobs that start a workflow.
 */
export class ModuleStack extends NestedStack {
  readonly module: SluiceModule;
  readonly functions: SluiceFunctions;
  readonly queues: SluiceQueues;
  /** Its workflows' state machines, by workflow name. */
  readonly stateMachines: ReadonlyMap<string, sfn.StateMachine>;
  /** What the main stack's dashboard shows of this stack, by name. */
  readonly watched: WatchedStack;

  constructor(scope: Construct, id: string, props: ModuleStackProps) {
    super(scope, id, {
      description: `Sluice module ${props.module.name} (${props.shared.stage.name})`,
      ...props,
    });
    const { module, shared } = props;
    const { stage } = shared;
    const prefix = stage.prefix;
    this.module = module;

    // Values named in cdk-nag acknowledgements get fixed parameter names (nag.ts).
    const parameter = (name: string, value: string) => {
      const created = new CfnParameter(this, name, { type: 'String' });
      this.setParameter(name, value);
      return created.valueAsString;
    };
    const blobsBucketArn = parameter('BlobsBucketArn', shared.blobsBucketArn);
    const websocketApiId = parameter('WebSocketApiId', shared.websocket.apiId);

    this.queues = new SluiceQueues(this, 'Queues', { prefix });
    const functions = (this.functions = new SluiceFunctions(this, 'Functions', {
      prefix,
      environment: shared.environment,
      logRetention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
      specs: moduleFunctionSpecs(module),
    }));
    const workflows = shared.workflows.filter(({ workflow }) => workflow.module === module.name);
    grantFunctions(functions.byId.values(), {
      tableArn: shared.table.tableArn,
      blobsBucketArn,
      workflowArns: shared.workflows.map(({ arn }) => arn),
      workflowArnsByName: Object.fromEntries(
        shared.workflows.map(({ workflow, arn }) => [workflow.name, arn]),
      ),
      websocket: { apiId: websocketApiId, stageName: shared.websocket.stageName },
    });

    // The secrets the module declares (created in the main stack), read by its functions by name.
    grantModuleSecrets(functions.byId.values(), { prefix, readers: moduleSecretReaders([module]) });

    // queue: the module's Queue-port queues, each with its DLQ, named as the relays address them.
    const awsQueues = awsQueuesOf([module]);
    for (const { spec, fn } of functions.withTrigger('queue')) {
      if (spec.trigger.type !== 'queue') continue;
      const settings = awsQueues[spec.trigger.queue];
      if (!settings) throw new Error(`queue ${spec.trigger.queue} is not a consumer of ${module.name}`);
      const queue = this.queues.withDeadLetterQueue(spec.trigger.queue, {
        visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
        maxReceiveCount: settings.maxReceiveCount,
      });
      fn.addEventSource(
        new SqsEventSource(queue, { batchSize: settings.batchSize, reportBatchItemFailures: true }),
      );
    }

    // event-subscription: EventBridge rule (the module's own pattern) → SQS → the function. The
    // shared failure queue is imported: its policy in the main stack admits these rules by name.
    const subscriptions = new Map(
      recordSubscriptions([module]).map((subscription) => [subscription.name, subscription.pattern]),
    );
    const busTargetFailures = sqs.Queue.fromQueueArn(this, 'BusTargetFailures', shared.busTargetFailuresArn);
    for (const { spec, fn } of functions.withTrigger('event-subscription')) {
      if (spec.trigger.type !== 'event-subscription') continue;
      const pattern = subscriptions.get(spec.trigger.subscription);
      if (!pattern) throw new Error(`${module.name} does not subscribe ${spec.trigger.subscription}`);
      const queue = this.queues.withDeadLetterQueue(spec.id, {
        visibilityTimeout: Duration.seconds(spec.timeoutSeconds * 6),
        maxReceiveCount: 10,
      });
      new events.Rule(this, `${spec.id}-rule`, {
        ruleName: `${prefix}-${spec.id}`,
        description: `Bus subscription ${spec.trigger.subscription}`,
        eventBus: shared.bus,
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

    // state-machine-task: each workflow's state machine from its ASL file, tasks substituted in.
    const stateMachines = new Map<string, sfn.StateMachine>();
    for (const { workflow, name } of workflows) {
      const substitutions: Record<string, string> = {};
      const taskFunctions: lambda.IFunction[] = [];
      for (const { spec, fn } of functions.withTrigger('state-machine-task')) {
        if (spec.trigger.type !== 'state-machine-task' || spec.trigger.stateMachine !== workflow.name)
          continue;
        substitutions[taskSubstitutionKey(spec.trigger.state)] = fn.functionArn;
        taskFunctions.push(fn);
      }
      const machineId = pascalCase(workflow.name);
      const machine = new sfn.StateMachine(this, machineId, {
        stateMachineName: name,
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromString(readFileSync(workflow.definition, 'utf8')),
        definitionSubstitutions: substitutions,
        tracingEnabled: true,
        logs: {
          destination: new logs.LogGroup(this, `${machineId}Logs`, {
            logGroupName: `/aws/vendedlogs/states/${name}`,
            retention: stage.logRetention,
            removalPolicy: stage.removalPolicy,
          }),
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

    // schedule: the module's jobs on EventBridge Scheduler, in the stage's schedule group.
    const scheduleGroup = scheduler.ScheduleGroup.fromScheduleGroupName(
      this,
      'Schedules',
      shared.scheduleGroupName,
    );
    const scheduleFailures = sqs.Queue.fromQueueArn(this, 'ScheduleFailures', shared.scheduleFailuresArn);
    scheduleFunctions(this, functions.byId.values(), {
      prefix,
      group: scheduleGroup,
      failures: scheduleFailures,
    });
    // Jobs that start a workflow: the schedule starts the state machine itself.
    for (const job of module.jobs ?? []) {
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

    const alarmed = {
      prefix,
      functions: [...functions.byId.values()].map(({ fn, spec }) => ({ id: spec.id, fn })),
      deadLetterQueues: this.queues.deadLetterQueues,
      stateMachines: [...stateMachines.values()],
    };
    const monitoring = new Construct(this, 'Monitoring');
    const alarms = [
      ...alarmResources(monitoring, { ...alarmed, topic: shared.alarmTopic }),
      // The alarms the module declares, on the metrics its code counts.
      ...moduleMetricAlarms(monitoring, { prefix, stageName: stage.name, module, topic: shared.alarmTopic }),
    ];
    this.watched = watchedStack({ ...alarmed, alarms });
  }
}

import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import type { DeadLetterQueue } from './messaging.ts';
import type { StageConfig } from './stage.ts';

/** Resources alarmed in one stack: its functions, dead-letter queues and state machines. */
export interface AlarmedResources {
  functions: Array<{ id: string; fn: lambda.Function }>;
  deadLetterQueues: DeadLetterQueue[];
  stateMachines: sfn.StateMachine[];
}

/**
 * What the dashboard shows of a stack it does not hold (a module's nested stack), by physical
 * name: the names are fixed (`<prefix>-<id>`), so the main stack takes no reference to the nested
 * stacks and deploys independently of them.
 */
export interface WatchedStack {
  functionNames: Array<{ id: string; functionName: string }>;
  deadLetterQueueNames: string[];
  stateMachineArns: Array<{ id: string; arn: string }>;
  alarmNames: string[];
}

/** The resources to watch, and where alarms go. */
export interface SluiceMonitoringProps extends AlarmedResources {
  prefix: string;
  stage: StageConfig;
  httpApi: apigwv2.HttpApi;
  httpStage: apigwv2.HttpStage;
  websocketApi: apigwv2.WebSocketApi;
  table: dynamodb.ITable;
  alarmEmail?: string;
}

const fiveMinutes = Duration.minutes(5);
const oneMinute = Duration.minutes(1);

/**
 * The account and table limits growth meets first (AWS defaults in us-east-1; both can be raised
 * by a Service Quotas request), and the share of them that raises an alarm, so there is time to
 * ask before requests are throttled.
 */
export const growthLimits = {
  /** Lambda concurrent executions per account and region (new accounts may start lower: check yours). */
  lambdaConcurrentExecutions: 1_000,
  /** DynamoDB on-demand: read and write request units per second per table. */
  tableReadUnitsPerSecond: 40_000,
  tableWriteUnitsPerSecond: 40_000,
  /** Alarm when a minute's use reaches this share of a limit, three minutes running. */
  warnAt: 0.8,
} as const;

interface AlarmOptions {
  threshold: number;
  evaluationPeriods?: number;
  description: string;
}

/** One alarm `<prefix>-<name>` in `scope`, notifying `topic`. */
export function createAlarm(
  scope: Construct,
  prefix: string,
  topic: sns.ITopic,
  name: string,
  metric: cloudwatch.IMetric,
  options: AlarmOptions,
): cloudwatch.Alarm {
  const created = new cloudwatch.Alarm(scope, name, {
    alarmName: `${prefix}-${name}`,
    alarmDescription: options.description,
    metric,
    threshold: options.threshold,
    evaluationPeriods: options.evaluationPeriods ?? 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  created.addAlarmAction(new SnsAction(topic));
  return created;
}

/**
 * The alarms on a stack's own resources, created in `scope` (so in that stack): every
 * dead-letter queue's depth, each function's throttles and errors, the dispatcher's stream lag,
 * each state machine's failed executions.
 */
export function alarmResources(
  scope: Construct,
  props: AlarmedResources & { prefix: string; topic: sns.ITopic },
): cloudwatch.Alarm[] {
  const alarms: cloudwatch.Alarm[] = [];
  const alarm = (name: string, metric: cloudwatch.IMetric, options: AlarmOptions) => {
    const created = createAlarm(scope, props.prefix, props.topic, name, metric, options);
    alarms.push(created);
    return created;
  };
  for (const { queue, source } of props.deadLetterQueues) {
    const depth = queue.metricApproximateNumberOfMessagesVisible({
      period: fiveMinutes,
      statistic: 'Maximum',
    });
    alarm(`dlq-${queue.node.id}`, depth, {
      threshold: 1,
      description: `A message is waiting in the dead-letter queue of ${source}`,
    });
  }
  for (const { id: functionId, fn } of props.functions) {
    alarm(`throttles-${functionId}`, fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }), {
      threshold: 1,
      description: `Lambda ${functionId} was throttled`,
    });
    alarm(`errors-${functionId}`, fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }), {
      threshold: 5,
      description: `Lambda ${functionId}: 5 or more errors in 5 minutes`,
    });
  }
  const dispatcher = props.functions.find(({ id: functionId }) => functionId === 'stream-dispatcher');
  if (dispatcher) {
    alarm(
      'stream-iterator-age',
      dispatcher.fn.metric('IteratorAge', { period: fiveMinutes, statistic: 'Maximum' }),
      {
        threshold: 60_000,
        evaluationPeriods: 3,
        description: 'Outbox events are more than a minute behind the table for 15 minutes',
      },
    );
  }
  for (const machine of props.stateMachines) {
    alarm(`failed-${machine.node.id}`, machine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }), {
      threshold: 1,
      description: `State machine ${machine.node.id}: an execution failed`,
    });
  }
  return alarms;
}

/** What the dashboard shows of a stack's own resources, as {@link WatchedStack} names. */
export function watchedStack(
  resources: AlarmedResources & { prefix: string; alarms: cloudwatch.Alarm[] },
): WatchedStack {
  return {
    functionNames: resources.functions.map(({ id }) => ({ id, functionName: `${resources.prefix}-${id}` })),
    deadLetterQueueNames: resources.deadLetterQueues.map(({ queue }) => queueNameOf(queue)),
    stateMachineArns: resources.stateMachines.map((machine) => ({
      id: machine.node.id,
      arn: stateMachineArnOf(machine),
    })),
    alarmNames: resources.alarms.map((alarm) => alarmNameOf(alarm)),
  };
}

/** The physical name a construct was given (`queueName`, `alarmName`…), which must be a literal. */
function literalProperty(construct: IConstruct, property: string): string {
  const value = (construct.node.defaultChild as unknown as Record<string, unknown>)[property];
  if (typeof value !== 'string' || Token.isUnresolved(value))
    throw new Error(`${construct.node.path} has no literal ${property}: the dashboard finds it by name`);
  return value;
}
const queueNameOf = (queue: IConstruct) => literalProperty(queue, 'queueName');
const alarmNameOf = (alarm: IConstruct) => literalProperty(alarm, 'alarmName');
function stateMachineArnOf(machine: sfn.StateMachine): string {
  return Stack.of(machine).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: literalProperty(machine, 'stateMachineName'),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * The main stack's alarms (HTTP 5xx, p95 latency, table throttles, and {@link alarmResources} on
 * its own functions and dead-letter queues), all notifying one SNS topic that the module stacks'
 * alarms notify too, and one CloudWatch dashboard of every stack's signals.
 */
export class SluiceMonitoring extends Construct {
  readonly topic: sns.Topic;
  /** Set by {@link addDashboard}, once the module stacks exist. */
  dashboard?: cloudwatch.Dashboard;
  /** The main stack's alarms (each module stack holds its own). */
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: SluiceMonitoringProps) {
    super(scope, id);
    const { prefix } = props;
    this.topic = new sns.Topic(this, 'Alarms', { topicName: `${prefix}-alarms`, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const alarm = (name: string, metric: cloudwatch.IMetric, options: AlarmOptions) => {
      const created = createAlarm(this, prefix, this.topic, name, metric, options);
      this.alarms.push(created);
      return created;
    };

    const http5xx = props.httpStage.metricServerError({ period: fiveMinutes, statistic: 'Sum' });
    const httpLatency = props.httpStage.metricLatency({ period: fiveMinutes, statistic: 'p95' });
    const httpCount = props.httpStage.metricCount({ period: fiveMinutes, statistic: 'Sum' });
    alarm('http-5xx', http5xx, {
      threshold: 5,
      description: 'HTTP API: 5 or more 5xx responses in 5 minutes',
    });
    alarm('http-latency-p95', httpLatency, {
      threshold: props.stage.latencyP95Threshold.toMilliseconds(),
      evaluationPeriods: 3,
      description: `HTTP API: p95 latency at or above ${props.stage.latencyP95Threshold.toMilliseconds()} ms for 15 minutes`,
    });
    this.alarms.push(...alarmResources(this, { ...props, topic: this.topic }));

    const tableThrottles = new cloudwatch.MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: new cloudwatch.Metric({
          namespace: 'AWS/DynamoDB',
          metricName: 'ReadThrottleEvents',
          dimensionsMap: { TableName: props.table.tableName },
          statistic: 'Sum',
        }),
        writes: new cloudwatch.Metric({
          namespace: 'AWS/DynamoDB',
          metricName: 'WriteThrottleEvents',
          dimensionsMap: { TableName: props.table.tableName },
          statistic: 'Sum',
        }),
      },
      period: fiveMinutes,
      label: 'Table throttle events',
    });
    alarm('table-throttles', tableThrottles, {
      threshold: 1,
      description: 'DynamoDB throttled requests on the table',
    });
    // Before the limits: the account's Lambda concurrency, and the table's on-demand throughput.
    alarm(
      'lambda-concurrency',
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'ConcurrentExecutions',
        statistic: 'Maximum',
        period: oneMinute,
      }),
      {
        threshold: growthLimits.lambdaConcurrentExecutions * growthLimits.warnAt,
        evaluationPeriods: 3,
        description: `Lambda concurrency in this account and region is at ${growthLimits.warnAt * 100}% of ${growthLimits.lambdaConcurrentExecutions}: request a higher quota before invocations are throttled`,
      },
    );
    for (const [name, metricName, perSecond] of [
      ['table-read-units', 'ConsumedReadCapacityUnits', growthLimits.tableReadUnitsPerSecond],
      ['table-write-units', 'ConsumedWriteCapacityUnits', growthLimits.tableWriteUnitsPerSecond],
    ] as const) {
      alarm(
        name,
        new cloudwatch.Metric({
          namespace: 'AWS/DynamoDB',
          metricName,
          dimensionsMap: { TableName: props.table.tableName },
          statistic: 'Sum',
          period: oneMinute,
        }),
        {
          threshold: perSecond * 60 * growthLimits.warnAt,
          evaluationPeriods: 3,
          description: `The table's ${metricName} is at ${growthLimits.warnAt * 100}% of the on-demand limit of ${perSecond} per second: request a higher table quota`,
        },
      );
    }

    this.#props = props;
    this.#http = { count: httpCount, errors: http5xx, latency: httpLatency };
    this.#tableThrottles = tableThrottles;
  }

  readonly #props: SluiceMonitoringProps;
  readonly #http: Record<'count' | 'errors' | 'latency', cloudwatch.IMetric>;
  readonly #tableThrottles: cloudwatch.IMetric;

  /**
   * The CloudWatch dashboard of this stack's signals and the module stacks' (found by name, so
   * this stack takes no reference to theirs): HTTP, Lambda, dead-letter queues, the table, state
   * machines, and every alarm's status.
   */
  addDashboard(moduleStacks: readonly WatchedStack[]): cloudwatch.Dashboard {
    if (this.dashboard) throw new Error('the dashboard is already built');
    const props = this.#props;
    const { prefix } = props;
    const { count: httpCount, errors: http5xx, latency: httpLatency } = this.#http;
    const tableThrottles = this.#tableThrottles;
    const stacks = [watchedStack({ ...props, alarms: this.alarms }), ...moduleStacks];
    const functions = stacks.flatMap((stack) => stack.functionNames);
    const lambdaMetric = (metricName: string, functionName: string, label: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName,
        dimensionsMap: { FunctionName: functionName },
        label,
        period: fiveMinutes,
        statistic,
      });
    const deadLetterDepths = stacks
      .flatMap((stack) => stack.deadLetterQueueNames)
      .map(
        (queueName) =>
          new cloudwatch.Metric({
            namespace: 'AWS/SQS',
            metricName: 'ApproximateNumberOfMessagesVisible',
            dimensionsMap: { QueueName: queueName },
            label: queueName,
            period: fiveMinutes,
            statistic: 'Maximum',
          }),
      );
    const machineMetric = (metricName: string, id: string, arn: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/States',
        metricName,
        dimensionsMap: { StateMachineArn: arn },
        label: `${id} ${metricName}`,
        period: fiveMinutes,
        statistic: 'Sum',
      });
    const otherAlarms = moduleStacks
      .flatMap((stack) => stack.alarmNames)
      .map((alarmName) => cloudwatch.Alarm.fromAlarmName(this, `watched-${alarmName}`, alarmName));

    const dashboard = (this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: prefix,
    }));
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'HTTP API requests and 5xx',
        left: [httpCount],
        right: [http5xx],
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'HTTP API latency p95 (ms)', left: [httpLatency], width: 12 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda errors',
        left: functions.map(({ id: functionId, functionName }) =>
          lambdaMetric('Errors', functionName, functionId, 'Sum'),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda throttles',
        left: functions.map(({ id: functionId, functionName }) =>
          lambdaMetric('Throttles', functionName, functionId, 'Sum'),
        ),
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda duration p95 (ms)',
        left: functions.map(({ id: functionId, functionName }) =>
          lambdaMetric('Duration', functionName, functionId, 'p95'),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Dead-letter queue depth', left: deadLetterDepths, width: 12 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB consumed capacity and throttles',
        left: [
          props.table.metricConsumedReadCapacityUnits({ period: fiveMinutes }),
          props.table.metricConsumedWriteCapacityUnits({ period: fiveMinutes }),
        ],
        right: [tableThrottles],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'State machine executions',
        left: stacks
          .flatMap((stack) => stack.stateMachineArns)
          .flatMap(({ id: machineId, arn }) => [
            machineMetric('ExecutionsStarted', machineId, arn),
            machineMetric('ExecutionsSucceeded', machineId, arn),
            machineMetric('ExecutionsFailed', machineId, arn),
          ]),
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...this.alarms, ...otherAlarms],
        width: 24,
      }),
    );
    return dashboard;
  }
}

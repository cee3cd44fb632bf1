import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { DeadLetterQueue } from './messaging.ts';
import type { StageConfig } from './stage.ts';

/** The resources to watch, and where alarms go. */
export interface SluiceMonitoringProps {
  prefix: string;
  stage: StageConfig;
  httpApi: apigwv2.HttpApi;
  httpStage: apigwv2.HttpStage;
  websocketApi: apigwv2.WebSocketApi;
  table: dynamodb.ITable;
  functions: Array<{ id: string; fn: lambda.Function }>;
  deadLetterQueues: DeadLetterQueue[];
  stateMachines: sfn.StateMachine[];
  alarmEmail?: string;
}

const fiveMinutes = Duration.minutes(5);

/**
 * The alarms (HTTP 5xx, p95 latency, every dead-letter queue's depth, Lambda and DynamoDB
 * throttles, function errors, stream lag, failed settlements), all notifying one SNS topic, and a
 * CloudWatch dashboard of the same signals.
 */
export class SluiceMonitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: SluiceMonitoringProps) {
    super(scope, id);
    const { prefix } = props;
    this.topic = new sns.Topic(this, 'Alarms', { topicName: `${prefix}-alarms`, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      options: { threshold: number; evaluationPeriods?: number; description: string },
    ) => {
      const created = new cloudwatch.Alarm(this, name, {
        alarmName: `${prefix}-${name}`,
        alarmDescription: options.description,
        metric,
        threshold: options.threshold,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new SnsAction(this.topic));
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

    const deadLetterDepths = props.deadLetterQueues.map(({ queue, source }) => {
      const depth = queue.metricApproximateNumberOfMessagesVisible({
        period: fiveMinutes,
        statistic: 'Maximum',
      });
      alarm(`dlq-${queue.node.id}`, depth, {
        threshold: 1,
        description: `A message is waiting in the dead-letter queue of ${source}`,
      });
      return depth;
    });

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

    for (const machine of props.stateMachines) {
      alarm(`failed-${machine.node.id}`, machine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }), {
        threshold: 1,
        description: `State machine ${machine.node.id}: an execution failed`,
      });
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: prefix });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'HTTP API requests and 5xx',
        left: [httpCount],
        right: [http5xx],
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'HTTP API latency p95 (ms)', left: [httpLatency], width: 12 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda errors',
        left: props.functions.map(({ id: functionId, fn }) =>
          fn.metricErrors({ label: functionId, period: fiveMinutes }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda throttles',
        left: props.functions.map(({ id: functionId, fn }) =>
          fn.metricThrottles({ label: functionId, period: fiveMinutes }),
        ),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda duration p95 (ms)',
        left: props.functions.map(({ id: functionId, fn }) =>
          fn.metricDuration({ label: functionId, period: fiveMinutes, statistic: 'p95' }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Dead-letter queue depth', left: deadLetterDepths, width: 12 }),
    );
    this.dashboard.addWidgets(
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
        title: 'Settlement executions',
        left: props.stateMachines.flatMap((machine) => [
          machine.metricStarted({ period: fiveMinutes }),
          machine.metricSucceeded({ period: fiveMinutes }),
          machine.metricFailed({ period: fiveMinutes }),
        ]),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
  }
}

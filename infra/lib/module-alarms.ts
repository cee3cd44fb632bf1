import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { SluiceModule } from '../../server/src/platform/module.ts';
import { moduleMetricDimensions, moduleMetricsNamespace } from '../../server/src/platform/telemetry.ts';
import { createAlarm } from './monitoring.ts';

/**
 * The alarms a module declares (`SluiceModule.alarms`), in `scope` (its stack): one CloudWatch
 * alarm `<prefix>-<module>-<name>` each, on the sum over its period of the metric the module
 * counts through `deps.moduleMetrics` (EMF: namespace `Sluice/Modules`, dimensions service and
 * stage), notifying the stage's alarm topic.
 */
export function moduleMetricAlarms(
  scope: Construct,
  props: { prefix: string; stageName: string; module: SluiceModule; topic: sns.ITopic },
): cloudwatch.Alarm[] {
  return (props.module.alarms ?? []).map((alarm) =>
    createAlarm(
      scope,
      props.prefix,
      props.topic,
      `${props.module.name}-${alarm.name}`,
      new cloudwatch.Metric({
        namespace: moduleMetricsNamespace,
        metricName: alarm.metric,
        dimensionsMap: moduleMetricDimensions(props.module.name, props.stageName),
        statistic: 'Sum',
        period: Duration.minutes(alarm.periodMinutes ?? 5),
      }),
      { threshold: alarm.threshold, description: alarm.description },
    ),
  );
}

import { App, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { SluiceModule } from '../../server/src/platform/module.ts';
import { applyNagSuppressions } from './nag.ts';
import { SluiceStack } from './sluice-stack.ts';
import { stageConfig } from './stage.ts';

/**
 * The CDK app: one `Sluice-<stage>` stack, checked by cdk-nag's AwsSolutions pack (a finding
 * without a suppression fails the synth). Context: `stage` (dev | prod), `region` (us-east-1,
 * the only one the CloudFront web ACL accepts), `adminEmails`, `alarmEmail`, `websocketAccessLogs`.
 *
 * @example
 * const { app, stack } = buildSluiceApp({ context: { stage: 'prod' } });
 * app.synth();
 */
export function buildSluiceApp(
  props: AppProps = {},
  modules?: readonly SluiceModule[],
): { app: App; stack: SluiceStack } {
  const app = new App(props);
  const stage = stageConfig(app.node.tryGetContext('stage') ?? 'dev');
  // Not CDK_DEFAULT_REGION: the CloudFront web ACL can only be created in us-east-1, and a
  // companion edge stack for other regions is not built yet.
  const region = (app.node.tryGetContext('region') as string | undefined) ?? 'us-east-1';
  if (region !== 'us-east-1')
    throw new Error(
      `region ${region}: the dashboard's CloudFront web ACL must be created in us-east-1, so the stack deploys there (-c region=us-east-1)`,
    );
  const stack = new SluiceStack(app, `Sluice-${stage.name}`, {
    stage,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
    description: `Sluice payments platform (${stage.name})`,
    adminEmails: app.node.tryGetContext('adminEmails') as string | undefined,
    alarmEmail: app.node.tryGetContext('alarmEmail') as string | undefined,
    websocketAccessLogs: [true, 'true'].includes(
      app.node.tryGetContext('websocketAccessLogs') as boolean | string,
    ),
    terminationProtection: stage.isProtected,
    ...(modules ? { modules } : {}),
  });
  Tags.of(stack).add('project', 'sluice');
  Tags.of(stack).add('stage', stage.name);
  applyNagSuppressions(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

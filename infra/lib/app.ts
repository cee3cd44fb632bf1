import { App, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { SluiceModule } from '../../server/src/platform/module.ts';
import { SluiceBackupCopyStack } from './backup.ts';
import { applyNagSuppressions } from './nag.ts';
import { SluiceStack } from './sluice-stack.ts';
import { stageConfig } from './stage.ts';
import type { ExistingTable } from './table.ts';

/**
 * The CDK app: one `Sluice-<stage>` stack and, where the stage copies its backups to another
 * region (prod), the `SluiceBackupCopy-<stage>` stack there, which deploys first; all checked by
 * cdk-nag's AwsSolutions pack (a finding without a suppression fails the synth). Context: `stage`
 * (dev | prod), `region` (us-east-1, the only one the CloudFront web ACL accepts), `adminEmails`,
 * `alarmEmail`, `emailFrom`, `websocketAccessLogs`, and `tableName` with `tableStreamArn` (a restored table).
 *
 * @example
 * const { app, stack } = buildSluiceApp({ context: { stage: 'prod' } });
 * app.synth();
 */
export function buildSluiceApp(
  props: AppProps = {},
  modules?: readonly SluiceModule[],
): { app: App; stack: SluiceStack; backupCopyStack?: SluiceBackupCopyStack } {
  const app = new App(props);
  const stage = stageConfig(app.node.tryGetContext('stage') ?? 'dev');
  const existingTable = existingTableOf(app);
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
    emailFrom: app.node.tryGetContext('emailFrom') as string | undefined,
    websocketAccessLogs: [true, 'true'].includes(
      app.node.tryGetContext('websocketAccessLogs') as boolean | string,
    ),
    terminationProtection: stage.isProtected,
    ...(modules ? { modules } : {}),
    ...(existingTable ? { existingTable } : {}),
  });
  stack.backup.notifyFailures(stack.monitoring.topic);
  // The copy region's vault, deployed before the stack whose backup plan copies into it.
  const copyRegion = stage.backup.copy?.region;
  const backupCopyStack = copyRegion
    ? new SluiceBackupCopyStack(app, `SluiceBackupCopy-${stage.name}`, {
        stage,
        env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: copyRegion },
        description: `Sluice backup copies (${stage.name})`,
        terminationProtection: stage.isProtected,
      })
    : undefined;
  if (backupCopyStack)
    stack.addStackDependency(backupCopyStack, 'the backup plan copies into its vault, by name');
  for (const tagged of [stack, backupCopyStack]) {
    if (!tagged) continue;
    Tags.of(tagged).add('project', 'sluice');
    Tags.of(tagged).add('stage', stage.name);
  }
  applyNagSuppressions(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, ...(backupCopyStack ? { backupCopyStack } : {}) };
}

/**
 * `-c tableName=… -c tableStreamArn=…`: the table restored from a backup, which the stage then
 * uses instead of its own (docs/aws.md, "Backups and restore"). Both or neither.
 */
function existingTableOf(app: App): ExistingTable | undefined {
  const tableName = app.node.tryGetContext('tableName') as string | undefined;
  const tableStreamArn = app.node.tryGetContext('tableStreamArn') as string | undefined;
  if (tableName === undefined && tableStreamArn === undefined) return undefined;
  if (!tableName || !tableStreamArn)
    throw new Error(
      '-c tableName and -c tableStreamArn go together: the dispatcher reads the stream of the table the stage uses',
    );
  return { tableName, tableStreamArn };
}

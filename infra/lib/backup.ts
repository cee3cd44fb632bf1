import { ArnFormat, CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { StageConfig } from './stage.ts';

/**
 * The name of the vault the prod recovery points are copied to, in the copy region. Fixed, so the
 * main stack builds its ARN without a cross-region reference.
 */
export function backupCopyVaultName(stage: StageConfig): string {
  return `${stage.prefix}-backup-copy`;
}

/** The AWS managed policies of the role AWS Backup assumes to back up and restore the table. */
export const backupServicePolicies = [
  'service-role/AWSBackupServiceRolePolicyForBackup',
  'service-role/AWSBackupServiceRolePolicyForRestores',
] as const;

/**
 * A vault encrypted with its own rotated key, locked (governance mode) when the stage asks. The
 * vault and key are retained in every stage: CloudFormation cannot delete a vault that still
 * holds recovery points, and a deleted key would make them unreadable. Left behind, the recovery
 * points still expire on their own retention.
 */
function lockedVault(
  scope: Construct,
  stage: StageConfig,
  what: string,
  backupVaultName: string | undefined,
): backup.BackupVault {
  const encryptionKey = new kms.Key(scope, 'VaultKey', {
    description: `${stage.prefix}: encrypts the ${what}`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return new backup.BackupVault(scope, 'Vault', {
    backupVaultName,
    encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
    lockConfiguration: stage.backup.lockMinRetention
      ? { minRetention: stage.backup.lockMinRetention }
      : undefined,
  });
}

/** Props of {@link SluiceBackup}. */
export interface SluiceBackupProps {
  stage: StageConfig;
  /** The stage's table: the one the stack creates, or the one it imports (`-c tableName=…`). */
  table: dynamodb.ITable;
}

/**
 * The table's AWS Backup plan: a daily recovery point (05:00 UTC) kept `stage.backup.dailyRetention`
 * in the stage's vault and, where the stage names a copy region, copied to the vault of the
 * `SluiceBackupCopy-<stage>` stack there. Point-in-time recovery (35 days) is on the table itself.
 *
 * @example new SluiceBackup(stack, 'Backup', { stage, table })
 */
export class SluiceBackup extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
  readonly role: iam.Role;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: SluiceBackupProps) {
    super(scope, id);
    const { stage, table } = props;
    this.prefix = stage.prefix;
    const stack = Stack.of(this);
    this.vault = lockedVault(this, stage, 'daily backups of the table', undefined);

    const copy = stage.backup.copy;
    const copyActions: backup.BackupPlanCopyActionProps[] | undefined = copy
      ? [
          {
            // Built from the fixed name: the copy stack is in another region, where CloudFormation
            // exports cannot reach. The app makes this stack depend on it, so the vault exists first.
            destinationBackupVault: backup.BackupVault.fromBackupVaultArn(
              this,
              'CopyVault',
              stack.formatArn({
                service: 'backup',
                region: copy.region,
                resource: 'backup-vault',
                resourceName: backupCopyVaultName(stage),
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ),
            deleteAfter: copy.retention,
          },
        ]
      : undefined;
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `${stage.prefix}-table`,
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'daily',
          scheduleExpression: events.Schedule.cron({ hour: '5', minute: '0' }),
          deleteAfter: stage.backup.dailyRetention,
          copyActions,
        }),
      ],
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `${stage.prefix}: AWS Backup backs up, copies and restores the table`,
      managedPolicies: backupServicePolicies.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
    });
    for (const name of backupServicePolicies) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        reason:
          "AWS Backup's own service-role policy (backup, copy with the vault keys, restore), kept current by AWS for DynamoDB's advanced backups; only backup.amazonaws.com can assume the role",
      });
    }
    this.plan.addSelection('Table', {
      backupSelectionName: `${stage.prefix}-table`,
      resources: [backup.BackupResource.fromDynamoDbTable(table)],
      role: this.role,
      disableDefaultBackupPolicy: true,
    });

    new CfnOutput(stack, 'BackupVaultName', {
      value: this.vault.backupVaultName,
      description: "The table's daily recovery points (aws backup list-recovery-points-by-backup-vault)",
    });
    new CfnOutput(stack, 'BackupRoleArn', {
      value: this.role.roleArn,
      description: 'The role to pass to aws backup start-restore-job',
    });
  }

  /**
   * Sends backup jobs that fail, abort or expire, and copy jobs that fail, to `topic`. An EventBridge
   * rule rather than vault notifications, whose only backup-job event left (BACKUP_JOB_COMPLETED)
   * fires on every success too. The rule takes every job of the account and region: stages that
   * share an account each hear of the others' failures (the event names the vault).
   *
   * @example stack.backup.notifyFailures(stack.monitoring.topic)
   */
  notifyFailures(topic: sns.ITopic): events.Rule {
    const rule = new events.Rule(this, 'Failures', {
      ruleName: `${this.prefix}-backup-failures`,
      description: 'AWS Backup: failed, aborted or expired backup jobs and failed copy jobs',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Backup Job State Change', 'Copy Job State Change'],
        detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
      },
    });
    rule.addTarget(new eventTargets.SnsTopic(topic));
    return rule;
  }
}

/** Props of {@link SluiceBackupCopyStack}. */
export interface SluiceBackupCopyStackProps extends StackProps {
  stage: StageConfig;
}

/**
 * The vault in the copy region (`stage.backup.copy.region`) that receives a copy of every daily
 * recovery point: a stack of its own, since a stack lives in one region.
 */
export class SluiceBackupCopyStack extends Stack {
  readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: SluiceBackupCopyStackProps) {
    super(scope, id, props);
    const { stage } = props;
    this.vault = lockedVault(this, stage, 'copies of the daily table backups', backupCopyVaultName(stage));
    new CfnOutput(this, 'CopyVaultArn', { value: this.vault.backupVaultArn });
  }
}

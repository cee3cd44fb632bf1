import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { awsEnvironment, lambdaFunctions } from '../../server/src/runtime/aws/functions.ts';
import { buildSluiceApp } from '../lib/app.ts';
import { backupCopyVaultName, backupServicePolicies } from '../lib/backup.ts';
import { stageConfig, stageNames } from '../lib/stage.ts';
import { cdkJsonContext, deploymentTemplate, referencedId, resourcesOf, type CfnResource } from './synth.ts';

function synthesizeApp(context: Record<string, unknown>) {
  const built = buildSluiceApp({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [], ...context } });
  return {
    ...built,
    /** The main stack's own template (the backup resources are all there). */
    template: Template.fromStack(built.stack),
    /** With the module stacks' resources: every function and grant of the stage. */
    deployment: deploymentTemplate(built.stack),
    copyTemplate: built.backupCopyStack && Template.fromStack(built.backupCopyStack),
  };
}

const apps = Object.fromEntries(stageNames.map((stage) => [stage, synthesizeApp({ stage })]));
const stages = stageNames.map((stage) => [stage, apps[stage]!] as const);

function only(template: Template, type: string): [string, CfnResource] {
  const found = resourcesOf(template, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

interface PlanRule {
  RuleName: string;
  ScheduleExpression: string;
  TargetBackupVault: unknown;
  Lifecycle: { DeleteAfterDays: number };
  CopyActions?: Array<{ DestinationBackupVaultArn: unknown; Lifecycle: { DeleteAfterDays: number } }>;
}

function dailyRule(template: Template): PlanRule {
  const [, plan] = only(template, 'AWS::Backup::BackupPlan');
  const rules = (plan.Properties!.BackupPlan as { BackupPlanRule: PlanRule[] }).BackupPlanRule;
  expect(rules.map((rule) => rule.RuleName)).toEqual(['daily']);
  return rules[0]!;
}

describe('the backup plan', () => {
  it.each(stages)(
    "%s: backs the table up daily into the stage's vault, kept the stage's retention",
    (name, { template }) => {
      const rule = dailyRule(template);
      const [vaultId] = only(template, 'AWS::Backup::BackupVault');
      expect(rule.ScheduleExpression).toBe('cron(0 5 * * ? *)');
      expect(referencedId(rule.TargetBackupVault)).toBe(vaultId);
      expect(rule.Lifecycle).toEqual({ DeleteAfterDays: stageConfig(name).backup.dailyRetention.toDays() });
    },
  );

  it.each(stages)('%s: selects the table, with the AWS Backup service role', (_name, { template }) => {
    const [tableId] = only(template, 'AWS::DynamoDB::Table');
    const [planId] = only(template, 'AWS::Backup::BackupPlan');
    const [, selection] = only(template, 'AWS::Backup::BackupSelection');
    const properties = selection.Properties!;
    expect(referencedId(properties.BackupPlanId)).toBe(planId);
    const { Resources, IamRoleArn } = properties.BackupSelection as {
      Resources: unknown[];
      IamRoleArn: unknown;
    };
    expect(Resources).toEqual([{ 'Fn::GetAtt': [tableId, 'Arn'] }]);
    const role = template.toJSON().Resources[referencedId(IamRoleArn)!] as CfnResource;
    expect(JSON.stringify(role.Properties?.AssumeRolePolicyDocument)).toContain('backup.amazonaws.com');
    expect(JSON.stringify(role.Properties?.ManagedPolicyArns)).toBe(
      JSON.stringify(
        backupServicePolicies.map((policy) => ({
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${policy}`]],
        })),
      ),
    );
  });

  it("prod: copies every daily recovery point to the copy region's vault, with its own retention", () => {
    const { stack, template } = apps.prod!;
    const copy = stack.stage.backup.copy!;
    expect(copy.region).not.toBe(stack.region);
    const [action, ...others] = dailyRule(template).CopyActions ?? [];
    expect(others).toHaveLength(0);
    expect(action!.Lifecycle).toEqual({ DeleteAfterDays: copy.retention.toDays() });
    expect(stack.resolve(action!.DestinationBackupVaultArn)).toEqual({
      'Fn::Join': [
        '',
        [
          `arn:aws:backup:${copy.region}:`,
          { Ref: 'AWS::AccountId' },
          `:backup-vault:${backupCopyVaultName(stack.stage)}`,
        ],
      ],
    });
  });

  it('dev: copies nothing and has no copy stack', () => {
    expect(dailyRule(apps.dev!.template).CopyActions).toBeUndefined();
    expect(apps.dev!.backupCopyStack).toBeUndefined();
    expect(
      apps.dev!.app.node.children.filter((child) => child.node.id.startsWith('SluiceBackupCopy')),
    ).toEqual([]);
  });

  it.each(stages)(
    '%s: keeps its vault and rotated key when the stack goes, locked in prod only',
    (name, { template }) => {
      const [keyId, key] = only(template, 'AWS::KMS::Key');
      expect(key.Properties?.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
      const [, vault] = only(template, 'AWS::Backup::BackupVault');
      expect(referencedId(vault.Properties?.EncryptionKeyArn)).toBe(keyId);
      expect(vault.DeletionPolicy).toBe('Retain');
      const lock = stageConfig(name).backup.lockMinRetention;
      expect(vault.Properties?.LockConfiguration).toEqual(
        lock ? { MinRetentionDays: lock.toDays() } : undefined,
      );
      if (lock) expect(lock.toDays()).toBeLessThanOrEqual(stageConfig(name).backup.dailyRetention.toDays());
    },
  );
});

describe('backup failures', () => {
  it.each(stages)('%s: failed backup and copy jobs notify the alarm topic', (_name, { stack, template }) => {
    const rules = resourcesOf(template, 'AWS::Events::Rule').filter(
      ([, rule]) => rule.Properties?.Name === `${stack.stage.prefix}-backup-failures`,
    );
    expect(rules).toHaveLength(1);
    const properties = rules[0]![1].Properties!;
    expect(properties.EventPattern).toEqual({
      source: ['aws.backup'],
      'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
      detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
    });
    const [target] = properties.Targets as Array<{ Arn: unknown }>;
    expect(referencedId(target!.Arn)).toBe(
      stack.getLogicalId(stack.monitoring.topic.node.defaultChild as CfnElement),
    );
  });
});

describe('the backup copy stack', () => {
  const { stack, backupCopyStack, copyTemplate } = apps.prod!;
  const copy = stack.stage.backup.copy!;

  it("holds the copy vault under the name the plan's ARN is built from, in the copy region, locked and retained", () => {
    expect(backupCopyStack!.stackName).toBe('SluiceBackupCopy-prod');
    expect(backupCopyStack!.region).toBe(copy.region);
    expect(backupCopyStack!.terminationProtection).toBe(true);
    const [keyId, key] = only(copyTemplate!, 'AWS::KMS::Key');
    expect(key.Properties?.EnableKeyRotation).toBe(true);
    const [, vault] = only(copyTemplate!, 'AWS::Backup::BackupVault');
    expect(vault.Properties).toMatchObject({
      BackupVaultName: backupCopyVaultName(stack.stage),
      LockConfiguration: { MinRetentionDays: stack.stage.backup.lockMinRetention!.toDays() },
    });
    expect(referencedId(vault.Properties?.EncryptionKeyArn)).toBe(keyId);
    expect(vault.DeletionPolicy).toBe('Retain');
    expect(stack.stage.backup.lockMinRetention!.toDays()).toBeLessThanOrEqual(copy.retention.toDays());
  });

  it('deploys before the main stack, which takes no cross-region reference from it', () => {
    expect(stack.dependencies).toContain(backupCopyStack);
    expect(JSON.stringify(apps.prod!.deployment.toJSON())).not.toMatch(/Fn::ImportValue|ExportsReader/);
  });
});

describe('the table', () => {
  it('prod: point-in-time recovery and deletion protection on the table', () => {
    const [, table] = only(apps.prod!.template, 'AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(table.DeletionPolicy).toBe('Retain');
  });
});

describe('a restored table (-c tableName -c tableStreamArn)', () => {
  const tableName = 'sluice-prod-restored-20261204';
  const tableStreamArn = `arn:aws:dynamodb:us-east-1:123456789012:table/${tableName}/stream/2026-12-04T20:00:00.000`;
  const { stack, template, deployment } = synthesizeApp({ stage: 'prod', tableName, tableStreamArn });
  const tableArn = stack.resolve(stack.table.tableArn);

  it('creates no table and points every function at the restored one', () => {
    expect(resourcesOf(template, 'AWS::DynamoDB::Table')).toEqual([]);
    // Sluice's own functions (not CDK's providers), by their stage-prefixed names, in every stack.
    const functions = resourcesOf(deployment, 'AWS::Lambda::Function').filter(([, fn]) =>
      String(fn.Properties?.FunctionName).startsWith(`${stack.stage.prefix}-`),
    );
    expect(functions).toHaveLength(lambdaFunctions.length);
    for (const [id, fn] of functions) {
      const variables = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables[awsEnvironment.tableName], id).toBe(tableName);
    }
    expect(JSON.stringify(tableArn)).toContain(`:table/${tableName}`);
  });

  it('grants the item actions on the restored table, reads its stream, and backs it up', () => {
    const statements = resourcesOf(deployment, 'AWS::IAM::Policy').flatMap(
      ([, policy]) =>
        (policy.Properties!.PolicyDocument as { Statement: Array<{ Sid?: string; Resource: unknown }> })
          .Statement,
    );
    const tableItems = statements.filter((statement) => statement.Sid === 'TableItems');
    // One per function, wherever it lives.
    expect(tableItems).toHaveLength(lambdaFunctions.length);
    for (const statement of tableItems) expect([statement.Resource].flat()[0]).toEqual(tableArn);
    const streams = resourcesOf(deployment, 'AWS::Lambda::EventSourceMapping').filter(
      ([, mapping]) => mapping.Properties?.EventSourceArn === tableStreamArn,
    );
    expect(streams).toHaveLength(1);
    const [, selection] = only(template, 'AWS::Backup::BackupSelection');
    expect((selection.Properties!.BackupSelection as { Resources: unknown[] }).Resources).toEqual([tableArn]);
  });

  it('refuses a table name without its stream ARN, and a stream ARN that is not one', () => {
    expect(() => synthesizeApp({ stage: 'prod', tableName })).toThrow(/go together/);
    expect(() => synthesizeApp({ stage: 'prod', tableName, tableStreamArn: tableName })).toThrow(
      /not a stream ARN/,
    );
  });
});

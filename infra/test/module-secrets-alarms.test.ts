import { describe, expect, it } from 'vitest';
import { modules } from '../../server/src/app/modules.ts';
import { secretsOf } from '../../server/src/app/registry.ts';
import { breakerOpenedMetric } from '../../server/src/hub/breaker.ts';
import { credentialsKeySecret } from '../../server/src/hub/credentials.ts';
import { hubModule } from '../../server/src/hub/index.ts';
import { moduleMetricDimensions, moduleMetricsNamespace } from '../../server/src/platform/telemetry.ts';
import { awsEnvironment } from '../../server/src/runtime/aws/functions.ts';
import { moduleFunctionSpecs } from '../lib/functions.ts';
import { asArray, referencedId, resourcesOf, synthesizeStage, type CfnResource } from './synth.ts';

// Issue 17, AWS: the secrets and alarms a module declares in its definition become resources of
// the synthesized deployment (read as one template): the hub's credentials key, readable by the
// functions of the modules that declare it (the hub, and billing, which charges through the hub)
// the HTTP function and the migrate function only (created before the deploy trigger runs the
// migrations), and the breaker-open alarm on the metric the hub counts.

const stages = [synthesizeStage('dev'), synthesizeStage('prod')] as const;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The function names whose roles may GetSecretValue on a resource matching `arnPart`. */
function readersOf(template: (typeof stages)[number]['template'], arnPart: string): string[] {
  const names: string[] = [];
  const policies = resourcesOf(template, 'AWS::IAM::Policy');
  for (const [, fn] of resourcesOf(template, 'AWS::Lambda::Function')) {
    const role = referencedId(fn.Properties?.Role);
    const name = fn.Properties?.FunctionName;
    if (!role || typeof name !== 'string') continue;
    const statements = policies
      .filter(([, policy]) => asArray(policy.Properties!.Roles).map(referencedId).includes(role))
      .flatMap(([, policy]) => (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
    const reads = statements.some(
      (statement) =>
        statement.Effect === 'Allow' &&
        asArray(statement.Action).includes('secretsmanager:GetSecretValue') &&
        asArray(statement.Resource).some((resource) => JSON.stringify(resource).includes(arnPart)),
    );
    if (reads) names.push(name);
  }
  return names.sort();
}

describe.each(stages.map((stage) => [stage.stack.stage.name, stage] as const))(
  'module secrets and alarms (%s)',
  (stageName, { stack, template }) => {
    const prefix = stack.stage.prefix;

    it("creates the hub's credentials key in Secrets Manager with a generated value, kept as long as the table", () => {
      const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret').filter(
        ([, secret]) => secret.Properties?.Name === `${prefix}/${credentialsKeySecret.name}`,
      );
      expect(secrets).toHaveLength(1);
      const [, secret] = secrets[0]! as [string, CfnResource];
      expect(secret.Properties).toMatchObject({
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      });
      expect(secret.Properties?.SecretString).toBeUndefined(); // the value is in no template
      expect(secret.DeletionPolicy).toBe(stageName === 'prod' ? 'Retain' : 'Delete');
      // Every function is told the prefix its module secrets are read under.
      for (const [, fn] of resourcesOf(template, 'AWS::Lambda::Function')) {
        const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
          ?.Variables;
        if (!variables?.[awsEnvironment.tableName]) continue; // CDK's own functions
        expect(variables[awsEnvironment.secretsPrefix]).toBe(`${prefix}/`);
      }
    });

    it("lets only the functions of the modules that declare it (the hub's, billing's), the HTTP function and the migrate function read it", () => {
      const declaring = modules.filter((module) =>
        (module.secrets ?? []).some((secret) => secret.name === credentialsKeySecret.name),
      );
      expect(declaring.map((module) => module.name).sort()).toEqual(['billing', 'hub']);
      const functions = declaring.flatMap((module) =>
        moduleFunctionSpecs(module).map((spec) => `${prefix}-${spec.id}`),
      );
      expect(functions.length).toBeGreaterThan(moduleFunctionSpecs(hubModule).length);
      // The migrate function too: the hub's migration re-seals v1 values under it.
      expect(readersOf(template, `:secret:${prefix}/${credentialsKeySecret.name}-??????`)).toEqual(
        [`${prefix}-http-api`, `${prefix}-migrate`, ...functions].sort(),
      );
      // Not the other functions: the WebSocket ones, the outbox relays, the other modules'.
      expect(readersOf(template, `:secret:${prefix}/`).length).toBe(functions.length + 2);
    });

    it('creates the module secrets before the deploy trigger runs the migrations', () => {
      const secretIds = resourcesOf(template, 'AWS::SecretsManager::Secret')
        .filter(([, secret]) =>
          secretsOf(modules).some(({ name }) => secret.Properties?.Name === `${prefix}/${name}`),
        )
        .map(([id]) => id);
      expect(secretIds.length).toBeGreaterThan(0);
      const triggers = resourcesOf(template, 'Custom::Trigger');
      expect(triggers).toHaveLength(1);
      const dependsOn = asArray(
        (triggers[0]![1] as CfnResource & { DependsOn?: string | string[] }).DependsOn,
      );
      for (const id of secretIds) expect(dependsOn).toContain(id);
    });

    it('alarms when a connector breaker opens, on the metric the hub counts, notifying the alarm topic', () => {
      const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(
        ([, alarm]) => alarm.Properties?.AlarmName === `${prefix}-hub-breaker-open`,
      );
      expect(alarms).toHaveLength(1);
      const properties = alarms[0]![1].Properties!;
      const declared = hubModule.alarms.find((alarm) => alarm.name === 'breaker-open')!;
      expect(properties).toMatchObject({
        Namespace: moduleMetricsNamespace,
        MetricName: breakerOpenedMetric,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmDescription: declared.description,
      });
      // The dimensions the EMF lines carry (runtime/aws/powertools.ts), exactly.
      expect(properties.Dimensions).toEqual(
        Object.entries(moduleMetricDimensions('hub', stageName)).map(([Name, Value]) => ({ Name, Value })),
      );
      const [topicId] = asArray(properties.AlarmActions).map(referencedId);
      const topics = resourcesOf(template, 'AWS::SNS::Topic').filter(([id]) => id === topicId);
      expect(topics.map(([, topic]) => topic.Properties?.TopicName)).toEqual([`${prefix}-alarms`]);
    });
  },
);

import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { lambdaFunctions } from '../../server/src/runtime/aws/functions.ts';
import {
  iamActionsOf,
  issuers,
  reachableFrom,
  requiredActions,
  sdkCallsInSource,
  type SdkCall,
} from './iam-usage.ts';
import { asArray, referencedId, synthesizeStage } from './synth.ts';

// IAM grants proven offline (issue 26, item 5): each function's synthesized role grants exactly
// the actions of the SDK calls it makes (found in the source, followed from its handler entry)
// and of its trigger, nothing missing and nothing unused. Resources are not compared here: their
// narrowness (the table's named indexes, this API's connections, the fixed queue names) is
// asserted in sluice-stack.test.ts.

const stages = [synthesizeStage('dev'), synthesizeStage('prod')];
const reachable = reachableFrom([...new Set(lambdaFunctions.map((spec) => spec.entry))]);
/** The SDK calls of the files some handler imports (a file no handler reaches makes none on AWS). */
const calls: SdkCall[] = sdkCallsInSource().filter((call) => reachable.has(call.file));

type TemplateJson = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** The actions each function's role grants, by function id, read from a (flattened) template. */
function grantedActions(json: TemplateJson, prefix: string): Map<string, Set<string>> {
  const granted = new Map<string, Set<string>>();
  for (const spec of lambdaFunctions) {
    const fn = Object.values(json.Resources).find(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' &&
        resource.Properties?.FunctionName === `${prefix}-${spec.id}`,
    );
    if (!fn) throw new Error(`no function ${prefix}-${spec.id}`);
    const role = referencedId(fn.Properties!.Role)!;
    const actions = new Set<string>();
    for (const resource of Object.values(json.Resources)) {
      const statements =
        resource.Type === 'AWS::IAM::Policy' &&
        asArray(resource.Properties!.Roles).map(referencedId).includes(role)
          ? (
              resource.Properties!.PolicyDocument as {
                Statement: Array<{ Action: string | string[]; Effect: string }>;
              }
            ).Statement
          : [];
      for (const statement of statements)
        if (statement.Effect === 'Allow') for (const action of asArray(statement.Action)) actions.add(action);
    }
    const inline = json.Resources[role]?.Properties?.Policies;
    if (inline !== undefined) throw new Error(`${spec.id}: inline role policies are not read by this check`);
    granted.set(spec.id, actions);
  }
  return granted;
}

/** What is wrong with a deployment's grants: `<function>: missing|unused <action>`, empty when exact. */
function grantProblems(template: Template, prefix: string): string[] {
  const granted = grantedActions(template.toJSON() as TemplateJson, prefix);
  const problems: string[] = [];
  for (const spec of lambdaFunctions) {
    const required = requiredActions(spec, calls);
    const has = granted.get(spec.id)!;
    for (const action of required) if (!has.has(action)) problems.push(`${spec.id}: missing ${action}`);
    for (const action of has) if (!required.has(action)) problems.push(`${spec.id}: unused ${action}`);
  }
  return problems.sort();
}

describe('IAM grants, proven from the code (issue 26, item 5)', () => {
  it('finds the SDK calls of every adapter, each mapped to its IAM action and said who makes it', () => {
    const services = new Set(calls.map((call) => call.sdkPackage.replace('@aws-sdk/client-', '')));
    expect([...services].sort()).toEqual([
      'apigatewaymanagementapi',
      'cognito-identity-provider',
      'dynamodb',
      'eventbridge',
      's3',
      'secrets-manager',
      'sesv2',
      'sfn',
      'sns',
      'sqs',
    ]);
    for (const call of calls) {
      expect(issuers[`${call.file}#${call.command}`], `${call.file}#${call.command}`).toBeDefined();
      iamActionsOf(call); // throws for an unmapped package or an unclassified Cognito call
    }
    // Every declaration still matches a call in the source (or names one no Lambda reaches).
    const found = new Set(sdkCallsInSource().map((call) => `${call.file}#${call.command}`));
    for (const key of Object.keys(issuers)) expect(found, key).toContain(key);
    // The Step Functions adapter class is not used by any handler (the platform starts executions itself).
    expect(reachable.has('server/src/runtime/aws/step-functions.ts')).toBe(false);
  });

  it.each(stages.map((stage) => [stage.stack.stage.name, stage] as const))(
    '%s: every function’s role grants exactly what its code and trigger use',
    (_name, stage) => {
      expect(grantProblems(stage.template, stage.stack.stage.prefix)).toEqual([]);
    },
  );

  it('fails on a deliberately removed grant, and on one nobody uses', () => {
    const [dev] = stages;
    const json = structuredClone(dev!.template.toJSON()) as TemplateJson;
    // Remove the global sign-out a password change needs from the HTTP function's policies…
    for (const resource of Object.values(json.Resources)) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      for (const statement of (
        resource.Properties!.PolicyDocument as { Statement: Array<{ Action: unknown }> }
      ).Statement) {
        const actions = asArray(statement.Action as string | string[]);
        if (actions.includes('cognito-idp:AdminUserGlobalSignOut'))
          statement.Action = actions.filter((action) => action !== 'cognito-idp:AdminUserGlobalSignOut');
      }
    }
    // …and give the sweeper a grant it never uses.
    const sweeper = Object.values(json.Resources).find(
      (resource) => resource.Properties?.FunctionName === `${dev!.stack.stage.prefix}-sweep-outbox`,
    )!;
    const sweeperRole = referencedId(sweeper.Properties!.Role)!;
    json.Resources.ExtraGrant = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: sweeperRole }],
        PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:PurgeQueue', Resource: '*' }] },
      },
    };
    const problems = grantProblems({ toJSON: () => json } as unknown as Template, dev!.stack.stage.prefix);
    expect(problems).toEqual([
      'http-api: missing cognito-idp:AdminUserGlobalSignOut',
      'sweep-outbox: unused sqs:PurgeQueue',
    ]);
  });
});

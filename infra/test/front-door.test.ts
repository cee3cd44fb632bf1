import { describe, expect, it } from 'vitest';
import { awsEnvironment } from '../../server/src/runtime/aws/functions.ts';
import { originVerifyHeader } from '../../server/src/runtime/aws/origin-verify.ts';
import { growthLimits } from '../lib/monitoring.ts';
import { commonRuleSetBodyRule, wafBodyLimits } from '../lib/web.ts';
import { originCheckers, originVerifySecretName } from '../lib/wiring.ts';
import { asArray, referencedId, resourcesOf, synthesizeStage, type CfnResource } from './synth.ts';

// The one way in: CloudFront (with its WAF) is the only caller the APIs answer, and the WAF's
// body-size limits depend on the path. Read from the synthesized dev deployment.

const dev = synthesizeStage('dev');
const resources = dev.template.toJSON().Resources as Record<string, CfnResource>;

function functionNamed(id: string): CfnResource {
  const name = `${dev.stack.stage.prefix}-${id}`;
  const found = resourcesOf(dev.template, 'AWS::Lambda::Function').find(
    ([, resource]) => resource.Properties?.FunctionName === name,
  );
  if (!found) throw new Error(`no function ${name}`);
  return found[1];
}

/** The actions a function's role is granted on `resource` (compared as JSON). */
function actionsOn(id: string, resource: unknown): string[] {
  const role = referencedId(functionNamed(id).Properties!.Role);
  return resourcesOf(dev.template, 'AWS::IAM::Policy')
    .filter(([, policy]) => asArray(policy.Properties!.Roles).map(referencedId).includes(role))
    .flatMap(([, policy]) => (policy.Properties!.PolicyDocument as { Statement: StatementJson[] }).Statement)
    .filter((statement) =>
      asArray(statement.Resource).some((r) => JSON.stringify(r) === JSON.stringify(resource)),
    )
    .flatMap((statement) => asArray(statement.Action));
}
interface StatementJson {
  Action: string | string[];
  Resource: unknown;
}

describe('the front door (issue 26, item 1)', () => {
  const [[secretId]] = resourcesOf(dev.template, 'AWS::SecretsManager::Secret') as [[string, CfnResource]];
  const secretValue = {
    'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
  };

  it('has CloudFront send the generated secret in the origin-verify header to both APIs', () => {
    const secret = resources[secretId]!;
    expect(secret.Properties).toMatchObject({
      Name: originVerifySecretName(dev.stack.stage.prefix),
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
    });
    const [[, distribution]] = resourcesOf(dev.template, 'AWS::CloudFront::Distribution') as [
      [string, CfnResource],
    ];
    const origins = (
      distribution.Properties!.DistributionConfig as {
        Origins: Array<{
          DomainName: unknown;
          CustomOriginConfig?: unknown;
          OriginCustomHeaders?: Array<{ HeaderName: string; HeaderValue: unknown }>;
        }>;
      }
    ).Origins;
    const apiOrigins = origins.filter((origin) => origin.CustomOriginConfig !== undefined);
    const apis = apiOrigins.map((origin) => JSON.stringify(origin.DomainName));
    expect(
      apis.some((domain) =>
        domain.includes(dev.stack.getLogicalId(dev.stack.httpApi.node.defaultChild as never)),
      ),
    ).toBe(true);
    expect(
      apis.some((domain) =>
        domain.includes(dev.stack.getLogicalId(dev.stack.websocketApi.node.defaultChild as never)),
      ),
    ).toBe(true);
    expect(apiOrigins).toHaveLength(2);
    for (const origin of apiOrigins)
      expect(origin.OriginCustomHeaders).toEqual([
        { HeaderName: originVerifyHeader, HeaderValue: secretValue },
      ]);
    // The value is a dynamic reference, resolved at deploy: it is in no template.
    expect(JSON.stringify(dev.template.toJSON())).not.toMatch(/"HeaderValue":"[A-Za-z0-9]{48}"/);
  });

  it('has the HTTP and $connect functions check it, each able to read that secret and nothing else is', () => {
    expect([...originCheckers].sort()).toEqual(['http-api', 'ws-connect']);
    for (const [, fn] of resourcesOf(dev.template, 'AWS::Lambda::Function')) {
      const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      if (!variables?.[awsEnvironment.tableName]) continue; // CDK's own functions
      expect(variables[awsEnvironment.originVerifySecret]).toBe(
        originVerifySecretName(dev.stack.stage.prefix),
      );
    }
    for (const id of originCheckers)
      expect(actionsOn(id, { Ref: secretId }), id).toEqual(['secretsmanager:GetSecretValue']);
    for (const id of ['ws-default', 'ws-disconnect', 'stream-dispatcher', 'sweep-outbox'])
      expect(actionsOn(id, { Ref: secretId }), id).toEqual([]);
  });
});

describe('authentication in the app (issue 26, item 2)', () => {
  it('puts no API Gateway authorizer in front of the app: its 401s are never API Gateway’s', () => {
    dev.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    for (const [, route] of resourcesOf(dev.template, 'AWS::ApiGatewayV2::Route'))
      expect(route.Properties?.AuthorizationType ?? 'NONE').toBe('NONE');
  });
});

// ---- the WAF's body-size limits, by path (item 4) -------------------------------------------

type Statement = Record<string, unknown>;
interface Rule {
  Name: string;
  Priority: number;
  Action?: { Block?: { CustomResponse?: { ResponseCode: number } } };
  OverrideAction?: unknown;
  Statement: Statement;
}

/**
 * Whether a WAF statement matches a request, for the statement types the web ACL's body rules
 * use (size of the body, a regex on the path, and/or/not); the managed groups are evaluated for
 * their body rule only, as AWS documents it (SizeRestrictions_BODY: a body over 8 KB).
 */
function matches(statement: Statement, request: { path: string; bodyBytes: number }): boolean {
  const [[type, value]] = Object.entries(statement) as [[string, Record<string, unknown>]];
  switch (type) {
    case 'AndStatement':
      return (value.Statements as Statement[]).every((inner) => matches(inner, request));
    case 'OrStatement':
      return (value.Statements as Statement[]).some((inner) => matches(inner, request));
    case 'NotStatement':
      return !matches(value.Statement as Statement, request);
    case 'RegexMatchStatement':
      expect(value.FieldToMatch).toEqual({ UriPath: {} });
      return new RegExp(value.RegexString as string).test(request.path);
    case 'SizeConstraintStatement': {
      expect(value.FieldToMatch).toEqual({ Body: { OversizeHandling: 'MATCH' } });
      expect(value.ComparisonOperator).toBe('GT');
      return request.bodyBytes > (value.Size as number);
    }
    case 'ManagedRuleGroupStatement': {
      if (value.Name !== 'AWSManagedRulesCommonRuleSet') return false;
      const overrides = (value.RuleActionOverrides ?? []) as Array<{ Name: string; ActionToUse: object }>;
      const bodyRule = overrides.find((override) => override.Name === commonRuleSetBodyRule);
      // Counted, not blocked, when overridden to count.
      if (bodyRule && 'Count' in bodyRule.ActionToUse) return false;
      return request.bodyBytes > 8 * 1024;
    }
    case 'RateBasedStatement':
      return false;
    default:
      throw new Error(`no evaluator for ${type}`);
  }
}

/** The status the web ACL answers with (200: allowed on to the origin), the rules in priority order. */
function verdict(rules: Rule[], request: { path: string; bodyBytes: number }): number {
  for (const rule of [...rules].sort((a, b) => a.Priority - b.Priority)) {
    if (!matches(rule.Statement, request)) continue;
    if (rule.OverrideAction !== undefined) return 403; // a managed group's block
    return rule.Action?.Block?.CustomResponse?.ResponseCode ?? 403;
  }
  return 200;
}

describe('the WAF body-size rules (issue 26, item 4)', () => {
  const [[, acl]] = resourcesOf(dev.template, 'AWS::WAFv2::WebACL') as [[string, CfnResource]];
  const rules = acl.Properties!.Rules as Rule[];
  const kb = 1024;

  it('counts the common rule set’s 8 KB body rule instead of blocking with it', () => {
    const common = rules.find(
      (rule) =>
        (rule.Statement.ManagedRuleGroupStatement as { Name?: string } | undefined)?.Name ===
        'AWSManagedRulesCommonRuleSet',
    )!;
    expect(common.Statement.ManagedRuleGroupStatement).toMatchObject({
      RuleActionOverrides: [{ Name: commonRuleSetBodyRule, ActionToUse: { Count: {} } }],
    });
  });

  it('inspects bodies up to 64 KB (CloudFront’s default is 16 KB) and answers 413 in the error envelope', () => {
    expect(acl.Properties!.AssociationConfig).toEqual({
      RequestBody: { CLOUDFRONT: { DefaultSizeInspectionLimit: 'KB_64' } },
    });
    const bodies = acl.Properties!.CustomResponseBodies as Record<
      string,
      { Content: string; ContentType: string }
    >;
    expect(bodies['body-too-large']!.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(bodies['body-too-large']!.Content)).toMatchObject({
      error: { type: 'invalid_request_error', code: 'body_too_large' },
    });
  });

  it('allows 64 KB bodies on dispute evidence and routing rules, 8 KB everywhere else', () => {
    const large = ['/v1/disputes/dp_123/evidence', '/v1/routing'];
    const other = [
      '/v1/payments',
      '/v1/disputes/dp_123',
      '/v1/disputes/dp_123/evidence/extra',
      '/v1/wallet/transfers',
      '/v1/routing/x',
      '/v1/auth/signup',
      '/x/v1/routing',
    ];
    expect(wafBodyLimits.largeBytes).toBe(64 * kb);
    for (const path of large) {
      expect(verdict(rules, { path, bodyBytes: 20 * kb }), path).toBe(200);
      expect(verdict(rules, { path, bodyBytes: 64 * kb }), path).toBe(200);
      expect(verdict(rules, { path, bodyBytes: 64 * kb + 1 }), path).toBe(413);
    }
    for (const path of other) {
      expect(verdict(rules, { path, bodyBytes: 8 * kb }), path).toBe(200);
      expect(verdict(rules, { path, bodyBytes: 8 * kb + 1 }), path).toBe(413);
      expect(verdict(rules, { path, bodyBytes: 64 * kb + 1 }), path).toBe(413);
    }
  });
});

describe('alarms before the growth limits (issue 26, item 6)', () => {
  const alarms = new Map(
    resourcesOf(dev.template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => [
      String(alarm.Properties!.AlarmName),
      alarm.Properties!,
    ]),
  );
  const prefix = dev.stack.stage.prefix;

  it('warns at 80% of the account’s Lambda concurrency, over the whole account', () => {
    expect(alarms.get(`${prefix}-lambda-concurrency`)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'ConcurrentExecutions',
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 800,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarms.get(`${prefix}-lambda-concurrency`)!.Dimensions).toBeUndefined();
    expect(growthLimits.lambdaConcurrentExecutions).toBe(1_000);
  });

  it('warns at 80% of the table’s on-demand read and write throughput, per minute', () => {
    for (const [name, metric] of [
      ['table-read-units', 'ConsumedReadCapacityUnits'],
      ['table-write-units', 'ConsumedWriteCapacityUnits'],
    ]) {
      const alarm = alarms.get(`${prefix}-${name}`)!;
      expect(alarm).toMatchObject({
        Namespace: 'AWS/DynamoDB',
        MetricName: metric,
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 3,
        Threshold: 40_000 * 60 * 0.8,
      });
      expect(JSON.stringify(alarm.Dimensions)).toContain('TableName');
      expect(asArray(alarm.AlarmActions).length).toBe(1);
    }
  });
});

import { Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { SluiceStack } from './sluice-stack.ts';
import { runsModuleCode, websocketPushers } from './wiring.ts';

/**
 * The IAM actions granted on `Resource: "*"`, each because the service offers no narrower
 * resource for it. The tests fail on any other `*` resource, and on any `*` in an action.
 */
export const wildcardResourceActions: Record<string, string> = {
  'xray:PutTraceSegments':
    'X-Ray has no resource-level permissions; Lambda and Step Functions active tracing need it',
  'xray:PutTelemetryRecords':
    'X-Ray has no resource-level permissions; Lambda and Step Functions active tracing need it',
  'xray:GetSamplingRules':
    'X-Ray has no resource-level permissions; Step Functions tracing reads the sampling rules',
  'xray:GetSamplingTargets':
    'X-Ray has no resource-level permissions; Step Functions tracing reads the sampling targets',
  'sns:Publish':
    "SNS Publish to a phone number (the Notifier port's text messages) has no resource ARN to grant it on",
  'dynamodb:ListStreams':
    'ListStreams supports no resource-level permission; the stream event source mapping calls it (the stream itself is granted by ARN)',
  'logs:CreateLogDelivery': 'CloudWatch Logs vended log delivery (Step Functions logging) supports only "*"',
  'logs:GetLogDelivery': 'CloudWatch Logs vended log delivery (Step Functions logging) supports only "*"',
  'logs:UpdateLogDelivery': 'CloudWatch Logs vended log delivery (Step Functions logging) supports only "*"',
  'logs:DeleteLogDelivery': 'CloudWatch Logs vended log delivery (Step Functions logging) supports only "*"',
  'logs:ListLogDeliveries': 'CloudWatch Logs vended log delivery (Step Functions logging) supports only "*"',
  'logs:PutResourcePolicy':
    'Step Functions logging sets the log group resource policy; the action supports only "*"',
  'logs:DescribeResourcePolicies':
    'Step Functions logging reads the resource policies; the action supports only "*"',
  'logs:DescribeLogGroups':
    'Step Functions logging checks the log group; DescribeLogGroups supports only "*"',
};

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${id}`, reason });
}

/**
 * cdk-nag AwsSolutions acknowledgements, each on the narrowest construct with its reason. A
 * finding not acknowledged here fails `cdk synth`.
 */
export function applyNagSuppressions(stack: SluiceStack): void {
  const logicalId = (construct: IConstruct) =>
    Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  // How a grant names a main-stack resource: its logical id here, in a module stack the
  // parameter (module-stack.ts) that passes it in.
  const inMainStack = (construct: IConstruct) => Stack.of(construct) === stack;
  const blobsArn = (role: IConstruct) =>
    inMainStack(role) ? `<${logicalId(stack.blobsBucket)}.Arn>` : '<BlobsBucketArn>';
  const websocketApiId = (role: IConstruct) =>
    inMainStack(role) ? `<${logicalId(stack.websocketApi)}>` : '<WebSocketApiId>';
  const functions = stack.allFunctions();
  for (const { spec, role, fn } of functions) {
    const reasons = [
      `xray:PutTraceSegments, xray:PutTelemetryRecords: ${wildcardResourceActions['xray:PutTraceSegments']}`,
    ];
    if (spec.trigger.type === 'dynamodb-stream')
      reasons.push(`dynamodb:ListStreams: ${wildcardResourceActions['dynamodb:ListStreams']}`);
    if (runsModuleCode(spec)) {
      reasons.push(`sns:Publish: ${wildcardResourceActions['sns:Publish']}`);
      acknowledge(
        role,
        `IAM5[Resource::${blobsArn(role)}/*]`,
        'Blob keys are chosen at run time (per product, dispute, export); the grant is GetObject and PutObject on this bucket only, used to sign presigned URLs',
      );
      acknowledge(
        role,
        `IAM5[Resource::arn:${partition}:ses:${stack.region}:<AWS::AccountId>:identity/*]`,
        'The sender identity (-c emailFrom) is verified in SES outside the stack; the grant is SendEmail only, in this account and region',
      );
    }
    if (websocketPushers.has(spec.id))
      acknowledge(
        role,
        `IAM5[Resource::arn:${partition}:execute-api:${stack.region}:<AWS::AccountId>:${websocketApiId(role)}/${stack.stage.name}/*/@connections/*]`,
        'PostToConnection targets connection ids that exist only at run time; the grant is limited to this API and stage',
      );
    // The role's policy, and the function's own (where the tracing grant goes with the
    // `createNewPoliciesWithAddToRolePolicy` feature flag).
    acknowledge(role, 'IAM5[Resource::*]', reasons.join('; '));
    acknowledge(fn, 'IAM5[Resource::*]', reasons.join('; '));
  }
  for (const machine of stack.stateMachines.values()) {
    acknowledge(
      machine.role,
      'IAM5[Resource::*]',
      `Step Functions logging and tracing: ${wildcardResourceActions['logs:CreateLogDelivery']}; ${wildcardResourceActions['xray:PutTraceSegments']}`,
    );
  }
  for (const scope of [stack, ...stack.moduleStacks.values()]) {
    for (const child of scope.node.children) {
      // The role CDK creates (one per stack) for the Scheduler's Lambda targets grants invoke on
      // each function and its versions (`:*`); the schedule invokes the unqualified ARN.
      if (!child.node.id.startsWith('SchedulerRoleForTarget')) continue;
      for (const { spec, fn } of functions) {
        if (spec.trigger.type !== 'schedule' || Stack.of(fn) !== scope) continue;
        acknowledge(
          child,
          `IAM5[Resource::<${logicalId(fn)}.Arn>:*]`,
          `Added by the Scheduler Lambda target for versions and aliases of ${spec.id}; the schedule invokes the unqualified ARN`,
        );
      }
    }
  }

  for (const route of stack.httpApi.node.children) {
    if (route.node.id.startsWith('ANY')) {
      acknowledge(
        route,
        'APIG4',
        'The app authenticates every /v1 request itself (people by access token, merchants by API key, public paths none), so every refusal is in the Sluice error envelope with a Request-Id; an API Gateway authorizer would answer with its own body',
      );
    }
  }
  acknowledge(
    stack.originVerifySecret,
    'SMG4',
    'CloudFront holds the value as an origin header set at deploy: rotating it means setting a new value and redeploying (docs/aws.md), which a rotation function cannot do',
  );
  // The secrets modules declare (module-secrets.ts: `ModuleSecret<Name>`).
  for (const child of stack.node.children)
    if (child.node.id.startsWith('ModuleSecret'))
      acknowledge(
        child,
        'SMG4',
        "A module's key for data at rest (the hub's sealed connector credentials): a new value would leave what the old one sealed unreadable, so no rotation function replaces it (docs/aws.md)",
      );
  for (const route of stack.websocketApi.node.children) {
    acknowledge(
      route,
      'APIG4',
      '$connect checks the access token in the function (Cognito JWT via aws-jwt-verify) and refuses the connection without one; $disconnect and $default reach only connections accepted that way',
    );
  }

  if (!stack.hasWebsocketAccessLogs) {
    acknowledge(
      stack.websocketStage,
      'APIG1',
      'WebSocket access logs need the account-wide API Gateway CloudWatch Logs role, which no single stage should own; turn them on with -c websocketAccessLogs=true once the account has it. Function logs record every connect, disconnect and message',
    );
  }
  const deadLetterQueues = [
    stack.queues,
    ...[...stack.moduleStacks.values()].map((each) => each.queues),
  ].flatMap((queues) => queues.deadLetterQueues);
  for (const { queue } of deadLetterQueues) {
    acknowledge(
      queue,
      'SQS3',
      'This queue is itself a dead-letter queue or failure destination; its depth is alarmed',
    );
  }

  acknowledge(
    stack.userPool,
    'COG1',
    "The password policy is the app's own (identity passwordSchema: 8 to 128 characters, no composition rules, as NIST SP 800-63B advises), so the same passwords work locally and on AWS",
  );
  acknowledge(
    stack.userPool,
    'COG2',
    'MFA is optional (TOTP) rather than required: the wallet sandbox signs people up through the API; require it for a production wallet',
  );
  acknowledge(
    stack.userPool,
    'COG8',
    'The Essentials feature plan: threat protection (Plus plan) is priced per MAU and left as a choice for a production deployment',
  );
  acknowledge(
    stack.blobsBucket,
    'S1',
    'Objects are reached only through presigned URLs the functions sign (each signing is in the function logs); turn on CloudTrail S3 data events for a per-request record',
  );
  acknowledge(stack.web.distribution, 'CFR1', 'A global dashboard and API: no country is restricted');
  acknowledge(
    stack.web.distribution,
    'CFR4',
    'The default *.cloudfront.net certificate allows TLSv1; a custom domain with an ACM certificate and TLSv1.2_2021 removes this (not configured: no domain)',
  );
}

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { defaultConfig } from '../../server/src/platform/config.ts';
import { AppError } from '../../server/src/kernel/errors.ts';
import { errorBody } from '../../server/src/http/errors.ts';
import type { StageConfig } from './stage.ts';

/** The stage and the API origins CloudFront forwards to. */
export interface SluiceWebProps {
  stage: StageConfig;
  /** `{api-id}.execute-api.{region}.amazonaws.com` of the HTTP API. */
  httpApiDomain: string;
  /** The same for the WebSocket API, and its stage name. */
  websocketApiDomain: string;
  websocketStageName: string;
  /**
   * The header CloudFront adds to every request it forwards to either API, and its secret value
   * (a dynamic reference): the API functions refuse requests without it. A viewer's header of the
   * same name is replaced by CloudFront's.
   */
  originVerify: { header: string; value: string };
}

/** Paths outside `/v1` that the HTTP API answers; the dashboard owns everything else. */
export const apiPathsOutsideV1 = ['/openapi.json', '/docs', '/docs/*', '/.well-known/*', '/health'] as const;

/**
 * The body-size limits the WAF enforces, by path. The common rule set's own body rule
 * (`SizeRestrictions_BODY`, 8 KB) is counted, not enforced, and replaced by two rules: 8 KB on
 * every path but these, and on these the app's own limit (`Config.maxBodyBytes`, 64 KB), so
 * their legitimate bodies reach the app, which then checks them as it does locally.
 */
export const wafBodyLimits = {
  defaultBytes: 8 * 1024,
  largeBytes: defaultConfig.maxBodyBytes,
  /** Anchored regular expressions on the URI path, each with the body that needs it. */
  largePaths: [
    { pattern: '^/v1/disputes/[^/]+/evidence$', reason: 'dispute evidence: up to 20,000 characters of text' },
    { pattern: '^/v1/routing$', reason: "the hub's routing rules: up to 50 rules of up to 5 providers" },
  ],
} as const;

/** The common rule set's rule that blocks bodies over 8 KB on every path (overridden to count). */
export const commonRuleSetBodyRule = 'SizeRestrictions_BODY';

/** The JSON WAF answers a body over its path's limit with: the app's error envelope (no request id: the app never saw it). */
const bodyTooLargeResponse = JSON.stringify(
  errorBody(new AppError('body_too_large', 'the request body is larger than this path accepts'), undefined),
);

/** The dashboard's Content-Security-Policy: its own scripts only, sockets to its own host. */
export const dashboardContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  // Radix and the chart library set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  // 'self' covers same-origin ws(s): in CSP Level 3 browsers.
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The dashboard: a private S3 bucket read by CloudFront through origin access control, with
 * security headers and SPA routing, behind a WAF web ACL (AWS managed rules and a per-IP rate
 * rule). CloudFront also forwards `/v1/*`, the docs and `/v1/realtime` (WebSocket) to the APIs,
 * so the dashboard calls its own origin as it does locally and the WAF covers the API too.
 *
 * The web ACL has CLOUDFRONT scope, which AWS only accepts in us-east-1: deploy the stack there.
 */
export class SluiceWeb extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: SluiceWebProps) {
    super(scope, id);
    const { stage } = props;

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Dashboard', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: stage.isProtected,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      // Kept on stack deletion (a non-empty bucket cannot be deleted by CloudFormation).
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${stage.prefix}-dashboard`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      // The large-body paths' limit is above WAF's default 16 KB inspection for CloudFront.
      associationConfig: { requestBody: { CLOUDFRONT: { defaultSizeInspectionLimit: 'KB_64' } } },
      customResponseBodies: {
        'body-too-large': { contentType: 'APPLICATION_JSON', content: bodyTooLargeResponse },
      },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: `${stage.prefix}-dashboard`,
        sampledRequestsEnabled: true,
      },
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: stage.wafRateLimitPer5Minutes,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'rate-limit-per-ip',
            sampledRequestsEnabled: true,
          },
        },
        ...[
          'AWSManagedRulesAmazonIpReputationList',
          'AWSManagedRulesCommonRuleSet',
          'AWSManagedRulesKnownBadInputsRuleSet',
        ].map((name, index) => ({
          name,
          priority: index + 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name,
              // Its 8 KB body rule is replaced by the path-scoped ones below.
              ...(name === 'AWSManagedRulesCommonRuleSet'
                ? { ruleActionOverrides: [{ name: commonRuleSetBodyRule, actionToUse: { count: {} } }] }
                : {}),
            },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: name,
            sampledRequestsEnabled: true,
          },
        })),
        ...bodySizeRules(4),
      ],
    });

    const spaRouting = new cloudfront.Function(this, 'SpaRouting', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Serves index.html for dashboard routes (paths whose last segment has no extension)',
      code: cloudfront.FunctionCode.fromInline(
        "function handler(event) { var request = event.request; var last = request.uri.split('/').pop(); if (last.indexOf('.') === -1) request.uri = '/index.html'; return request; }",
      ),
    });
    // The WebSocket API answers on its stage path only; the dashboard connects to /v1/realtime.
    const realtimePath = new cloudfront.Function(this, 'RealtimePath', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Maps /v1/realtime to the WebSocket API stage',
      code: cloudfront.FunctionCode.fromInline(
        `function handler(event) { var request = event.request; request.uri = '/${props.websocketStageName}'; return request; }`,
      ),
    });

    const dashboardHeaders = new cloudfront.ResponseHeadersPolicy(this, 'DashboardHeaders', {
      responseHeadersPolicyName: `${stage.prefix}-dashboard-headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: dashboardContentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });

    const originHeaders = { [props.originVerify.header]: props.originVerify.value };
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(props.httpApiDomain, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        customHeaders: originHeaders,
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // API Gateway routes by its own Host header, so the viewer's must not be forwarded.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Sluice ${stage.name} dashboard and API`,
      defaultRootObject: 'index.html',
      webAclId: this.webAcl.attrArn,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: dashboardHeaders,
        functionAssociations: [
          { function: spaRouting, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        '/v1/realtime': {
          origin: new origins.HttpOrigin(props.websocketApiDomain, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            customHeaders: originHeaders,
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          functionAssociations: [
            { function: realtimePath, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
          ],
        },
        '/v1/*': apiBehavior,
        ...Object.fromEntries(apiPathsOutsideV1.map((path) => [path, apiBehavior])),
      },
    });
  }
}

/** The WAF statement that matches a request body larger than `bytes` (or too large to inspect). */
function bodyLargerThan(bytes: number): wafv2.CfnWebACL.StatementProperty {
  return {
    sizeConstraintStatement: {
      fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
      comparisonOperator: 'GT',
      size: bytes,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

/** Matches the large-body paths of {@link wafBodyLimits}. */
function onLargeBodyPath(): wafv2.CfnWebACL.StatementProperty {
  const statements = wafBodyLimits.largePaths.map(
    ({ pattern }): wafv2.CfnWebACL.StatementProperty => ({
      regexMatchStatement: {
        regexString: pattern,
        fieldToMatch: { uriPath: {} },
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    }),
  );
  return statements.length === 1 ? statements[0]! : { orStatement: { statements } };
}

/** The two body-size rules from `priority` on: large paths at their limit, every other path at 8 KB. */
function bodySizeRules(priority: number): wafv2.CfnWebACL.RuleProperty[] {
  const block = { block: { customResponse: { responseCode: 413, customResponseBodyKey: 'body-too-large' } } };
  const rule = (name: string, offset: number, statement: wafv2.CfnWebACL.StatementProperty) => ({
    name,
    priority: priority + offset,
    action: block,
    statement,
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
  });
  return [
    rule('body-size-large-paths', 0, {
      andStatement: { statements: [onLargeBodyPath(), bodyLargerThan(wafBodyLimits.largeBytes)] },
    }),
    rule('body-size-other-paths', 1, {
      andStatement: {
        statements: [
          { notStatement: { statement: onLargeBodyPath() } },
          bodyLargerThan(wafBodyLimits.defaultBytes),
        ],
      },
    }),
  ];
}

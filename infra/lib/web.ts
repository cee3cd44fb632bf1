import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { StageConfig } from './stage.ts';

/** The stage and the API origins CloudFront forwards to. */
export interface SluiceWebProps {
  stage: StageConfig;
  /** `{api-id}.execute-api.{region}.amazonaws.com` of the HTTP API. */
  httpApiDomain: string;
  /** The same for the WebSocket API, and its stage name. */
  websocketApiDomain: string;
  websocketStageName: string;
}

/** Paths outside `/v1` that the HTTP API answers; the dashboard owns everything else. */
export const apiPathsOutsideV1 = ['/openapi.json', '/docs', '/docs/*', '/.well-known/*', '/health'] as const;

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
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: name,
            sampledRequestsEnabled: true,
          },
        })),
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

    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(props.httpApiDomain, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
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

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** The deployment stages, chosen with `-c stage=dev|prod`. */
export const stageNames = ['dev', 'prod'] as const;
export type StageName = (typeof stageNames)[number];

/** What differs between stages; everything else is the same template. */
export interface StageConfig {
  name: StageName;
  /** Prefix of every physical name (`sluice-dev-http-api`), so two stages share an account. */
  prefix: string;
  /** DynamoDB deletion protection, and RETAIN for the table and user pool. */
  isProtected: boolean;
  /** What happens to stateful resources (table, user pool, log groups) when the stack is deleted. */
  removalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
  /** HTTP API stage throttling (steady requests/s and burst). */
  throttle: { rateLimit: number; burstLimit: number };
  /** WAF rate-based rule: requests per IP per 5 minutes before blocking. */
  wafRateLimitPer5Minutes: number;
  /** p95 latency above which the HTTP API alarm fires. */
  latencyP95Threshold: Duration;
  /** Origins allowed to call the HTTP API directly (the dashboard itself is same-origin through CloudFront). */
  corsOrigins: string[];
  /** The table's AWS Backup plan (point-in-time recovery, 35 days, is on in every stage). */
  backup: BackupConfig;
}

/** Daily AWS Backup recovery points of the table, and where prod copies them. */
export interface BackupConfig {
  /** How long each daily recovery point is kept in the stage's vault. */
  dailyRetention: Duration;
  /**
   * Vault lock (governance mode): no recovery point can be deleted, nor its retention cut, below
   * this age. At most `dailyRetention` (and the copy's retention), or backup jobs fail.
   */
  lockMinRetention?: Duration;
  /** A copy of every daily recovery point in a vault in another region, kept this long. */
  copy?: { region: string; retention: Duration };
}

const stages: Record<StageName, StageConfig> = {
  dev: {
    name: 'dev',
    prefix: 'sluice-dev',
    isProtected: false,
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: RetentionDays.ONE_WEEK,
    throttle: { rateLimit: 50, burstLimit: 100 },
    wafRateLimitPer5Minutes: 2_000,
    latencyP95Threshold: Duration.seconds(2),
    corsOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
    backup: { dailyRetention: Duration.days(7) },
  },
  prod: {
    name: 'prod',
    prefix: 'sluice-prod',
    isProtected: true,
    removalPolicy: RemovalPolicy.RETAIN,
    logRetention: RetentionDays.THREE_MONTHS,
    throttle: { rateLimit: 1_000, burstLimit: 2_000 },
    wafRateLimitPer5Minutes: 5_000,
    latencyP95Threshold: Duration.seconds(1),
    corsOrigins: [],
    backup: {
      dailyRetention: Duration.days(35),
      lockMinRetention: Duration.days(35),
      copy: { region: 'us-west-2', retention: Duration.days(35) },
    },
  },
};

/**
 * The configuration of a stage name from context; throws for anything but `dev` or `prod`, so a
 * typo never deploys an unprotected production.
 *
 * @example stageConfig(app.node.tryGetContext('stage') ?? 'dev')
 */
export function stageConfig(name: unknown): StageConfig {
  if (!stageNames.includes(name as StageName))
    throw new Error(`unknown stage ${JSON.stringify(name)}: use -c stage=dev or -c stage=prod`);
  return stages[name as StageName];
}

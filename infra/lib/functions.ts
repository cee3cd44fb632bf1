import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { SluiceModule } from '../../server/src/platform/module.ts';
import {
  awsEnvironment,
  lambdaFunctionsOf,
  type LambdaFunctionSpec,
} from '../../server/src/runtime/aws/functions.ts';

/** The repository root: function entries in `functions.ts` are relative to it. */
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The Lambda runtime every function runs on; tests assert it. */
export const functionRuntime = lambda.Runtime.NODEJS_24_X;

/**
 * ESM bundles need `require` for the CommonJS dependencies esbuild inlines (the AWS SDK's
 * dynamic requires of Node built-ins).
 */
const esmRequireBanner =
  "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);";

/** What every function shares: the name prefix, the environment, log retention and removal. */
export interface SluiceFunctionsProps {
  prefix: string;
  /** The environment every function gets (names from `awsEnvironment`). */
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  /** The functions to build here: the platform's (main stack) or one module's (its nested stack). */
  specs: readonly LambdaFunctionSpec[];
}

/**
 * The platform's own functions (HTTP, WebSocket, the outbox relays, the deploy's migrations),
 * whatever the modules: they stay in the main stack.
 */
export function platformFunctionSpecs(): LambdaFunctionSpec[] {
  return lambdaFunctionsOf([]);
}

/**
 * The functions one module's definition produces (one per subscription, queue consumer, job and
 * workflow Task state): they go in the module's nested stack.
 */
export function moduleFunctionSpecs(module: SluiceModule): LambdaFunctionSpec[] {
  const platform = new Set(platformFunctionSpecs().map((spec) => spec.id));
  return lambdaFunctionsOf([module]).filter((spec) => !platform.has(spec.id));
}

/** One Lambda function of `lambdaFunctions`, with its role and log group. */
export interface SluiceFunction {
  spec: LambdaFunctionSpec;
  fn: NodejsFunction;
  role: iam.Role;
}

/**
 * One function per spec (entries of `lambdaFunctionsOf`), bundled locally with esbuild (never Docker) as ESM
 * for Node 24 on arm64, with X-Ray tracing and its own role and log group. The role starts with
 * nothing but its log group (no `AWSLambdaBasicExecutionRole`, whose log actions cover every log
 * group); the stack adds each function's grants by trigger and job.
 */
export class SluiceFunctions extends Construct {
  /** Functions by `LambdaFunctionSpec.id`. */
  readonly byId: ReadonlyMap<string, SluiceFunction>;

  constructor(scope: Construct, id: string, props: SluiceFunctionsProps) {
    super(scope, id);
    const byId = new Map<string, SluiceFunction>();
    for (const spec of props.specs) byId.set(spec.id, this.createFunction(spec, props));
    this.byId = byId;
  }

  /** The function with this id; throws for an id `functions.ts` does not define. */
  get(id: string): SluiceFunction {
    const found = this.byId.get(id);
    if (!found) throw new Error(`no Lambda function ${id} in functions.ts`);
    return found;
  }

  /** The functions whose trigger is of this type. */
  withTrigger(type: LambdaFunctionSpec['trigger']['type']): SluiceFunction[] {
    return [...this.byId.values()].filter((entry) => entry.spec.trigger.type === type);
  }

  private createFunction(spec: LambdaFunctionSpec, props: SluiceFunctionsProps): SluiceFunction {
    const functionName = `${props.prefix}-${spec.id}`;
    const logGroup = new logs.LogGroup(this, `${spec.id}-logs`, {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const role = new iam.Role(this, `${spec.id}-role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Sluice ${spec.id}: least privilege, grants added per trigger and job`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const environment: Record<string, string> = {
      ...props.environment,
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: `sluice-${spec.id}`,
      POWERTOOLS_METRICS_NAMESPACE: 'Sluice',
    };
    if (spec.trigger.type === 'event-subscription')
      environment[awsEnvironment.subscription] = spec.trigger.subscription;
    if (spec.trigger.type === 'queue') environment[awsEnvironment.queue] = spec.trigger.queue;
    if (spec.trigger.type === 'schedule' && spec.trigger.job !== undefined)
      environment[awsEnvironment.job] = spec.trigger.job;
    if (spec.trigger.type === 'state-machine-task')
      environment[awsEnvironment.workflowTask] = `${spec.trigger.stateMachine}/${spec.trigger.state}`;

    const fn = new NodejsFunction(this, spec.id, {
      functionName,
      description: spec.description,
      entry: `${repositoryRoot}${spec.entry}`,
      handler: spec.handler,
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}package-lock.json`,
      runtime: functionRuntime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup,
      role,
      environment,
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        banner: esmRequireBanner,
        // The SDK is bundled, not taken from the runtime, so the deployed version is the locked one.
        externalModules: [],
        // The API's /docs page loads Swagger UI's stylesheet and script from the function: copy
        // the two files beside the bundle, where the app looks for them when bundled.
        ...(spec.trigger.type === 'http-api'
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => [
                  `mkdir -p "${outputDir}/swagger-ui-dist"`,
                  `cp "${inputDir}/node_modules/swagger-ui-dist/swagger-ui.css" "${inputDir}/node_modules/swagger-ui-dist/swagger-ui-bundle.js" "${outputDir}/swagger-ui-dist/"`,
                ],
              },
            }
          : {}),
      },
    });
    return { spec, fn, role };
  }
}

import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { redact, type Logger } from '../../platform/logger.ts';
import {
  moduleMetricDimensions,
  moduleMetricsNamespace,
  statusClass,
  type ModuleMetrics,
  type RequestMetrics,
} from '../../platform/telemetry.ts';

/** The Logger port over Powertools Logger, with the Powertools instance for Lambda context. */
export interface PowertoolsLoggerPort extends Logger {
  /** For `injectLambdaContext` / `addContext` in the handler. Log through the port, not this. */
  readonly powertools: PowertoolsLogger;
}

export interface PowertoolsLoggerOptions {
  /** The `service` key of every line (Powertools falls back to `POWERTOOLS_SERVICE_NAME`). */
  serviceName?: string;
  /** Default `INFO`, or `POWERTOOLS_LOG_LEVEL`. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Keys added to every line, e.g. `{ stage: 'prod' }`. */
  persistentKeys?: Record<string, string>;
}

/**
 * The Logger port on AWS: structured JSON lines from Powertools Logger (level, timestamp,
 * service, cold start and request id once the handler adds the Lambda context, X-Ray trace id),
 * with `fields` merged in after the platform's redaction rule (`platform/logger.ts`): the same
 * keys are replaced by `[redacted]` locally and on AWS.
 *
 * @example
 * const logger = createPowertoolsLogger({ serviceName: 'sluice-http' });
 * export const handler = async (event: unknown, context: Context) => {
 *   logger.powertools.addContext(context);
 *   logger.info('transfer posted', { transfer_id: id, authorization: header }); // authorization: '[redacted]'
 * };
 */
export function createPowertoolsLogger(options: PowertoolsLoggerOptions = {}): PowertoolsLoggerPort {
  const powertools = new PowertoolsLogger({
    ...(options.serviceName !== undefined && { serviceName: options.serviceName }),
    ...(options.logLevel !== undefined && { logLevel: options.logLevel }),
    ...(options.persistentKeys !== undefined && { persistentKeys: options.persistentKeys }),
  });
  const fieldsOf = (fields: Record<string, unknown> | undefined) => {
    const redacted = redactFields(fields);
    return redacted === undefined ? [] : [redacted];
  };
  return {
    powertools,
    info: (message, fields) => powertools.info(message, ...fieldsOf(fields)),
    warn: (message, fields) => powertools.warn(message, ...fieldsOf(fields)),
    error: (message, fields) => powertools.error(message, ...fieldsOf(fields)),
  };
}

/** The platform's one redaction rule (`platform/logger.ts`), shared with the local JSON logger. */
const redactFields = redact;

/** The RequestMetrics port as CloudWatch metrics, plus the Powertools instance for anything else. */
export interface PowertoolsMetricsPort extends RequestMetrics {
  readonly powertools: PowertoolsMetrics;
  /** Writes metrics recorded on `powertools` directly; call at the end of each invocation. */
  flush(): void;
}

export interface PowertoolsMetricsOptions {
  /** CloudWatch namespace, e.g. `Sluice`. */
  namespace: string;
  /** The `service` dimension of every metric. */
  serviceName: string;
  /** Dimensions on every metric, e.g. `{ stage: 'prod' }`. Keep them few and low-cardinality. */
  defaultDimensions?: Record<string, string>;
}

/**
 * Request metrics in CloudWatch Embedded Metric Format, written to stdout by Powertools Metrics
 * (CloudWatch Logs turns them into metrics; no API call, no added latency). Each request is one
 * EMF line with `Requests` (Count) and `Latency` (Milliseconds) under the dimensions service,
 * route and status class, written at once: requests with different dimensions can never mix in
 * one buffer, and nothing is lost if the function times out before a final flush.
 *
 * @example
 * const metrics = createPowertoolsMetrics({ namespace: 'Sluice', serviceName: 'sluice-http' });
 * metrics.countRequest('GET /v1/transfers/:id', 200, 8.2);
 */
export function createPowertoolsMetrics(options: PowertoolsMetricsOptions): PowertoolsMetricsPort {
  const powertools = new PowertoolsMetrics({
    namespace: options.namespace,
    serviceName: options.serviceName,
    ...(options.defaultDimensions !== undefined && { defaultDimensions: options.defaultDimensions }),
  });
  return {
    powertools,
    countRequest(route, status, latencyMs) {
      // Anything already buffered on `powertools` carries its own dimensions: write it first.
      if (powertools.hasStoredMetrics()) powertools.publishStoredMetrics();
      powertools.addDimensions({ route, status: statusClass(status) });
      powertools.addMetric('Requests', MetricUnit.Count, 1);
      powertools.addMetric('Latency', MetricUnit.Milliseconds, latencyMs);
      powertools.publishStoredMetrics();
    },
    flush() {
      if (powertools.hasStoredMetrics()) powertools.publishStoredMetrics();
    },
  };
}

/**
 * The ModuleMetrics port as CloudWatch EMF: each count is one EMF line written at once, in the
 * namespace `Sluice/Modules` with the dimensions `service` (the module) and `stage`, which is
 * what the CDK app's module alarms name (`moduleMetricDimensions`).
 *
 * @example
 * const metrics = createPowertoolsModuleMetrics({ stage: 'prod' });
 * metrics.count('hub', 'CircuitBreakerOpened');
 */
export function createPowertoolsModuleMetrics(options: { stage: string }): ModuleMetrics {
  const byModule = new Map<string, PowertoolsMetrics>();
  const metricsOf = (module: string) => {
    let found = byModule.get(module);
    if (!found) {
      const { service, stage } = moduleMetricDimensions(module, options.stage);
      found = new PowertoolsMetrics({
        namespace: moduleMetricsNamespace,
        serviceName: service,
        defaultDimensions: { stage },
      });
      byModule.set(module, found);
    }
    return found;
  };
  return {
    count(module, metric, value = 1) {
      const metrics = metricsOf(module);
      metrics.addMetric(metric, MetricUnit.Count, value);
      metrics.publishStoredMetrics();
    },
  };
}

let sharedTracer: Tracer | undefined;

/**
 * The container's X-Ray tracer (one per container, as Powertools advises). Tracing is on only
 * inside Lambda, unless `POWERTOOLS_TRACE_ENABLED=false` turns it off there too.
 *
 * @example
 * const tracer = powertoolsTracer();
 */
export function powertoolsTracer(): Tracer {
  sharedTracer ??= new Tracer();
  return sharedTracer;
}

/**
 * Records every call an AWS SDK v3 client makes as an X-Ray subsegment (Powertools
 * `captureAWSv3Client`). Outside Lambda, or with tracing off, the client is returned untouched.
 *
 * @example
 * const dynamo = traceClient(new DynamoDBClient({}));
 */
export function traceClient<Client extends object>(
  client: Client,
  tracer: Tracer = powertoolsTracer(),
): Client {
  return tracer.captureAWSv3Client(client);
}

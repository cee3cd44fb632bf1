/**
 * The Metrics port the HTTP layer reports each request to, so request metrics reach the
 * runtime's metrics system without the app importing it: Prometheus at `/metrics` locally
 * (`HttpMetrics`), CloudWatch EMF through Powertools on AWS (`createPowertoolsMetrics`).
 *
 * `route` is the route pattern with its method (`GET /v1/transfers/:id`), never the raw path:
 * every distinct value becomes a metric dimension, and ids would make them unbounded.
 */
export interface RequestMetrics {
  /**
   * Records one answered request.
   *
   * @example
   * metrics.countRequest('POST /v1/transfers', 201, 12.5);
   */
  countRequest(route: string, status: number, latencyMs: number): void;
}

/**
 * The status class a request is counted under (`2xx` … `5xx`): five values, not sixty.
 *
 * @example
 * statusClass(404); // '4xx'
 */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

export const noRequestMetrics: RequestMetrics = { countRequest() {} };

/**
 * The Metrics port modules count on: occurrences operators alarm on (a connector's circuit
 * breaker opening), which modules declare with an alarm in their definition
 * (`SluiceModule.alarms`). On AWS each count is a CloudWatch EMF line in the namespace
 * {@link moduleMetricsNamespace} with the dimensions `service` (the module) and `stage`, which the
 * CDK app's alarms name; locally the count goes to the log.
 */
export interface ModuleMetrics {
  /**
   * Counts `value` (default 1) occurrences of `metric` for `module`.
   *
   * @example
   * deps.moduleMetrics.count('hub', 'CircuitBreakerOpened');
   */
  count(module: string, metric: string, value?: number): void;
}

/** The CloudWatch namespace of every module metric. */
export const moduleMetricsNamespace = 'Sluice/Modules';

/**
 * The dimensions a module metric carries on AWS, which an alarm on it must name exactly.
 *
 * @example moduleMetricDimensions('hub', 'prod'); // { service: 'hub', stage: 'prod' }
 */
export function moduleMetricDimensions(module: string, stage: string): { service: string; stage: string } {
  return { service: module, stage };
}

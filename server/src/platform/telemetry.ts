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

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Secrets } from '../../platform/secrets.ts';

/**
 * The header CloudFront adds to every request it forwards to the HTTP and WebSocket APIs, with
 * a secret only the distribution and the functions know. API Gateway cannot turn its execute-api
 * URLs off without a custom domain, and an HTTP API takes no resource policy, so the functions
 * that answer a client first (the HTTP API's, `$connect`) check it: a request that skipped
 * CloudFront (and its WAF) is refused before anything else runs.
 */
export const originVerifyHeader = 'x-sluice-origin-verify';

/** Whether a request came through CloudFront: `headers` as API Gateway passes them (lower-case names). */
export type OriginCheck = (headers: Record<string, string | undefined> | undefined) => Promise<boolean>;

/**
 * The check against the secret named `secretName`, read through the Secrets port (cached there,
 * so a container reads it once per TTL). Without a name (local tests, an app not behind
 * CloudFront) every request passes. Compares digests in constant time, so the answer's timing
 * says nothing about how much of a guess was right.
 *
 * @example
 * const fromCloudFront = createOriginCheck({ secrets, secretName: 'sluice-dev/origin-verify' });
 * if (!(await fromCloudFront(event.headers))) return forbidden();
 */
export function createOriginCheck(options: {
  secrets: Secrets;
  secretName: string | undefined;
}): OriginCheck {
  const { secrets, secretName } = options;
  if (!secretName) return async () => true;
  return async (headers) => {
    const presented = headerOf(headers, originVerifyHeader);
    if (!presented) return false;
    const expected = await secrets.get(secretName);
    return timingSafeEqual(digest(presented), digest(expected));
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A header by name, whatever its case (API Gateway lower-cases HTTP API headers, not WebSocket ones). */
export function headerOf(
  headers: Record<string, string | undefined> | undefined,
  name: string,
): string | undefined {
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

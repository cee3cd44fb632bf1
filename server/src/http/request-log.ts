import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../platform/logger.ts';
import {
  merchantAudience,
  merchantStreamMessageTypes,
  type Realtime,
  type RealtimeMessage,
} from '../platform/realtime.ts';
import type { AppEnv } from './context.ts';

/** One API request as `sluice logs tail` shows it: no query string, headers or body (they can hold secrets). */
export interface RequestLogLine {
  id: string;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  /** When the request arrived, ISO 8601. */
  created: string;
  idempotency_key: string | null;
  /** The API key that made it, or null for the owner's dashboard token. */
  api_key: string | null;
}

/**
 * Pushes every request a merchant made (one `c.var.merchant` was set for) to the merchant's
 * realtime streams as `{ type: 'request', id, time, data: RequestLogLine }`, after it is answered.
 * Best effort and off the request's path: the push is not awaited, and a failure is only logged,
 * so a slow realtime never slows or fails an API call.
 *
 * @example
 * app.use('/v1/*', merchantRequestLog(realtime, logger));
 */
export function merchantRequestLog(realtime: Realtime, logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const created = new Date().toISOString();
    await next();
    const merchant = c.get('merchant');
    if (!merchant) return;
    const line: RequestLogLine = {
      id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      created,
      idempotency_key: c.req.header('idempotency-key') ?? null,
      api_key: merchant.apiKeyId ?? null,
    };
    const message: RealtimeMessage = {
      type: merchantStreamMessageTypes.request,
      id: line.id,
      time: created,
      data: line,
    };
    realtime.push([merchantAudience(merchant.merchantId)], message).catch((error: unknown) => {
      logger.warn('request log push failed', { request_id: line.id, error: String(error) });
    });
  };
}

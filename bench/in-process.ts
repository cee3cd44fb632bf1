/** What the in-process benches (`bench:writes`, `bench:disk`) share: requests through the app, a card payment cycle, waiting for the outbox, running operations a few at a time. */
import { randomUUID } from 'node:crypto';
import { outboxBacklog } from '../server/src/platform/outbox.ts';
import type { LocalPlatform } from '../server/src/runtime/local/platform.ts';

/** Operations in flight at once. */
export const inFlight = 16;

/** Waits until the outbox has handed every event to the bus (30 s at most). */
export async function drained(platform: LocalPlatform): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const backlog = await outboxBacklog(platform.store, platform.clock.now());
    if (backlog.oldest_pending_at === null) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the outbox did not drain');
}

/** Runs `run(0)` … `run(count - 1)`, `inFlight` at a time. */
export async function parallel(count: number, run: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await run(next++);
    }),
  );
}

/** A request through the app in process; a non-2xx answer throws. */
export type InProcessRequest = (
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Record<string, unknown>>;

/**
 * Requests through `platform.app` (no socket) as the bearer of `token`; with `idempotencyKeys`
 * every POST carries a fresh Idempotency-Key, as the SDK sends.
 */
export function inProcessRequest(
  platform: LocalPlatform,
  options: { idempotencyKeys?: boolean } = {},
): InProcessRequest {
  return async (method, path, token, body, headers = {}) => {
    const response = await platform.app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(options.idempotencyKeys && method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
}

const card = {
  number: '4242424242424242',
  exp_month: 12,
  exp_year: new Date().getUTCFullYear() + 3,
  cvc: '123',
};

/** A card payment of $1–$101 authorized (`capture: false`) and then captured, with the API key `key`. */
export async function paymentCycle(request: InProcessRequest, key: string): Promise<void> {
  const payment = await request('POST', '/v1/payments', key, {
    amount: 100 + Math.floor(Math.random() * 10_000),
    currency: 'USD',
    capture: false,
    card,
  });
  await request('POST', `/v1/payments/${String(payment.id)}/capture`, key, {});
}

/**
 * Shop checkouts end to end: each worker puts one product in a user's cart, checks it out with
 * the wallet (`POST /v1/checkout`, 202 processing) and polls the order until the saga has run
 * (reserve → hold → place → capture → notify). A checkout counts when its order is `paid`; its
 * latency runs from the checkout request to the first read that sees it paid (so it includes up
 * to one poll interval). Closed loop: `BENCH_CHECKOUT_WORKERS` checkouts in flight (default 16).
 */
import { call, type ApiUser } from '../../test/server-process.ts';
import type { LoadTarget } from '../load.ts';
import { log, round, settings } from '../support.ts';

export interface CheckoutResult {
  name: string;
  duration_s: number;
  workers: number;
  paid: number;
  failed: number;
  errors: number;
  checkouts_per_second: number;
  latency_ms: { p50: number; p95: number; p99: number; max: number };
}

const pollMs = 10;
const workers = Number(process.env.BENCH_CHECKOUT_WORKERS ?? 16);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!, 1);
}

export async function runCheckoutScenario(
  server: LoadTarget,
  admin: ApiUser,
  users: ApiUser[],
): Promise<CheckoutResult> {
  const created = await call(server.url, 'POST', '/v1/products', {
    token: admin.token,
    body: { name: 'Bench widget', price: 100, currency: 'USD', stock: 1_000_000, category: 'bench' },
  });
  if (created.status !== 201) throw new Error(`product not created: ${created.status} ${created.text}`);
  const productId = (created.json as { id: string }).id;
  const address = {
    name: 'Bench',
    line1: '1 Bench St',
    city: 'Benchville',
    postal_code: '00000',
    country: 'US',
  };

  const latencies: number[] = [];
  let failed = 0;
  let errors = 0;
  let next = 0;
  const checkoutOnce = async (user: ApiUser, n: number) => {
    const added = await call(server.url, 'POST', '/v1/cart/items', {
      token: user.token,
      body: { product_id: productId, quantity: 1 },
    });
    if (added.status !== 200) throw new Error(`add to cart: ${added.status}`);
    const started = performance.now();
    const checkout = await call(server.url, 'POST', '/v1/checkout', {
      token: user.token,
      headers: { 'idempotency-key': `bench-checkout-${n}` },
      body: { shipping_address: address, payment_method: { type: 'wallet' } },
    });
    if (checkout.status !== 202) throw new Error(`checkout: ${checkout.status} ${checkout.text}`);
    const id = (checkout.json as { id: string }).id;
    for (;;) {
      const order = await call(server.url, 'GET', `/v1/orders/${id}`, { token: user.token });
      const status = (order.json as { status: string }).status;
      if (status === 'paid') return latencies.push(performance.now() - started);
      if (status !== 'processing') return void (failed += 1);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
  const run = async (seconds: number, counted: boolean) => {
    const deadline = performance.now() + seconds * 1000;
    // Each worker keeps to its own users, so no two checkouts share a cart.
    await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        for (let round = 0; performance.now() < deadline; round++) {
          const user = users[(worker + round * workers) % users.length]!;
          try {
            await checkoutOnce(user, next++);
          } catch (error) {
            errors += 1;
            if (errors <= 3) log(`  checkout error: ${String(error)}`);
          }
        }
      }),
    );
    if (!counted) {
      latencies.length = 0;
      failed = 0;
      errors = 0;
    }
  };
  if (users.length < workers) throw new Error(`the checkout scenario needs at least ${workers} users`);
  if (settings.warmup > 0) await run(settings.warmup, false);
  log(`commerce: checkouts end to end (${workers} in flight, ${settings.duration} s)`);
  const started = performance.now();
  await run(settings.duration, true);
  const duration = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  const result: CheckoutResult = {
    name: 'commerce: checkout → paid',
    duration_s: round(duration, 1),
    workers,
    paid: latencies.length,
    failed,
    errors,
    checkouts_per_second: round(latencies.length / duration, 1),
    latency_ms: {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: round(sorted.at(-1) ?? 0, 1),
    },
  };
  log(
    `  ${result.paid} paid (${result.failed} failed, ${result.errors} errors): ${result.checkouts_per_second} checkouts/s, p50 ${result.latency_ms.p50} ms, p95 ${result.latency_ms.p95} ms`,
  );
  return result;
}

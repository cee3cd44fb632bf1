/**
 * Recurring billing at scale: one merchant with BENCH_BILLING_SUBSCRIPTIONS (default 10,000)
 * monthly subscriptions, each on a one-day trial, then one `POST /v1/test-helpers/billing/advance-clock`
 * of a day and a minute: every trial ends inside it, so every subscription's first invoice is
 * finalized and charged through the hub's routing (sandbox_card) in that one advance. The call
 * answers 202 at once; the server's queue consumer runs the advance in batches of at most 20 s
 * until the test clock is ready (polled). The figure is invoices finalized and charged per second
 * of the advance, on a Sluice of its own (`npm start`'s entry point on a fresh data dir, its
 * scheduler running too), beside the durable 1-row baseline the same `npm run bench` measured.
 * The batches hold the merchant's billing run, so the server's own schedule takes none of it;
 * every invoice is checked paid afterwards.
 *
 * Run alone: `BENCH_SCENARIOS=billing npm run bench`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { call, signUp, startServer } from '../test/server-process.ts';
import { log, round } from './support.ts';

export interface BillingBenchResult {
  subscriptions: number;
  setup_s: number;
  advance_s: number;
  invoices_finalized: number;
  charges_succeeded: number;
  charges_failed: number;
  invoices_paid: number;
  invoices_per_second: number;
}

const subscriptions = Number(process.env.BENCH_BILLING_SUBSCRIPTIONS ?? 10_000);
const customers = 100;
const setupConcurrency = 16;

async function inPool(count: number, size: number, run: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < count) await run(next++);
    }),
  );
}

/** Paid invoices of the merchant, counted page by page. */
async function countPaid(
  api: (
    method: string,
    path: string,
  ) => Promise<{ data: Array<{ status: string }>; has_more: boolean; next_cursor: string | null }>,
) {
  let paid = 0;
  let cursor: string | null = null;
  do {
    const page = await api('GET', `/v1/invoices?limit=100${cursor ? `&starting_after=${cursor}` : ''}`);
    paid += page.data.filter((invoice) => invoice.status === 'paid').length;
    cursor = page.has_more ? page.next_cursor : null;
  } while (cursor);
  return paid;
}

export async function runBillingScenario(tmp: string): Promise<BillingBenchResult> {
  const server = await startServer({
    dataDir: join(tmp, 'billing-data'),
    stdoutFile: join(tmp, 'billing-server.log'),
    readyTimeoutMs: 60_000,
  });
  try {
    const owner = await signUp(server.url, { name: 'billing-bench' });
    const merchant = await call(server.url, 'POST', '/v1/merchants', {
      token: owner.token,
      body: { name: 'Billing bench' },
    });
    const key = await call(server.url, 'POST', `/v1/merchants/${merchant.json.id}/api-keys`, {
      token: owner.token,
      body: { rate_limit_per_minute: 100_000 },
    });
    const secret = key.json.secret as string;
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await call(server.url, method, path, {
        token: secret,
        ...(body !== undefined ? { body } : {}),
      });
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
      return response.json;
    };
    await api('POST', '/v1/connectors', { provider: 'sandbox_card' });
    const plan = await api('POST', '/v1/plans', {
      name: 'Bench monthly',
      amount: 1500,
      currency: 'USD',
      interval: 'month',
    });
    const started = performance.now();
    const payers: Array<{ customer: string; method: string }> = [];
    for (let i = 0; i < customers; i++) {
      const customer = await api('POST', '/v1/customers', { name: `Customer ${i}` });
      const method = await api('POST', `/v1/customers/${customer.id}/payment-methods`, {
        type: 'card',
        card: {
          number: '4242424242424242',
          exp_month: 12,
          exp_year: new Date().getUTCFullYear() + 5,
          cvc: '123',
        },
      });
      payers.push({ customer: customer.id, method: method.id });
    }
    await inPool(subscriptions, setupConcurrency, async (i) => {
      const payer = payers[i % customers]!;
      await api('POST', '/v1/subscriptions', {
        customer: payer.customer,
        plan: plan.id,
        payment_method: payer.method,
        trial_days: 1,
      });
    });
    const setupSeconds = (performance.now() - started) / 1000;
    log(`billing: ${subscriptions} trial subscriptions created in ${round(setupSeconds, 1)} s`);

    const advanceStarted = performance.now();
    // 202 at once with the test clock advancing; the server's queue consumer runs the batches.
    const advancing = (await api('POST', '/v1/test-helpers/billing/advance-clock', {
      seconds: 86_400 + 60,
    })) as {
      status: string;
    };
    if (advancing.status !== 'advancing')
      throw new Error(`billing: advance-clock answered ${JSON.stringify(advancing)}`);
    let run: {
      status: string;
      invoices_finalized: number;
      charges_succeeded: number;
      charges_failed: number;
      batches: number;
    };
    do {
      await sleep(250);
      run = await api('GET', '/v1/test-helpers/billing/clock');
    } while (run.status !== 'ready');
    const advanceSeconds = (performance.now() - advanceStarted) / 1000;
    // The batches hold the merchant's billing run (the server's schedule leaves it alone): once the
    // clock is ready every invoice must be paid.
    const paid = await countPaid(api);
    log(
      `billing: advance-clock finalized ${run.invoices_finalized} invoices (${run.charges_succeeded} charged, ` +
        `${run.charges_failed} failed) in ${round(advanceSeconds, 1)} s, ${run.batches} batches; ${paid}/${subscriptions} invoices paid`,
    );
    if (paid !== subscriptions || run.invoices_finalized !== subscriptions)
      throw new Error(`billing: expected ${subscriptions} invoices finalized and paid`);
    return {
      subscriptions,
      setup_s: round(setupSeconds, 1),
      advance_s: round(advanceSeconds, 2),
      invoices_finalized: run.invoices_finalized,
      charges_succeeded: run.charges_succeeded,
      charges_failed: run.charges_failed,
      invoices_paid: paid,
      invoices_per_second: round(run.charges_succeeded / advanceSeconds, 0),
    };
  } finally {
    await server.kill('SIGTERM', 15_000);
  }
}

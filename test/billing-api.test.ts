import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { createApp } from '../server/src/app/create-app.ts';
import {
  advanceDays,
  billingMerchant,
  day,
  planAndCustomer,
  setUpBilling,
} from '../server/src/billing/test-support.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import type { MerchantApi } from '../server/src/payments/test-support.ts';
import { FileBlobs, fileBlobRoutes } from '../server/src/runtime/local/file-blobs.ts';

let t: TestApp;
let api: MerchantApi;
let secret: string;
beforeEach(async () => {
  ({ t, api, secret } = await setUpBilling());
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

/** How many of each billing object the merchant has: bad input must leave these unchanged. */
async function counts() {
  const n = async (path: string) => (await api('GET', `${path}?limit=100`)).json.data.length;
  return {
    plans: await n('/v1/plans'),
    customers: await n('/v1/customers'),
    subscriptions: await n('/v1/subscriptions'),
    invoices: await n('/v1/invoices'),
    intents: await n('/v1/payment-intents'),
  };
}

describe('bad input answers 4xx with a code and the param at fault, and writes nothing', () => {
  const plan = { name: 'Pro', amount: 2000, currency: 'USD', interval: 'month' };
  it.each([
    [{ ...plan, interval: 'fortnight' }, 'interval'],
    [{ ...plan, interval: 'hour' }, 'interval'],
    [{ ...plan, trial_period_days: 731 }, 'trial_period_days'],
    [{ ...plan, amount: 0 }, 'amount'],
    [{ ...plan, amount: 12.5 }, 'amount'],
    [{ ...plan, currency: 'usd' }, 'currency'],
    [{ ...plan, interval_count: 0 }, 'interval_count'],
    [{ ...plan, interval: 'month', interval_count: 13 }, 'interval_count'],
    [{ ...plan, interval: 'year', interval_count: 365 }, 'interval_count'],
    [{ ...plan, name: '' }, 'name'],
  ])('plan %j → 400 on %s', async (body, param) => {
    const before = await counts();
    const response = await api('POST', '/v1/plans', body);
    expect(response.status, response.text).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'validation_failed', param });
    expect(await counts()).toEqual(before);
  });

  it('refuses subscriptions to unknown or foreign objects, long trials, and another currency', async () => {
    const { plan: planId, customer, method } = await planAndCustomer(api);
    const other = await billingMerchant(t);
    const foreign = await planAndCustomer(other.api);
    const eur = (await api('POST', '/v1/plans', { ...plan, currency: 'EUR' })).json.id;
    const before = await counts();
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ customer: 'cus_nope', plan: planId, payment_method: method }, 400, 'invalid_request', 'customer'],
      [
        { customer: foreign.customer, plan: planId, payment_method: method },
        400,
        'invalid_request',
        'customer',
      ],
      [{ customer, plan: foreign.plan, payment_method: method }, 400, 'invalid_request', 'plan'],
      [{ customer, plan: planId, payment_method: foreign.method }, 400, 'invalid_request', 'payment_method'],
      [
        { customer, plan: planId, payment_method: method, trial_days: 731 },
        400,
        'validation_failed',
        'trial_days',
      ],
      [
        { customer, plan: planId, payment_method: method, on_retries_exhausted: 'forgive' },
        400,
        'validation_failed',
        'on_retries_exhausted',
      ],
    ];
    for (const [body, status, code, param] of cases) {
      const response = await api('POST', '/v1/subscriptions', body);
      expect(response.status, `${JSON.stringify(body)} ${response.text}`).toBe(status);
      expect(response.json.error).toMatchObject({ code, param });
    }
    const unknown = await api('POST', '/v1/plans', { ...plan, extra: true });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe('validation_failed');
    expect(await counts()).toEqual(before);

    // Another customer's method on this merchant is refused too.
    const second = await planAndCustomer(api);
    const mixed = await api('POST', '/v1/subscriptions', {
      customer,
      plan: planId,
      payment_method: second.method,
    });
    expect(mixed.json.error).toMatchObject({ code: 'invalid_request', param: 'payment_method' });

    const sub = (await api('POST', '/v1/subscriptions', { customer, plan: planId, payment_method: method }))
      .json;
    const change = await api('POST', `/v1/subscriptions/${sub.id}`, { plan: eur });
    expect(change.status).toBe(422);
    expect(change.json.error).toMatchObject({ code: 'currency_mismatch', param: 'plan' });
    expect((await api('GET', `/v1/subscriptions/${sub.id}`)).json.plan).toBe(planId);
  });

  it('refuses an invalid card and a bad routing number without saving them', async () => {
    const customer = (await api('POST', '/v1/customers', {})).json.id;
    const card = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'card',
      card: { number: '4242424242424241', exp_month: 12, exp_year: 2035, cvc: '123' },
    });
    expect(card.status).toBe(400);
    expect(card.json.error).toMatchObject({ code: 'invalid_card', param: 'card.number' });
    const bank = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'ach_debit',
      ach_debit: { routing_number: '123456789', account_number: '12345678', account_holder_name: 'Jane' },
      mandate: { accepted_at: '2026-01-15T12:00:00Z' },
    });
    expect(bank.status).toBe(400);
    expect(bank.json.error).toMatchObject({ code: 'validation_failed', param: 'ach_debit.routing_number' });
    const dated = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'ach_debit',
      ach_debit: { routing_number: '231380104', account_number: '12345678', account_holder_name: 'Jane' },
      mandate: { accepted_at: '2099-01-15T12:00:00Z' },
    });
    expect(dated.status).toBe(400);
    expect(dated.json.error).toMatchObject({ code: 'validation_failed', param: 'mandate.accepted_at' });
    const nobody = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'wallet',
      wallet: { user: 'usr_nope' },
    });
    expect(nobody.status).toBe(404);
    expect(nobody.json.error).toMatchObject({ code: 'not_found', param: 'wallet.user' });
    expect((await api('GET', `/v1/customers/${customer}/payment-methods`)).json.data).toEqual([]);
  });
});

describe('saved payment methods', () => {
  it('keeps a card as its behaviour, brand and last four, never its number; an ACH account sealed', async () => {
    const customer = (await api('POST', '/v1/customers', { name: 'Jane' })).json.id;
    const card = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'card',
      card: { number: '4000000000009995', exp_month: 12, exp_year: 2035, cvc: '123' },
    });
    expect(card.json.card).toEqual({
      brand: 'visa',
      last4: '9995',
      exp_month: 12,
      exp_year: 2035,
      test_behaviour: 'insufficient_funds',
    });
    const bank = await api('POST', `/v1/customers/${customer}/payment-methods`, {
      type: 'ach_debit',
      ach_debit: {
        routing_number: '231380104',
        account_number: '987654321',
        account_holder_name: 'Jane Doe',
      },
      mandate: { accepted_at: '2026-01-15T12:00:00Z', ip_address: '203.0.113.9' },
    });
    expect(bank.status, bank.text).toBe(201);
    expect(bank.json.ach_debit).toMatchObject({ routing_number: '231380104', last4: '4321' });
    const stored = JSON.stringify(
      await t.store.query({ index: 'gsi1', partition: `BIL#CUSPMS#${customer}`, limit: 10 }),
    );
    expect(stored).not.toContain('4000000000009995');
    expect(stored).not.toContain('987654321');
  });

  it('another merchant sees none of it (404)', async () => {
    const { plan, customer, method } = await planAndCustomer(api);
    const sub = (await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method })).json;
    const other = (await billingMerchant(t)).api;
    for (const path of [
      `/v1/plans/${plan}`,
      `/v1/customers/${customer}`,
      `/v1/customers/${customer}/payment-methods`,
      `/v1/subscriptions/${sub.id}`,
      `/v1/subscriptions/${sub.id}/invoices`,
      `/v1/invoices/${sub.latest_invoice}`,
      `/v1/invoices/${sub.latest_invoice}/pdf`,
    ])
      expect((await other('GET', path)).status, path).toBe(404);
    expect((await other('POST', `/v1/subscriptions/${sub.id}/cancel`, {})).status).toBe(404);
    expect((await other('POST', `/v1/invoices/${sub.latest_invoice}/pay`)).status).toBe(404);
    expect((await t.call('GET', '/v1/plans')).status).toBe(401);
  });
});

describe('lists', () => {
  it('page newest first with a short cursor, over every spread partition', async () => {
    const { plan, customer, method } = await planAndCustomer(api);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method })).json.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Array<{ subscription: string }>; has_more: boolean; next_cursor: string | null } = (
        await api('GET', `/v1/invoices?limit=3${cursor ? `&starting_after=${cursor}` : ''}`)
      ).json;
      seen.push(...page.data.map((invoice: { subscription: string }) => invoice.subscription));
      cursor = page.has_more ? page.next_cursor : null;
      if (cursor) expect(cursor.length).toBeLessThan(64);
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });
});

describe('cancel', () => {
  it('now: ends it, credits the unused time to the second; at period end: renews no more', async () => {
    const { plan, customer, method } = await planAndCustomer(api);
    const now = (await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method })).json;
    const later = (await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method })).json;
    await advanceDays(api, 10);
    const ended = await api('POST', `/v1/subscriptions/${now.id}/cancel`, {});
    expect(ended.json).toMatchObject({ status: 'canceled', next_action_at: null });
    const length = (Date.parse(now.current_period_end) - Date.parse(now.current_period_start)) / 1000;
    const remaining = length - 10 * 86_400;
    const credit = Math.floor((2000 * remaining * 2 + length) / (length * 2));
    expect((await api('GET', `/v1/customers/${customer}`)).json.credit_balance).toEqual({ USD: credit });
    expect((await api('POST', `/v1/subscriptions/${now.id}/cancel`, {})).status).toBe(409);

    expect(
      (await api('POST', `/v1/subscriptions/${later.id}/cancel`, { at_period_end: true })).json,
    ).toMatchObject({
      status: 'active',
      cancel_at_period_end: true,
    });
    await advanceDays(api, 40);
    const done = (await api('GET', `/v1/subscriptions/${later.id}`)).json;
    expect(done).toMatchObject({ status: 'canceled', ended_at: later.current_period_end });
    expect((await api('GET', `/v1/subscriptions/${later.id}/invoices`)).json.data).toHaveLength(1);
  });

  it('a trial: no charge until it ends, then the first invoice', async () => {
    const { plan, customer, method } = await planAndCustomer(api);
    const sub = (
      await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method, trial_days: 14 })
    ).json;
    expect(sub).toMatchObject({ status: 'trialing', latest_invoice: null });
    await advanceDays(api, 13);
    expect((await api('GET', `/v1/invoices`)).json.data).toEqual([]);
    await advanceDays(api, 1);
    const after = (await api('GET', `/v1/subscriptions/${sub.id}`)).json;
    expect(after).toMatchObject({ status: 'active', current_period_start: sub.trial_end });
    const invoices = (await api('GET', `/v1/subscriptions/${sub.id}/invoices`)).json.data;
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ status: 'paid', period_start: sub.trial_end, amount_paid: 2000 });
    expect(Date.parse(sub.trial_end) - Date.parse(sub.created_at)).toBe(14 * day);
  });
});

describe('an unpaid invoice paid by hand', () => {
  it('after the card is fixed: paid, and the subscription active again', async () => {
    const { plan, customer, method } = await planAndCustomer(api, {}, '4000000000000002');
    const sub = (await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method })).json;
    expect(sub.status).toBe('past_due');
    await api('PATCH', `/v1/customers/${customer}/payment-methods/${method}`, { test_behaviour: 'success' });
    const paid = await api('POST', `/v1/invoices/${sub.latest_invoice}/pay`);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.json).toMatchObject({ status: 'paid', attempt_count: 2, next_payment_attempt: null });
    expect((await api('GET', `/v1/subscriptions/${sub.id}`)).json).toMatchObject({
      status: 'active',
      next_action_at: sub.current_period_end,
    });
    expect((await api('POST', `/v1/invoices/${sub.latest_invoice}/pay`)).status).toBe(409);
  });
});

describe('invoice PDF through the Blobs port', () => {
  it('renders the invoice, stores it behind a signed URL, and serves it over HTTP', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'billing-pdf-'));
    let blobApp = new Hono();
    const server = serve({ fetch: (request) => blobApp.fetch(request), port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const blobs = new FileBlobs({
        dir,
        baseUrl: `http://127.0.0.1:${port}/`,
        signingKey: 'billing-test-signing-key-of-32-bytes!!',
      });
      blobApp = new Hono();
      blobApp.route('/', fileBlobRoutes(blobs));
      const app = createApp({
        store: t.store,
        clock: t.clock,
        config: t.config,
        logger: silentLogger,
        identity: t.identity,
        queue: t.queue,
        blobs,
      });
      const { plan, customer, method } = await planAndCustomer(api);
      const sub = (await api('POST', '/v1/subscriptions', { customer, plan, payment_method: method })).json;
      const response = await app.request(`/v1/invoices/${sub.latest_invoice}/pdf`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(response.status, await response.clone().text()).toBe(200);
      const body = (await response.json()) as { url: string; bytes: number };
      const pdf = await fetch(body.url);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      const bytes = new Uint8Array(await pdf.arrayBuffer());
      expect(bytes.byteLength).toBe(body.bytes);
      expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

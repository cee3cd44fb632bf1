import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import type { ManualClock } from '../server/src/kernel/clock.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { deletedConnectorRetentionMs } from '../server/src/hub/connectors-service.ts';
import { inflightLeaseMs, recoverInterruptedIntents } from '../server/src/hub/recovery.ts';
import { hubKeys } from '../server/src/hub/store.ts';
import {
  cardMethod,
  crashBeforeFinalWrite,
  createHubTestApp,
  hubTestDeps,
  setUpHubMerchant,
  startStripeMock,
  stripeCredentials,
} from '../server/src/hub/test-support.ts';
import {
  interleave,
  pendingEvents,
  type MerchantApi,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { TtlSweeper } from '../server/src/runtime/local/ttl-sweeper.ts';

// Deleting a connector hides it from its merchant at once but keeps it (with its sealed
// credentials) for `deletedConnectorRetentionMs`, for the recovery job: an attempt a crash cut off
// before the delete is still undone at its provider. Past that the store's TTL removes it, and an
// attempt the job reaches only then ends `interrupted`, its key what the merchant looks for.
let stripeMock: Awaited<ReturnType<typeof startStripeMock>>;
let stripe: Stripe;
beforeAll(async () => {
  stripeMock = await startStripeMock();
  stripe = new Stripe(stripeCredentials.secret_key, { ...stripeMock.stripe, maxNetworkRetries: 0 });
}, 30_000);
afterAll(async () => {
  await stripeMock.stop();
});

let t: TestApp;
let api: MerchantApi;
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

/**
 * The app on a SQLite store the TTL sweeper can drive, a merchant with connectors for `providers`
 * routed in that order; `crash()` arms the death of the next intent's process before its final write.
 */
async function setUp(providers: Array<'sandbox_card' | 'stripe'>) {
  const hooks = { stripe: stripeMock.stripe };
  const sqlite = new SqliteStore(':memory:');
  t = createHubTestApp(hooks, {}, sqlite);
  const set = await setUpHubMerchant(t, providers);
  api = set.api;
  await api('PUT', '/v1/routing', { rules: [], default: providers });
  const sweeper = new TtlSweeper({ store: sqlite, clock: t.clock });
  return {
    ...set,
    crash: crashBeforeFinalWrite(t.store),
    recover: () => recoverInterruptedIntents(hubTestDeps(t, hooks)),
    advance: (ms: number) => (t.clock as ManualClock).advance(ms),
    stored: (id: string) => sqlite.get(hubKeys.connector(id)),
    sweep: () => sweeper.drain(),
  };
}

/** A card intent whose process dies after the provider charged it: left `processing`, in flight. */
async function cutOff(crash: () => void, amount: number): Promise<{ id: string }> {
  crash();
  const paid = await api('POST', '/v1/payment-intents', {
    amount,
    currency: 'USD',
    payment_method: cardMethod(),
  });
  expect(paid.status).toBe(500);
  const intent = (await api('GET', '/v1/payment-intents')).json.data[0];
  expect(intent).toMatchObject({ status: 'processing', attempts: [] });
  return intent;
}

/** The connector answers 404 to every call its merchant makes and is listed nowhere. */
async function expectGoneForMerchant(id: string) {
  for (const [method, body] of [['GET'], ['PATCH', { name: 'Back' }], ['DELETE']] as const) {
    const answer = await api(method, `/v1/connectors/${id}`, body);
    expect(answer.status, `${method} ${answer.text}`).toBe(404);
    expect(answer.json.error.code).toBe('not_found');
  }
  const listed = (await api('GET', '/v1/connectors')).json.data as Array<{ id: string }>;
  expect(listed.map((c) => c.id)).not.toContain(id);
}

const cardPayments = async () =>
  ((await api('GET', '/v1/payments?limit=10')).json.data as Array<Record<string, unknown>>).map((p) => ({
    id: p.id,
    status: p.status,
    amount_captured: p.amount_captured,
    amount_refunded: p.amount_refunded,
  }));

describe('recovering an attempt whose connector was deleted meanwhile', () => {
  it('undoes the card payment the cut-off attempt made, once, while the connector stays gone for the merchant', async () => {
    const { connectors, crash, recover, advance, stored, sweep } = await setUp(['sandbox_card']);
    const intent = await cutOff(crash, 1800);
    const [charged] = await cardPayments();
    expect(charged).toMatchObject({ status: 'succeeded', amount_captured: 1800, amount_refunded: 0 });
    const id = connectors.sandbox_card!;
    const deleted = await api('DELETE', `/v1/connectors/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toMatchObject({ id, object: 'connector', provider: 'sandbox_card' });
    await expectGoneForMerchant(id);

    advance(inflightLeaseMs + 1_000);
    expect(await recover()).toBe(1);
    expect(await recover()).toBe(0);
    const shown = (await api('GET', `/v1/payment-intents/${intent.id}`)).json;
    expect(shown).toMatchObject({
      status: 'failed',
      last_error: { code: 'interrupted' },
      attempts: [
        { connector: id, status: 'reconciled', error_code: 'interrupted', provider_reference: charged!.id },
      ],
    });
    expect(await cardPayments()).toEqual([{ ...charged, amount_refunded: 1800 }]);
    const failed = (await pendingEvents(t)).filter((e) => e.type === 'payment_intent.payment_failed');
    expect(failed.map((e) => e.subject)).toEqual([intent.id]);
    await expectGoneForMerchant(id);

    // Kept until the retention ends, then the sweeper takes it; the intent stays as it was.
    advance(deletedConnectorRetentionMs - inflightLeaseMs - 2_000);
    await sweep();
    expect(await stored(id)).toMatchObject({ id, deleted_at: expect.any(String) });
    advance(2_000);
    await sweep();
    expect(await stored(id)).toBeUndefined();
    expect(await recover()).toBe(0);
    expect((await api('GET', `/v1/payment-intents/${intent.id}`)).json).toEqual(shown);
  });

  it("refunds the Stripe charge with the deleted connector's kept credentials, which no answer or event shows", async () => {
    const { connectors, crash, recover, advance } = await setUp(['stripe']);
    const intent = await cutOff(crash, 2300);
    const deleted = await api('DELETE', `/v1/connectors/${connectors.stripe}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json.has_credentials).toBe(true);
    advance(inflightLeaseMs + 1_000);
    expect(await recover()).toBe(1);
    const shown = (await api('GET', `/v1/payment-intents/${intent.id}`)).json;
    expect(shown.attempts[0]).toMatchObject({ provider: 'stripe', status: 'reconciled' });
    const charge = await stripe.charges.retrieve(shown.attempts[0].provider_reference);
    expect(charge).toMatchObject({ amount: 2300, refunded: true, amount_refunded: 2300 });
    await expectGoneForMerchant(connectors.stripe!);
    const seen = JSON.stringify([deleted.json, shown, await pendingEvents(t)]);
    for (const secret of Object.values(stripeCredentials)) expect(seen).not.toContain(secret);
  });

  it('ends the attempt interrupted, once, when the job reaches it only after the retention', async () => {
    const { connectors, crash, recover, advance, stored, sweep } = await setUp(['sandbox_card']);
    const intent = await cutOff(crash, 700);
    const [charged] = await cardPayments();
    const id = connectors.sandbox_card!;
    expect((await api('DELETE', `/v1/connectors/${id}`)).status).toBe(200);
    const kept = (await stored(id))!;
    expect(Number(kept.expires_at) * 1000).toBe(
      Date.parse(String(kept.deleted_at)) + deletedConnectorRetentionMs,
    );
    // The retention's end, before any sweep: the item is still stored (TTL deletes lazily, on
    // DynamoDB as here) but no longer used.
    advance(Number(kept.expires_at) * 1000 - t.clock.now());
    expect(await stored(id)).toMatchObject({ id });
    expect(await recover()).toBe(1);
    expect(await recover()).toBe(0);
    const shown = (await api('GET', `/v1/payment-intents/${intent.id}`)).json;
    expect(shown).toMatchObject({
      status: 'failed',
      last_error: { code: 'interrupted' },
      attempts: [
        { connector: id, status: 'interrupted', error_code: 'interrupted', provider_reference: null },
      ],
    });
    // Left for the merchant, who finds it by the attempt's key; the job does not come back to it.
    expect(await cardPayments()).toEqual([charged]);
    const failed = (await pendingEvents(t)).filter((e) => e.type === 'payment_intent.payment_failed');
    expect(failed.map((e) => e.subject)).toEqual([intent.id]);
    await sweep();
    expect(await stored(id)).toBeUndefined();
  });
});

describe('a connector deleted while a call through it is out', () => {
  it('still undoes what a timed-out call did, with the provider the call used, and fails the intent', async () => {
    const { connectors } = await setUp(['sandbox_card']);
    const id = connectors.sandbox_card!;
    const fault = await api('POST', `/v1/test-helpers/connectors/${id}/faults`, {
      mode: 'timeout',
      count: 1,
    });
    expect(fault.status).toBe(200);
    // The merchant deletes the connector right after the provider charged, before the timeout.
    const transact = t.store.transact.bind(t.store);
    let deleteAfterCharge = true;
    t.store.transact = async (operations: WriteOperation[]) => {
      await transact(operations);
      const charged = operations.some((op) => op.type === 'put' && String(op.item.pk).startsWith('PAY#'));
      if (deleteAfterCharge && charged) {
        deleteAfterCharge = false;
        expect((await api('DELETE', `/v1/connectors/${id}`)).status).toBe(200);
      }
    };
    const paid = await api('POST', '/v1/payment-intents', {
      amount: 1500,
      currency: 'USD',
      payment_method: cardMethod(),
    });
    expect(deleteAfterCharge).toBe(false);
    expect(paid.status, paid.text).toBe(503);
    const intent = (await api('GET', '/v1/payment-intents')).json.data[0];
    const [charge] = await cardPayments();
    expect(intent).toMatchObject({
      status: 'failed',
      attempts: [
        {
          connector: id,
          status: 'reconciled',
          error_code: 'provider_timeout',
          provider_reference: charge!.id,
        },
      ],
    });
    expect(charge).toMatchObject({ amount_captured: 1500, amount_refunded: 1500 });
    await expectGoneForMerchant(id);
  });
});

describe('a deleted connector', () => {
  it('is never routed to, cannot be named by routing, and frees its provider for a new connector', async () => {
    const { connectors } = await setUp(['sandbox_card', 'stripe']);
    const id = connectors.sandbox_card!;
    expect((await api('DELETE', `/v1/connectors/${id}`)).status).toBe(200);
    const paid = await api('POST', '/v1/payment-intents', {
      amount: 1200,
      currency: 'USD',
      payment_method: cardMethod(),
    });
    expect(paid.status, paid.text).toBe(201);
    expect(paid.json).toMatchObject({
      status: 'succeeded',
      connector: connectors.stripe,
      routed_to: ['stripe'],
    });
    expect(paid.json.attempts.map((a: { provider: string }) => a.provider)).toEqual(['stripe']);
    expect(await cardPayments()).toEqual([]);
    const routing = await api('PUT', '/v1/routing', { rules: [], default: ['sandbox_card'] });
    expect(routing.status).toBe(400);
    expect(routing.json.error).toMatchObject({ code: 'unknown_connector' });
    const again = await api('POST', '/v1/connectors', { provider: 'sandbox_card' });
    expect(again.status).toBe(201);
    expect(again.json.id).not.toBe(id);
  });

  it('is deleted the same way when the delete was held for approval', async () => {
    const { merchant, connectors, crash, recover, advance } = await setUp(['sandbox_card']);
    const approver = await joinAsApprover(merchant);
    expect(
      (await api('PUT', '/v1/approval-policies', { action: 'connector_change', approvals: 1 })).status,
    ).toBe(200);
    const intent = await cutOff(crash, 900);
    const id = connectors.sandbox_card!;
    const held = await api('DELETE', `/v1/connectors/${id}`);
    expect(held.status).toBe(202);
    expect((await api('GET', `/v1/connectors/${id}`)).status).toBe(200);
    const approved = await as(merchant, approver)('POST', `/v1/approvals/${held.json.id}/approve`);
    expect(approved.json).toMatchObject({ status: 'executed', result: { op: 'delete', connector: id } });
    await expectGoneForMerchant(id);
    const paid = await api('POST', '/v1/payment-intents', {
      amount: 100,
      currency: 'USD',
      payment_method: cardMethod(),
    });
    expect(paid.status).toBe(422);
    advance(inflightLeaseMs + 1_000);
    expect(await recover()).toBe(1);
    expect((await api('GET', `/v1/payment-intents/${intent.id}`)).json.attempts[0]).toMatchObject({
      status: 'reconciled',
    });
    expect((await cardPayments()).map((p) => p.amount_refunded)).toEqual([900]);
  });

  it('answers 404 to a change read before the delete and written after it', async () => {
    const { connectors } = await setUp(['sandbox_card']);
    const id = connectors.sandbox_card!;
    const writesConnector = (operations: WriteOperation[]) =>
      operations.some((op) => op.type === 'update' && op.key.pk === hubKeys.connector(id).pk);
    interleave(t, writesConnector, () => api('DELETE', `/v1/connectors/${id}`));
    const renamed = await api('PATCH', `/v1/connectors/${id}`, { name: 'Late' });
    expect(renamed.status).toBe(404);
    expect(renamed.json.error.code).toBe('not_found');
    await expectGoneForMerchant(id);
  });

  it("answers 404 to a second delete read before the first landed, leaving a new connector's slot", async () => {
    const { connectors } = await setUp(['sandbox_card']);
    const id = connectors.sandbox_card!;
    const writesConnector = (operations: WriteOperation[]) =>
      operations.some((op) => op.type === 'update' && op.key.pk === hubKeys.connector(id).pk);
    let replacement: string | undefined;
    interleave(t, writesConnector, async () => {
      expect((await api('DELETE', `/v1/connectors/${id}`)).status).toBe(200);
      replacement = (await api('POST', '/v1/connectors', { provider: 'sandbox_card' })).json.id;
    });
    const late = await api('DELETE', `/v1/connectors/${id}`);
    expect(late.status).toBe(404);
    expect((await api('GET', '/v1/connectors')).json.data.map((c: { id: string }) => c.id)).toEqual([
      replacement,
    ]);
    const third = await api('POST', '/v1/connectors', { provider: 'sandbox_card' });
    expect(third.status).toBe(409);
    expect(third.json.error.code).toBe('connector_exists');
  });
});

async function joinAsApprover(merchant: TestMerchant): Promise<TestUser> {
  const email = `approver-${Math.random().toString(36).slice(2, 10)}@example.com`;
  // As in approvals-gates.test.ts: the hub test app wires no notifier, so the invitation answers
  // 500 after the membership is stored; signing up with the email joins.
  await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
    token: merchant.owner.token,
    body: { email, role: 'approver' },
  });
  return t.signUp('approver', email);
}

const as = (merchant: TestMerchant, user: TestUser) => (method: string, path: string, body?: unknown) =>
  t.call(method, path, {
    token: user.token,
    headers: { 'sluice-merchant': merchant.id },
    ...(body !== undefined ? { body } : {}),
  });

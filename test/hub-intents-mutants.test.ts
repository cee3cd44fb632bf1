import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp, TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { isoTime, type ManualClock } from '../server/src/kernel/clock.ts';
import { AppError } from '../server/src/kernel/errors.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { TechnicalFailure, type Connector } from '../server/src/hub/connectors/connector.ts';
import type { HubDeps, HubTestHooks } from '../server/src/hub/deps.ts';
import {
  backoffMs,
  cancelIntent,
  captureIntent,
  createIntent,
  refundIntent,
} from '../server/src/hub/intents.ts';
import type { CreateIntent } from '../server/src/hub/model.ts';
import { intentPut, readIntent, readProviderRef } from '../server/src/hub/store.ts';
import {
  cardMethod,
  createHubTestApp,
  hubTestDeps,
  setUpHubMerchant,
} from '../server/src/hub/test-support.ts';
import {
  failNextWrite,
  interleave,
  pendingEvents,
  type MerchantApi,
} from '../server/src/payments/test-support.ts';

// Pins what hub/intents.ts does beyond the flows the other hub tests walk through: the messages
// and details of its refusals, the events and idempotency records its writes carry, the keys it
// sends providers, and the vendors' shares around captures and refunds (issue 23's mutation
// testing of the file; each test names what it pins).

let t: TestApp;
let api: MerchantApi;
let merchant: { merchantId: string; ownerId: string };
let connectors: Record<string, string>;
let isOpen = false;
afterEach(async () => {
  if (!isOpen) return;
  isOpen = false;
  await expectBooksBalanced(t.store);
  await t.store.close();
});

async function setUp(
  providers: Array<'sandbox_card' | 'wallet' | 'stripe'> = ['sandbox_card'],
  hooks: HubTestHooks = {},
) {
  t = createHubTestApp(hooks, { signupBonus: 2000 });
  isOpen = true;
  const made = await setUpHubMerchant(t, providers);
  api = made.api;
  connectors = made.connectors;
  merchant = { merchantId: made.merchant.id, ownerId: made.merchant.owner.id };
}

/** A card payment's input, for calling `createIntent` directly. */
const cardIntent = (amount: number): CreateIntent => ({
  amount,
  currency: 'USD',
  capture: true,
  payment_method: cardMethod() as CreateIntent['payment_method'],
});

const clock = () => t.clock as ManualClock;
const now = () => isoTime(t.clock.now());

/** The hub's ports over the test app's, for calling intents.ts with a scripted connector. */
const depsOf = (hooks: HubTestHooks = {}): HubDeps => hubTestDeps(t, { backoffBaseMs: 0, ...hooks });

/** `deps` with the card sandbox's connector changed by `change` (a scripted provider over the real one). */
function withSandboxCard(deps: HubDeps, change: (real: Connector) => Partial<Connector>): HubDeps {
  const real = deps.connectors.sandbox_card;
  return { ...deps, connectors: { ...deps.connectors, sandbox_card: { ...real, ...change(real) } } };
}

/** A Stripe endpoint where nothing listens: every call fails to connect. */
async function closedStripeEndpoint() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { host: '127.0.0.1', port, protocol: 'http' as const };
}

const pay = (fields: Record<string, unknown> = {}, headers?: Record<string, string>) =>
  api(
    'POST',
    '/v1/payment-intents',
    { amount: 1000, currency: 'USD', payment_method: cardMethod(), ...fields },
    headers,
  );

async function vendor(name = 'Roaster'): Promise<string> {
  const created = await api('POST', '/v1/vendors', { name, currency: 'USD' });
  expect(created.status, created.text).toBe(201);
  return created.json.id;
}
const vendorBalance = async (id: string) =>
  (await api('GET', `/v1/vendors/${id}`)).json.balances[0] as { pending: number; available: number };
const sandboxPayment = async (id: string) => (await api('GET', `/v1/payments/${id}`)).json;
const eventsOf = async (type: string) => (await pendingEvents(t)).filter((event) => event.type === type);

/** Records the operations of every transaction the store commits or refuses. */
function recordTransactions(): WriteOperation[][] {
  const seen: WriteOperation[][] = [];
  const transact = t.store.transact.bind(t.store);
  t.store.transact = async (operations: WriteOperation[]) => {
    seen.push(operations);
    return transact(operations);
  };
  return seen;
}
const putsIntent = (operations: WriteOperation[], status: string) =>
  operations.some(
    (op) => op.type === 'put' && String(op.item.pk).startsWith('HUB#PI#') && op.item.status === status,
  );
/** Whether the transaction completes an idempotency record (`IDEM#…`) with its response. */
const completesIdempotencyRecord = (operations: WriteOperation[]) =>
  operations.some((op) => String(op.type === 'put' ? op.item.pk : op.key.pk).startsWith('IDEM#'));

describe('reading and listing intents', () => {
  beforeEach(() => setUp());

  it('answers 404 naming the id of an intent that does not exist', async () => {
    const missing = await api('GET', '/v1/payment-intents/pi_doesnotexist');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({
      code: 'not_found',
      message: 'No payment intent pi_doesnotexist.',
    });
  });

  it('lists intents a page at a time, with the cursor to the next page', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await pay({ amount: 100 + i })).json.id);
      clock().advance(1);
    }
    const first = await api('GET', '/v1/payment-intents?limit=2');
    expect(first.json.data).toHaveLength(2);
    expect(first.json.has_more).toBe(true);
    expect(typeof first.json.next_cursor).toBe('string');
    const second = await api('GET', `/v1/payment-intents?limit=2&starting_after=${first.json.next_cursor}`);
    expect(second.json.has_more).toBe(false);
    const listed = [...first.json.data, ...second.json.data].map((intent: { id: string }) => intent.id);
    expect(listed.toSorted()).toEqual(ids.toSorted());
    // Listed as stored, less what only the store keeps.
    expect(first.json.data[0]).not.toHaveProperty('owner');
    expect(first.json.data[0]).not.toHaveProperty('version');
  });
});

describe('capture', () => {
  beforeEach(() => setUp());

  it('captures part of an authorization at the provider, writing the intent, its event and its idempotency record at once', async () => {
    const held = await pay({ capture: false });
    expect(held.json.status).toBe('requires_capture');
    clock().advance(5_000);
    const seen = recordTransactions();
    const captured = await api(
      'POST',
      `/v1/payment-intents/${held.json.id}/capture`,
      { amount: 600 },
      { 'idempotency-key': 'capture-1' },
    );
    expect(captured.status, captured.text).toBe(200);
    expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 600, updated_at: now() });
    expect(captured.json.updated_at).not.toBe(held.json.updated_at);
    expect(await sandboxPayment(held.json.provider_reference)).toMatchObject({
      status: 'succeeded',
      amount_captured: 600,
    });
    const write = seen.find((operations) => putsIntent(operations, 'succeeded'))!;
    expect(completesIdempotencyRecord(write)).toBe(true);
    const succeeded = await eventsOf('payment_intent.succeeded');
    expect(succeeded.map((event) => [event.subject, event.audience])).toEqual([
      [held.json.id, [merchant.ownerId]],
    ]);
    expect(succeeded[0]!.data.object).toEqual(captured.json);

    // Stored over the version read: the next write is not refused.
    const refunded = await api('POST', `/v1/payment-intents/${held.json.id}/refunds`, { amount: 100 });
    expect(refunded.status, refunded.text).toBe(200);
    const replay = await api(
      'POST',
      `/v1/payment-intents/${held.json.id}/capture`,
      { amount: 600 },
      { 'idempotency-key': 'capture-1' },
    );
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json).toEqual(captured.json);
  });

  it('refuses to capture an intent that is not authorized, saying what it is', async () => {
    const paid = await pay();
    const again = await api('POST', `/v1/payment-intents/${paid.json.id}/capture`);
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({
      code: 'invalid_state_transition',
      message: 'Cannot capture a payment intent that is succeeded.',
      status: 'succeeded',
    });
  });

  it('refuses a capture below the splits’ total, and takes one at exactly it, moving the shares', async () => {
    const a = await vendor();
    const held = await pay({ capture: false, amount: 5000, splits: [{ vendor: a, amount: 4000 }] });
    const short = await api('POST', `/v1/payment-intents/${held.json.id}/capture`, { amount: 3999 });
    expect(short.status).toBe(400);
    expect(short.json.error).toMatchObject({
      code: 'validation_failed',
      param: 'amount',
      message: "Capture at least the splits' total, 4000.",
    });
    expect(await vendorBalance(a)).toMatchObject({ pending: 0 });
    const captured = await api('POST', `/v1/payment-intents/${held.json.id}/capture`, { amount: 4000 });
    expect(captured.status, captured.text).toBe(200);
    expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 4000 });
    expect(await vendorBalance(a)).toMatchObject({ pending: 4000 });
    expect((await api('GET', `/v1/payment-intents/${held.json.id}/splits`)).json.status).toBe('transferred');
  });

  it('refuses to capture an intent whose connector was deleted, leaving the authorization held', async () => {
    const held = await pay({ capture: false });
    expect((await api('DELETE', `/v1/connectors/${connectors.sandbox_card}`)).status).toBe(200);
    const refused = await api('POST', `/v1/payment-intents/${held.json.id}/capture`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'invalid_state_transition',
      message: `The connector that took payment intent ${held.json.id} is gone.`,
    });
    expect(await sandboxPayment(held.json.provider_reference)).toMatchObject({ status: 'requires_capture' });
  });

  it('answers 409 conflict when the intent changed between its read and its write', async () => {
    const held = await pay({ capture: false });
    const race = interleave(
      t,
      (operations) => putsIntent(operations, 'succeeded'),
      async () => {
        // Another writer (a dispute webhook, say) stores the intent over the same version first.
        const record = (await readIntent(t.store, held.json.id))!;
        await t.store.transact([
          intentPut({ ...record, description: 'changed', version: record.version + 1 }),
        ]);
      },
    );
    const captured = await api('POST', `/v1/payment-intents/${held.json.id}/capture`);
    expect(race.count).toBe(1);
    expect(captured.status).toBe(409);
    expect(captured.json.error).toMatchObject({
      code: 'conflict',
      message: `Payment intent ${held.json.id} changed meanwhile; retry.`,
    });
    expect((await api('GET', `/v1/payment-intents/${held.json.id}`)).json).toMatchObject({
      status: 'requires_capture',
      description: 'changed',
    });
  });
});

describe('cancel', () => {
  beforeEach(() => setUp());

  it('voids the authorization at the provider, with its event and idempotency record in the same write', async () => {
    const held = await pay({ capture: false });
    const seen = recordTransactions();
    const canceled = await api('POST', `/v1/payment-intents/${held.json.id}/cancel`, undefined, {
      'idempotency-key': 'cancel-1',
    });
    expect(canceled.status, canceled.text).toBe(200);
    expect(canceled.json.status).toBe('canceled');
    expect(await sandboxPayment(held.json.provider_reference)).toMatchObject({ status: 'canceled' });
    expect(completesIdempotencyRecord(seen.find((operations) => putsIntent(operations, 'canceled'))!)).toBe(
      true,
    );
    expect((await eventsOf('payment_intent.canceled')).map((event) => event.subject)).toEqual([held.json.id]);
  });

  it('refuses to cancel an intent that is not authorized, saying what it is', async () => {
    const paid = await pay();
    const refused = await api('POST', `/v1/payment-intents/${paid.json.id}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'invalid_state_transition',
      message: 'Cannot cancel a payment intent that is succeeded.',
      status: 'succeeded',
    });
    expect(await sandboxPayment(paid.json.provider_reference)).toMatchObject({ status: 'succeeded' });
  });
});

describe('refunds', () => {
  beforeEach(() => setUp());

  it('refunds in parts, each under its own key at the provider, up to exactly what was captured', async () => {
    const paid = await pay();
    clock().advance(1_000);
    const seen = recordTransactions();
    const first = await api(
      'POST',
      `/v1/payment-intents/${paid.json.id}/refunds`,
      { amount: 300 },
      {
        'idempotency-key': 'refund-1',
      },
    );
    expect(first.status, first.text).toBe(200);
    expect(completesIdempotencyRecord(seen.find((operations) => putsIntent(operations, 'succeeded'))!)).toBe(
      true,
    );
    const tooMuch = await api('POST', `/v1/payment-intents/${paid.json.id}/refunds`, { amount: 701 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.json.error).toMatchObject({
      code: 'validation_failed',
      param: 'amount',
      message: 'At most 700 can still be refunded.',
    });
    const rest = await api('POST', `/v1/payment-intents/${paid.json.id}/refunds`, { amount: 700 });
    expect(rest.status, rest.text).toBe(200);
    expect(rest.json).toMatchObject({ status: 'succeeded', amount_captured: 1000, amount_refunded: 1000 });
    const [one, two] = rest.json.refunds;
    expect(rest.json.refunds).toHaveLength(2);
    expect(one).toEqual({
      id: expect.stringMatching(/^\w+_/),
      amount: 300,
      provider_reference: expect.any(String),
      created_at: now(),
    });
    expect(two).toMatchObject({ amount: 700 });
    expect(two.id).not.toBe(one.id);
    expect(two.provider_reference).not.toBe(one.provider_reference);
    expect(await sandboxPayment(paid.json.provider_reference)).toMatchObject({ amount_refunded: 1000 });
    const refunded = await eventsOf('payment_intent.refunded');
    expect(
      refunded.map((event) => [
        event.subject,
        (event.data.object as { amount_refunded: number }).amount_refunded,
      ]),
    ).toEqual([
      [paid.json.id, 300],
      [paid.json.id, 1000],
    ]);

    const nothingLeft = await api('POST', `/v1/payment-intents/${paid.json.id}/refunds`, { amount: 1 });
    expect(nothingLeft.status).toBe(409);
    expect(nothingLeft.json.error).toMatchObject({
      code: 'invalid_state_transition',
      message: 'Cannot refund a payment intent that is succeeded with nothing left to refund.',
      status: 'succeeded',
    });
  });

  it('keys each intent’s refunds apart at the provider: two intents’ first refunds are two refunds', async () => {
    const [a, b] = [await pay(), await pay()];
    for (const paid of [a, b]) {
      const refunded = await api('POST', `/v1/payment-intents/${paid.json.id}/refunds`, { amount: 400 });
      expect(refunded.status, refunded.text).toBe(200);
    }
    expect(await sandboxPayment(a.json.provider_reference)).toMatchObject({ amount_refunded: 400 });
    expect(await sandboxPayment(b.json.provider_reference)).toMatchObject({ amount_refunded: 400 });
  });

  it('refuses to refund an intent that captured nothing yet, saying what it is', async () => {
    const held = await pay({ capture: false });
    const refused = await api('POST', `/v1/payment-intents/${held.json.id}/refunds`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'invalid_state_transition',
      message: 'Cannot refund a payment intent that is requires_capture with nothing left to refund.',
      status: 'requires_capture',
    });
  });

  it('gives the vendors their part back when the provider refuses the refund', async () => {
    const a = await vendor();
    const paid = await pay({ amount: 10_000, splits: [{ vendor: a, amount: 6000 }] });
    expect(await vendorBalance(a)).toMatchObject({ pending: 6000 });
    const refusing = withSandboxCard(depsOf(), () => ({
      refund: async () => {
        throw new AppError('invalid_request', 'the provider refused the refund');
      },
    }));
    await expect(refundIntent(refusing, merchant, paid.json.id, 5000)).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(await vendorBalance(a)).toMatchObject({ pending: 6000 });
    expect((await api('GET', `/v1/payment-intents/${paid.json.id}`)).json).toMatchObject({
      amount_refunded: 0,
    });
  });

  it('moves shares still waiting when a refund comes, then takes them back pro rata', async () => {
    const a = await vendor();
    const held = await pay({ capture: false, amount: 10_000, splits: [{ vendor: a, amount: 6000 }] });
    // The capture's share transfer meets a store too busy: the intent is captured, its shares wait.
    failNextWrite(t, (operations) =>
      operations.some((op) => op.type === 'put' && String(op.item.pk).startsWith('HUB#VENDORSPLITS#')),
    );
    const captured = await api('POST', `/v1/payment-intents/${held.json.id}/capture`);
    expect(captured.status).toBe(500);
    expect((await api('GET', `/v1/payment-intents/${held.json.id}`)).json.status).toBe('succeeded');
    const splits = () => api('GET', `/v1/payment-intents/${held.json.id}/splits`);
    expect((await splits()).json.status).toBe('awaiting_payment');

    const refunded = await api('POST', `/v1/payment-intents/${held.json.id}/refunds`, { amount: 5000 });
    expect(refunded.status, refunded.text).toBe(200);
    expect(await vendorBalance(a)).toMatchObject({ pending: 3000 });
    expect((await splits()).json).toMatchObject({
      status: 'transferred',
      lines: [{ vendor: a, amount: 6000, reversed: 3000, shortfall: 0 }],
    });
  });

  it('keeps the vendors’ part taken back when the provider is down, for the retry under the same key', async () => {
    const a = await vendor();
    const paid = await pay({ amount: 10_000, splits: [{ vendor: a, amount: 6000 }] });
    const down = withSandboxCard(depsOf(), () => ({
      refund: async () => {
        throw new TechnicalFailure('timeout', 'no answer within the timeout');
      },
    }));
    await expect(refundIntent(down, merchant, paid.json.id, 5000)).rejects.toMatchObject({
      code: 'provider_unavailable',
      cause: expect.any(TechnicalFailure),
    });
    expect(await vendorBalance(a)).toMatchObject({ pending: 3000 });
    const retried = await api('POST', `/v1/payment-intents/${paid.json.id}/refunds`, { amount: 5000 });
    expect(retried.status, retried.text).toBe(200);
    expect(await vendorBalance(a)).toMatchObject({ pending: 3000 });
    expect(await sandboxPayment(paid.json.provider_reference)).toMatchObject({ amount_refunded: 5000 });
  });
});

describe('wallet payments the payer answers', () => {
  let payer: TestUser;
  beforeEach(async () => {
    await setUp(['wallet']);
    payer = await t.signUp('payer');
  });
  const ask = (amount: number, capture = true) =>
    api('POST', '/v1/payment-intents', {
      amount,
      currency: 'USD',
      payment_method: { type: 'wallet', wallet: { user: payer.id } },
      capture,
    });
  const answer = (id: string, what: 'approve' | 'reject', user: TestUser = payer) =>
    t.call('POST', `/v1/payer/payment-intents/${id}/${what}`, { token: user.token });
  const walletAvailable = async () =>
    (await t.call('GET', '/v1/wallet', { token: payer.token })).json.balances.find(
      (b: { currency: string }) => b.currency === 'USD',
    )?.available ?? 0;

  it('records the approval on the attempt and tells the merchant, the hold kept for a capture', async () => {
    const asked = await ask(800, false);
    clock().advance(3_000);
    const approved = await answer(asked.json.id, 'approve');
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ status: 'requires_capture', last_error: null, amount_captured: 0 });
    expect(approved.json.attempts).toEqual([
      {
        ...asked.json.attempts[0],
        status: 'authorized',
        error_code: null,
        decline_code: null,
        finished_at: now(),
      },
    ]);
    const told = await eventsOf('payment_intent.requires_capture');
    expect(told.map((event) => [event.subject, event.audience])).toEqual([
      [asked.json.id, [merchant.ownerId]],
    ]);
    expect(await walletAvailable()).toBe(2000 - 800);
  });

  it('captures two holds made at the same instant, each under its own key at the wallet', async () => {
    const [a, b] = [await ask(300, false), await ask(400, false)];
    for (const asked of [a, b]) expect((await answer(asked.json.id, 'approve')).status).toBe(200);
    for (const asked of [a, b]) {
      const captured = await api('POST', `/v1/payment-intents/${asked.json.id}/capture`);
      expect(captured.status, captured.text).toBe(200);
    }
    expect(await walletAvailable()).toBe(2000 - 700);
    const balance = (await api('GET', '/v1/balance')).json.balances.find(
      (b: { currency: string }) => b.currency === 'USD',
    );
    expect(balance.available).toBe(700);
  });

  it('cancels two holds made at the same instant, each under its own key at the wallet', async () => {
    const [a, b] = [await ask(300, false), await ask(400, false)];
    for (const asked of [a, b]) expect((await answer(asked.json.id, 'approve')).status).toBe(200);
    for (const asked of [a, b]) {
      const canceled = await api('POST', `/v1/payment-intents/${asked.json.id}/cancel`);
      expect(canceled.status, canceled.text).toBe(200);
    }
    expect(await walletAvailable()).toBe(2000);
  });

  it('records a rejection as a decline on the attempt and the intent, and tells the merchant', async () => {
    const asked = await ask(300);
    const rejected = await answer(asked.json.id, 'reject');
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.json).toMatchObject({
      status: 'failed',
      last_error: { code: 'card_declined', decline_code: 'generic_decline', return_code: null },
    });
    expect(rejected.json.attempts).toMatchObject([
      { status: 'declined', error_code: 'card_declined', decline_code: 'generic_decline' },
    ]);
    expect((await eventsOf('payment_intent.payment_failed')).map((event) => event.subject)).toEqual([
      asked.json.id,
    ]);
  });

  it('refuses an answer to an intent already answered, saying what it is', async () => {
    const asked = await ask(300);
    expect((await answer(asked.json.id, 'approve')).status).toBe(200);
    const again = await answer(asked.json.id, 'reject');
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({
      code: 'invalid_state_transition',
      message: `Payment intent ${asked.json.id} is succeeded.`,
      status: 'succeeded',
    });
  });

  it('answers 404 naming the id to anyone but the payer', async () => {
    const asked = await ask(300);
    const stranger = await t.signUp('stranger');
    for (const response of [
      await answer(asked.json.id, 'approve', stranger),
      await t.call('GET', `/v1/payer/payment-intents/${asked.json.id}`, { token: stranger.token }),
    ]) {
      expect(response.status).toBe(404);
      expect(response.json.error.message).toBe(`No payment intent ${asked.json.id}.`);
    }
  });
});

describe('failover backoff', () => {
  it('waits base·2^(n−1) before attempt n, capped, plus jitter up to as much again, rounded', () => {
    const deps = (jitter: number) => ({ backoff: { baseMs: 100, capMs: 1_000 }, random: () => jitter });
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(deps(0), n))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffMs(deps(0.5), 2)).toBe(300);
    expect(backoffMs(deps(0.999), 5)).toBe(1_999);
    expect(backoffMs(deps(0.3333), 1)).toBe(133);
  });
});

describe('creating intents', () => {
  it('stores the intent with its first attempt’s key in flight, then once final with its event, provider reference and idempotency record', async () => {
    await setUp();
    const seen = recordTransactions();
    const paid = await pay({ description: undefined }, { 'idempotency-key': 'pay-1' });
    expect(paid.status, paid.text).toBe(201);
    const [attempt] = paid.json.attempts;
    expect(paid.json).toEqual({
      id: expect.stringMatching(/^pi_/),
      object: 'payment_intent',
      merchant: merchant.merchantId,
      amount: 1000,
      currency: 'USD',
      capture: true,
      status: 'succeeded',
      payment_method: {
        type: 'card',
        card: { brand: 'visa', last4: '4242' },
        wallet: null,
        bank_account: null,
      },
      routed_to: ['sandbox_card'],
      connector: connectors.sandbox_card,
      provider: 'sandbox_card',
      provider_reference: expect.stringMatching(/^pay_/),
      amount_captured: 1000,
      amount_refunded: 0,
      last_error: null,
      attempts: [attempt],
      refunds: [],
      dispute: null,
      splits: [],
      description: null,
      created_at: now(),
      updated_at: now(),
    });
    expect(attempt).toEqual({
      id: expect.stringMatching(/^pia_/),
      connector: connectors.sandbox_card,
      provider: 'sandbox_card',
      started_at: now(),
      finished_at: now(),
      status: 'captured',
      error_code: null,
      decline_code: null,
      provider_reference: paid.json.provider_reference,
    });
    const intentPuts = seen
      .flat()
      .filter((op) => op.type === 'put' && String(op.item.pk).startsWith('HUB#PI#'))
      .map((op) => (op as { item: Record<string, unknown> }).item);
    expect(intentPuts.map((item) => [item.status, item.version])).toEqual([
      ['processing', 1],
      ['succeeded', 2],
    ]);
    expect(intentPuts[0]!.inflight).toEqual({
      key: attempt.id,
      connector: connectors.sandbox_card,
      provider: 'sandbox_card',
      started_at: now(),
    });
    expect(completesIdempotencyRecord(seen.find((operations) => putsIntent(operations, 'succeeded'))!)).toBe(
      true,
    );
    expect(await readProviderRef(t.store, 'sandbox_card', paid.json.provider_reference)).toEqual({
      intent: paid.json.id,
      merchant: merchant.merchantId,
    });
    expect((await sandboxPayment(paid.json.provider_reference)).metadata).toEqual({
      payment_intent: paid.json.id,
    });
    const succeeded = await eventsOf('payment_intent.succeeded');
    expect(succeeded.map((event) => [event.subject, event.audience, event.data.object])).toEqual([
      [paid.json.id, [merchant.ownerId], paid.json],
    ]);
  });

  it('records when the provider call started and when its answer came', async () => {
    await setUp();
    const started = now();
    const slow = withSandboxCard(depsOf(), (real) => ({
      authorize: async (ctx, input) => {
        clock().advance(1_500);
        return real.authorize(ctx, input);
      },
    }));
    const intent = await createIntent(slow, merchant, cardIntent(700));
    expect(intent).toMatchObject({ status: 'succeeded', created_at: started, updated_at: now() });
    expect(intent.attempts).toMatchObject([{ started_at: started, finished_at: now() }]);
    expect(now()).not.toBe(started);
  });

  it('fails over from a provider it cannot reach, telling the merchant of the failed attempt', async () => {
    await setUp(['stripe', 'sandbox_card'], { stripe: await closedStripeEndpoint() });
    await api('PUT', '/v1/routing', { rules: [], default: ['stripe', 'sandbox_card'] });
    const seen = recordTransactions();
    const paid = await pay();
    expect(paid.status, paid.text).toBe(201);
    expect(paid.json).toMatchObject({
      status: 'succeeded',
      routed_to: ['stripe', 'sandbox_card'],
      connector: connectors.sandbox_card,
      provider: 'sandbox_card',
      last_error: null,
    });
    const [unreachable, succeeded] = paid.json.attempts;
    expect(unreachable).toMatchObject({
      connector: connectors.stripe,
      provider: 'stripe',
      status: 'failed',
      error_code: 'provider_unreachable',
      decline_code: null,
      provider_reference: null,
    });
    expect(succeeded).toMatchObject({ provider: 'sandbox_card', status: 'captured' });
    // The second attempt's key is stored before its call, over the version the first write made.
    const inflight = seen
      .flat()
      .filter((op) => op.type === 'put' && String(op.item.pk).startsWith('HUB#PI#'))
      .map((op) => (op as { item: Record<string, unknown> }).item)
      .map((item) => [item.version, (item.inflight as { key: string } | null)?.key ?? null]);
    expect(inflight).toEqual([
      [1, unreachable.id],
      [2, succeeded.id],
      [3, null],
    ]);
    const failed = await eventsOf('payment_intent.attempt_failed');
    expect(failed.map((event) => [event.subject, event.audience, event.data.object])).toEqual([
      [paid.json.id, [merchant.ownerId], { id: paid.json.id, attempt: unreachable }],
    ]);
  });

  it('answers 503 naming the intent and its attempts when every provider fails, recording that answer with it', async () => {
    await setUp();
    await api('POST', `/v1/test-helpers/connectors/${connectors.sandbox_card}/faults`, {
      mode: 'error',
      rate: 1,
    });
    const failed = await pay({}, { 'idempotency-key': 'pay-503' });
    expect(failed.status).toBe(503);
    expect(failed.json.error).toMatchObject({
      code: 'providers_unavailable',
      message: 'Every provider routed to failed; nothing was charged.',
      attempts: 1,
    });
    const id = failed.json.error.payment_intent;
    const intent = (await api('GET', `/v1/payment-intents/${id}`)).json;
    expect(intent).toMatchObject({
      status: 'failed',
      connector: null,
      provider: null,
      provider_reference: null,
    });
    expect(intent.last_error).toEqual({ code: 'provider_error', decline_code: null, return_code: null });
    expect(intent.attempts).toMatchObject([
      { status: 'failed', error_code: 'provider_error', provider_reference: null },
    ]);
    expect(
      (await eventsOf('payment_intent.payment_failed')).map((event) => [event.subject, event.audience]),
    ).toEqual([[id, [merchant.ownerId]]]);
    const replay = await pay({}, { 'idempotency-key': 'pay-503' });
    expect(replay.status).toBe(503);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json.error.payment_intent).toBe(id);
  });

  it('declines with 402 naming the intent and the decline, keeping the declined payment’s reference on the attempt', async () => {
    await setUp();
    const declined = await pay({ payment_method: cardMethod('4000000000009995') });
    expect(declined.status).toBe(402);
    const id = declined.json.error.payment_intent;
    expect(declined.json.error).toMatchObject({
      code: 'card_declined',
      message: 'The payment was declined.',
      decline_code: 'insufficient_funds',
    });
    const intent = (await api('GET', `/v1/payment-intents/${id}`)).json;
    expect(intent.last_error).toEqual({
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      return_code: null,
    });
    const [attempt] = intent.attempts;
    expect(attempt).toMatchObject({
      status: 'declined',
      error_code: 'card_declined',
      decline_code: 'insufficient_funds',
    });
    expect(await sandboxPayment(attempt.provider_reference)).toMatchObject({ status: 'failed' });
  });

  it('records no provider reference for a decline the sandbox injected', async () => {
    await setUp();
    await api('POST', `/v1/test-helpers/connectors/${connectors.sandbox_card}/faults`, {
      mode: 'decline',
      rate: 1,
    });
    const declined = await pay();
    expect(declined.status).toBe(402);
    expect(declined.json.error.decline_code).toBe('generic_decline');
    const intent = (await api('GET', `/v1/payment-intents/${declined.json.error.payment_intent}`)).json;
    expect(intent.attempts).toMatchObject([
      { status: 'declined', decline_code: 'generic_decline', provider_reference: null },
    ]);
  });

  it('undoes what a timed-out call did at the provider: refunds each charge under its own key, voids an authorization', async () => {
    await setUp();
    await api('POST', `/v1/test-helpers/connectors/${connectors.sandbox_card}/faults`, {
      mode: 'timeout',
      rate: 1,
    });
    for (const capture of [true, true, false]) {
      const failed = await pay({ capture, amount: 900 });
      expect(failed.status).toBe(503);
      const intent = (await api('GET', `/v1/payment-intents/${failed.json.error.payment_intent}`)).json;
      expect(intent).toMatchObject({ status: 'failed', provider_reference: null, amount_captured: 0 });
      const [attempt] = intent.attempts;
      expect(attempt).toMatchObject({ status: 'reconciled', error_code: 'provider_timeout' });
      expect(await sandboxPayment(attempt.provider_reference)).toMatchObject(
        capture
          ? { status: 'succeeded', amount_captured: 900, amount_refunded: 900 }
          : { status: 'canceled' },
      );
    }
  });

  it('leaves a timed-out call it could not look up unreconciled (for the job to ask again), and passes on a lookup’s bug', async () => {
    await setUp();
    await api('POST', `/v1/test-helpers/connectors/${connectors.sandbox_card}/faults`, {
      mode: 'timeout',
      rate: 1,
    });
    const input = cardIntent(500);
    for (const failure of [
      new TechnicalFailure('network', 'unreachable'),
      new AppError('invalid_request', 'refused'),
    ]) {
      const blind = withSandboxCard(depsOf(), () => ({
        lookup: async () => {
          throw failure;
        },
      }));
      const intent = await createIntent(blind, merchant, input);
      expect(intent.attempts).toMatchObject([
        { status: 'unreconciled', error_code: 'provider_timeout', provider_reference: null },
      ]);
      expect((await readIntent(t.store, intent.id))?.unreconciled).toEqual([
        {
          key: intent.attempts[0]!.id,
          connector: connectors.sandbox_card,
          provider: 'sandbox_card',
          started_at: intent.attempts[0]!.started_at,
        },
      ]);
    }
    const buggy = withSandboxCard(depsOf(), () => ({
      lookup: async () => {
        throw new TypeError('a bug');
      },
    }));
    await expect(createIntent(buggy, merchant, input)).rejects.toThrow('a bug');
  });

  it('answers 503 provider_unavailable to a capture, cancel or refund the provider did not answer, the intent unchanged; the retry does it once', async () => {
    await setUp();
    const outage = (): Partial<Connector> => {
      const fail = async () => {
        throw new TechnicalFailure('timeout', 'no answer');
      };
      return { capture: fail, void: fail, refund: fail };
    };
    const held = (await pay({ capture: false, amount: 800 })).json;
    const another = (await pay({ capture: false, amount: 300 })).json;
    const down = withSandboxCard(depsOf(), outage);
    for (const call of [
      () => captureIntent(down, merchant, held.id, undefined),
      () => cancelIntent(down, merchant, another.id),
    ])
      await expect(call()).rejects.toMatchObject({
        code: 'provider_unavailable',
        status: 503,
        message: 'the provider did not answer (timeout); retry',
      });
    expect((await api('GET', `/v1/payment-intents/${held.id}`)).json.status).toBe('requires_capture');
    expect((await api('GET', `/v1/payment-intents/${another.id}`)).json.status).toBe('requires_capture');
    const captured = await api('POST', `/v1/payment-intents/${held.id}/capture`);
    expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 800 });
    await expect(refundIntent(down, merchant, held.id, 500)).rejects.toMatchObject({
      code: 'provider_unavailable',
    });
    expect((await api('GET', `/v1/payment-intents/${held.id}`)).json).toMatchObject({ amount_refunded: 0 });
    const refunded = await api('POST', `/v1/payment-intents/${held.id}/refunds`, { amount: 500 });
    expect(refunded.json).toMatchObject({ amount_refunded: 500 });
    expect(await sandboxPayment(captured.json.provider_reference)).toMatchObject({
      amount_captured: 800,
      amount_refunded: 500,
    });
  });

  it('fails over from a provider’s refusal (4xx) but passes on its server errors and bugs, the call left in flight', async () => {
    await setUp();
    const input = cardIntent(500);
    const refusing = withSandboxCard(depsOf(), () => ({
      authorize: async () => {
        throw new AppError('invalid_request', 'refused');
      },
    }));
    const refused = await createIntent(refusing, merchant, input);
    expect(refused).toMatchObject({
      status: 'failed',
      last_error: { code: 'provider_error' },
      attempts: [{ status: 'failed', error_code: 'provider_error', provider_reference: null }],
    });
    for (const error of [new AppError('internal_error', 'broken'), new TypeError('a bug')]) {
      const failing = withSandboxCard(depsOf(), () => ({
        authorize: async () => {
          throw error;
        },
      }));
      await expect(createIntent(failing, merchant, input)).rejects.toBe(error);
    }
    const listed = (await api('GET', '/v1/payment-intents')).json.data as Array<{ status: string }>;
    expect(listed.map((intent) => intent.status).toSorted()).toEqual(['failed', 'processing', 'processing']);
  });
});

describe('routing an intent', () => {
  it('routes around a disabled connector, and says which providers do not take the method', async () => {
    await setUp(['sandbox_card', 'wallet']);
    await api('PUT', '/v1/routing', { rules: [], default: ['wallet', 'sandbox_card'] });
    const paid = await pay();
    expect(paid.json).toMatchObject({ status: 'succeeded', routed_to: ['sandbox_card'] });
    expect(paid.json.attempts).toHaveLength(1);

    expect((await api('PATCH', `/v1/connectors/${connectors.sandbox_card}`, { disabled: true })).status).toBe(
      200,
    );
    const refused = await pay();
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({
      code: 'method_not_supported',
      param: 'payment_method.type',
      message: 'None of the providers routed to (wallet, sandbox_card) takes card payments.',
    });
  });

  it('answers 422 no_route, saying how to add one, when the merchant has no connectors', async () => {
    await setUp([]);
    const refused = await pay();
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({
      code: 'no_route',
      message: 'You have no connectors: create one with POST /v1/connectors.',
    });
    expect((await api('GET', '/v1/payment-intents')).json.data).toEqual([]);
  });

  it('routes a split payment only to providers that keep funds in Sluice, and refuses it when none does', async () => {
    const closed = await closedStripeEndpoint();
    // Nothing listens at either provider's endpoint: no call leaves the machine.
    await setUp(['stripe', 'sandbox_card'], { stripe: closed, paypal: `http://127.0.0.1:${closed.port}` });
    const paypal = await api('POST', '/v1/connectors', {
      provider: 'paypal',
      credentials: { client_id: 'client-id-1', client_secret: 'client-secret-1', webhook_id: 'webhook-id-1' },
    });
    expect(paypal.status, paypal.text).toBe(201);
    const a = await vendor();
    await api('PUT', '/v1/routing', { rules: [], default: ['stripe', 'sandbox_card'] });
    const split = { amount: 1000, splits: [{ vendor: a, amount: 400 }] };
    const paid = await pay(split);
    expect(paid.status, paid.text).toBe(201);
    expect(paid.json).toMatchObject({ status: 'succeeded', routed_to: ['sandbox_card'] });
    expect(paid.json.attempts).toHaveLength(1);
    expect(await vendorBalance(a)).toMatchObject({ pending: 400 });

    await api('PUT', '/v1/routing', { rules: [], default: ['stripe', 'paypal'] });
    const refused = await pay(split);
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({
      code: 'splits_not_supported',
      param: 'splits',
      message:
        'None of the providers routed to (stripe, paypal) keeps funds in Sluice, so the payment cannot be split.',
    });
    // An unsplit payment still goes to stripe (and fails there: nothing listens).
    await api('PUT', '/v1/routing', { rules: [], default: ['stripe'] });
    expect((await pay()).status).toBe(503);
  });
});

describe('intents paid by wallet or bank account', () => {
  it('shows a wallet payment’s payer, and tells only the merchant when it is declined', async () => {
    await setUp(['wallet']);
    const declined = await api('POST', '/v1/payment-intents', {
      amount: 100,
      currency: 'USD',
      payment_method: { type: 'wallet', wallet: { user: 'usr_nobody' } },
    });
    expect(declined.status).toBe(402);
    const id = declined.json.error.payment_intent;
    expect((await api('GET', `/v1/payment-intents/${id}`)).json.payment_method).toEqual({
      type: 'wallet',
      card: null,
      wallet: { user: 'usr_nobody' },
      bank_account: null,
    });
    expect((await eventsOf('payment_intent.payment_failed')).map((event) => event.audience)).toEqual([
      [merchant.ownerId],
    ]);
  });

  it('shows a bank debit’s routing number and last four, processing until it settles', async () => {
    await setUp([]);
    const connector = await api('POST', '/v1/connectors', {
      provider: 'ach',
      credentials: { company_name: 'Acme', company_id: '1234567890', odfi_routing_number: '091000019' },
    });
    expect(connector.status, connector.text).toBe(201);
    const debit = await api('POST', '/v1/payment-intents', {
      amount: 2500,
      currency: 'USD',
      payment_method: {
        type: 'bank_account',
        bank_account: {
          routing_number: '231380104',
          account_number: '1000004321',
          account_holder_name: 'Payer',
        },
      },
    });
    expect(debit.status, debit.text).toBe(201);
    expect(debit.json).toMatchObject({
      status: 'processing',
      amount_captured: 0,
      payment_method: {
        type: 'bank_account',
        card: null,
        wallet: null,
        bank_account: { routing_number: '231380104', last4: '4321' },
      },
      attempts: [{ provider: 'ach', status: 'pending', error_code: null }],
    });
    expect((await eventsOf('payment_intent.processing')).map((event) => event.subject)).toEqual([
      debit.json.id,
    ]);
  });

  it('holds a card held for review as requires_capture even when asked to capture, and says so', async () => {
    await setUp();
    const held = await pay({ payment_method: cardMethod('4000000000004954') });
    expect(held.status, held.text).toBe(201);
    expect(held.json).toMatchObject({ status: 'requires_capture', amount_captured: 0 });
    expect(held.json.attempts).toMatchObject([{ status: 'authorized' }]);
    expect((await eventsOf('payment_intent.requires_capture')).map((event) => event.subject)).toEqual([
      held.json.id,
    ]);
  });
});

import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import type { ManualClock } from '../server/src/kernel/clock.ts';
import { AppError } from '../server/src/kernel/errors.ts';
import { TechnicalFailure, type Connector } from '../server/src/hub/connectors/connector.ts';
import type { HubDeps, HubTestHooks } from '../server/src/hub/deps.ts';
import { createIntent } from '../server/src/hub/intents.ts';
import type { CreateIntent } from '../server/src/hub/model.ts';
import {
  inflightLeaseMs,
  reconcileTimedOutAttempts,
  recoverInterruptedIntents,
} from '../server/src/hub/recovery.ts';
import { hubKeys, inflightPartitions, readIntent } from '../server/src/hub/store.ts';
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
  failNextWrite,
  interleave,
  pendingEvents,
  type MerchantApi,
} from '../server/src/payments/test-support.ts';

// A call that timed out at a provider that could not then be asked what it did (the lookup failed
// too, as it does while the provider is down) must not leave the customer charged: the attempt reads
// `unreconciled`, and the `hub.reconcile-attempts` job asks the provider again by the attempt's key
// from five minutes after the call, until it can, and undoes what it finds. The card sandbox's
// injected timeout makes the payment for real and loses the answer; the lookup's failure is
// scripted over the real connector (the provider being down is what cannot be staged here).
let stripeMock: Awaited<ReturnType<typeof startStripeMock>>;
let stripe: Stripe;
beforeAll(async () => {
  stripeMock = await startStripeMock();
  stripe = new Stripe(stripeCredentials.secret_key, { ...stripeMock.stripe, maxNetworkRetries: 0 });
}, 30_000);
afterAll(() => stripeMock.stop());

let t: TestApp;
let api: MerchantApi;
let connectors: Record<string, string>;
let merchant: { merchantId: string; ownerId: string };
const hooks = (): HubTestHooks => ({ stripe: stripeMock.stripe, backoffBaseMs: 0 });
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

async function setUp(providers: Array<'sandbox_card' | 'stripe'>) {
  t = createHubTestApp(hooks());
  const made = await setUpHubMerchant(t, providers);
  ({ api, connectors } = made);
  merchant = { merchantId: made.merchant.id, ownerId: made.merchant.owner.id };
  expect((await api('PUT', '/v1/routing', { rules: [], default: providers })).status).toBe(200);
  // Every call to the card sandbox times out after it has done its work.
  await api('POST', `/v1/test-helpers/connectors/${connectors.sandbox_card}/faults`, {
    mode: 'timeout',
    rate: 1,
  });
}

/** The hub's ports, with the card sandbox's connector `change`d over the real one. */
function withSandboxCard(change: () => Partial<Connector> = () => ({})): HubDeps {
  const deps = hubTestDeps(t, hooks());
  return {
    ...deps,
    connectors: { ...deps.connectors, sandbox_card: { ...deps.connectors.sandbox_card, ...change() } },
  };
}
/** The card sandbox down for questions: its lookup and find fail as an outage. */
const asked: string[] = [];
const down = (): Partial<Connector> => ({
  lookup: async (_ctx, input) => {
    asked.push(input.idempotency_key);
    throw new TechnicalFailure('network', 'the card sandbox cannot be reached');
  },
  find: async (_ctx, attempt) => {
    asked.push(attempt.idempotency_key);
    throw new TechnicalFailure('network', 'the card sandbox cannot be reached');
  },
});

/** `deps` with Stripe down for questions too: its lookup and find fail as an outage. */
function stripeDown(deps: HubDeps): HubDeps {
  const unreachable = async (): Promise<never> => {
    throw new TechnicalFailure('network', 'stripe cannot be reached');
  };
  return {
    ...deps,
    connectors: {
      ...deps.connectors,
      stripe: { ...deps.connectors.stripe, lookup: unreachable, find: unreachable },
    },
  };
}

const pay = (deps: HubDeps, capture: boolean, amount = 700) =>
  createIntent(deps, merchant, {
    amount,
    currency: 'USD',
    capture,
    payment_method: cardMethod() as CreateIntent['payment_method'],
  }).catch((error: unknown) => error as Error);

const clock = () => t.clock as ManualClock;
const intent = async (id: string) => (await api('GET', `/v1/payment-intents/${id}`)).json;
const sandboxPayments = async () =>
  (await api('GET', '/v1/payments?limit=100')).json.data as Array<{
    id: string;
    status: string;
    amount_captured: number;
    amount_refunded: number;
  }>;
/** The intents the reconciliation job's index lists. */
async function listedForReconciliation(): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < inflightPartitions; n++) {
    const page = await t.store.query({
      index: 'gsi3',
      partition: `${hubKeys.unreconciled}#${n}`,
      limit: 100,
    });
    ids.push(...page.items.map((item) => String(item.id)));
  }
  return ids.toSorted();
}

describe('a timed-out call the provider could not be asked about', () => {
  it('reads unreconciled, and the job undoes it once the provider answers: a sale refunded, an authorization voided', async () => {
    await setUp(['sandbox_card']);
    const failed = [await pay(withSandboxCard(down), true), await pay(withSandboxCard(down), false)];
    const ids = failed.map((failure) => {
      expect(failure).toMatchObject({ status: 'failed', last_error: { code: 'provider_timeout' } });
      return (failure as { id: string }).id;
    });
    // The customer was charged (and held) at the sandbox, and the hub could not tell.
    expect(
      (await sandboxPayments()).map((p) => [p.status, p.amount_captured, p.amount_refunded]).toSorted(),
    ).toEqual([
      ['requires_capture', 0, 0],
      ['succeeded', 700, 0],
    ]);
    for (const id of ids)
      expect((await intent(id)).attempts).toMatchObject([
        { status: 'unreconciled', error_code: 'provider_timeout', provider_reference: null },
      ]);
    expect(await listedForReconciliation()).toEqual(ids.toSorted());

    // Not before five minutes: a request with the key could still be under way at the provider.
    asked.length = 0;
    expect(await reconcileTimedOutAttempts(withSandboxCard(down))).toBe(0);
    expect(asked).toEqual([]);
    clock().advance(inflightLeaseMs + 1000);
    // Still down: asked, and asked again on the next run.
    expect(await reconcileTimedOutAttempts(withSandboxCard(down))).toBe(0);
    expect(asked).toHaveLength(2);
    expect(await listedForReconciliation()).toHaveLength(2);

    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(2);
    const payments = await sandboxPayments();
    expect(payments.map((p) => [p.status, p.amount_captured, p.amount_refunded]).toSorted()).toEqual([
      ['canceled', 0, 0],
      ['succeeded', 700, 700],
    ]);
    for (const id of ids) {
      const shown = await intent(id);
      expect(shown).toMatchObject({ status: 'failed', amount_captured: 0 });
      expect(shown.attempts).toHaveLength(1);
      expect(shown.attempts[0]).toMatchObject({ status: 'reconciled', error_code: 'provider_timeout' });
      expect(payments.map((p) => p.id)).toContain(shown.attempts[0].provider_reference);
    }
    expect(await listedForReconciliation()).toEqual([]);
    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(0);
    // The merchant is told of each: the undo shows at the provider as a refund or void they did
    // not ask for.
    const told = (await pendingEvents(t)).filter(
      (event) => event.type === 'payment_intent.attempt_reconciled',
    );
    expect(told.map((event) => (event.data.object as { id: string }).id).toSorted()).toEqual(ids.toSorted());
    for (const event of told)
      expect(event.data.object).toMatchObject({
        attempt: { status: 'reconciled', error_code: 'provider_timeout' },
      });
  });

  it('fails over, and the charge the timed-out call made is refunded later: the customer pays once', async () => {
    await setUp(['sandbox_card', 'stripe']);
    const paid = await pay(withSandboxCard(down), true, 900);
    expect(paid).toMatchObject({ status: 'succeeded', provider: 'stripe', amount_captured: 900 });
    const { id, attempts } = paid as { id: string; attempts: Array<{ id: string; status: string }> };
    expect(attempts.map((a) => a.status)).toEqual(['unreconciled', 'captured']);
    // Charged twice for now: at the sandbox by the lost call, at Stripe by the failover.
    expect((await sandboxPayments()).map((p) => [p.status, p.amount_captured, p.amount_refunded])).toEqual([
      ['succeeded', 900, 0],
    ]);

    clock().advance(inflightLeaseMs + 1000);
    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(1);
    expect((await sandboxPayments()).map((p) => [p.status, p.amount_captured, p.amount_refunded])).toEqual([
      ['succeeded', 900, 900],
    ]);
    const shown = await intent(id);
    expect(shown).toMatchObject({ status: 'succeeded', provider: 'stripe', amount_captured: 900 });
    expect(shown.attempts.map((a: { status: string }) => a.status)).toEqual(['reconciled', 'captured']);
    expect(shown.attempts[0].id).toBe(attempts[0]!.id);
    // What Stripe charged stands.
    expect(await stripe.charges.retrieve(shown.provider_reference)).toMatchObject({
      captured: true,
      amount_refunded: 0,
    });
    // A refund through the hub still works on the intent the job rewrote.
    const refunded = await api('POST', `/v1/payment-intents/${id}/refunds`, { amount: 900 });
    expect(refunded.status, refunded.text).toBe(200);
  });

  it('leaves an intent whose next call is still in flight to its request, and one a crash cut off to the recovery job first', async () => {
    await setUp(['sandbox_card', 'stripe']);
    const crash = crashBeforeFinalWrite(t.store);
    crash();
    const cutOff = await pay(withSandboxCard(down), true, 400);
    expect(cutOff).toMatchObject({ message: 'the process was killed' });
    const [stored] = await listedForReconciliation();
    const record = (await readIntent(t.store, stored!))!;
    // The timed-out sandbox call is kept, and the Stripe call it failed over to is in flight.
    expect(record).toMatchObject({ status: 'processing', attempts: [], inflight: { provider: 'stripe' } });
    expect(record.unreconciled).toMatchObject([{ provider: 'sandbox_card', key: expect.any(String) }]);

    clock().advance(inflightLeaseMs + 1000);
    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(0);
    expect((await sandboxPayments())[0]).toMatchObject({ amount_refunded: 0 });

    // The recovery job finishes the intent (refunding Stripe's charge) and keeps the sandbox call.
    expect(await recoverInterruptedIntents(withSandboxCard())).toBe(1);
    expect(await listedForReconciliation()).toEqual([stored]);
    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(1);

    const shown = await intent(stored!);
    expect(shown).toMatchObject({ status: 'failed', last_error: { code: 'interrupted' } });
    // The sandbox attempt the crash lost with its request is added back, as the job found it.
    expect(shown.attempts).toMatchObject([
      { provider: 'stripe', status: 'reconciled', error_code: 'interrupted' },
      {
        provider: 'sandbox_card',
        status: 'reconciled',
        error_code: 'provider_timeout',
        id: record.unreconciled[0]!.key,
      },
    ]);
    expect((await sandboxPayments())[0]).toMatchObject({ amount_captured: 400, amount_refunded: 400 });
    expect(await stripe.charges.retrieve(shown.attempts[0].provider_reference)).toMatchObject({
      amount_refunded: 400,
    });
  });

  it('records interrupted when the connector is no longer kept, and failed when the call never got there', async () => {
    await setUp(['sandbox_card']);
    const first = (await pay(withSandboxCard(down), true)) as { id: string };
    const second = (await pay(withSandboxCard(down), true)) as { id: string };
    clock().advance(inflightLeaseMs + 1000);
    // The provider never saw the first call; the second's connector is gone for good.
    const firstKey = (await intent(first.id)).attempts[0].id;
    const settled = await reconcileTimedOutAttempts(
      withSandboxCard(() => ({
        find: async (ctx, attempt) => {
          if (attempt.idempotency_key === firstKey) return undefined;
          throw new AppError('not_found', 'no connector');
        },
      })),
    );
    expect(settled).toBe(1);
    expect((await intent(first.id)).attempts).toMatchObject([{ status: 'failed', provider_reference: null }]);
    expect((await intent(second.id)).attempts).toMatchObject([{ status: 'unreconciled' }]);
    const deleted = await api('DELETE', `/v1/connectors/${connectors.sandbox_card}`);
    expect(deleted.status, deleted.text).toBe(200);
    clock().advance(31 * 24 * 3_600_000);
    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(1);
    expect((await intent(second.id)).attempts).toMatchObject([
      { status: 'interrupted', provider_reference: null },
    ]);
    // The second call's charge stands at the sandbox: `interrupted` names its key to look for there.
    expect(await listedForReconciliation()).toEqual([]);
  });
});

describe('the reconciliation job, call by call', () => {
  it('takes only the calls five minutes old, each settled on its own attempt, and keeps the rest listed', async () => {
    await setUp(['sandbox_card', 'stripe']);
    // Stripe times out too, five minutes after the sandbox's call, and cannot be asked either.
    await api('POST', `/v1/test-helpers/connectors/${connectors.stripe}/faults`, {
      mode: 'timeout',
      rate: 1,
    });
    const deps = withSandboxCard(down);
    const both = stripeDown(deps);
    const started = t.clock.now();
    const sandboxCall = deps.connectors.sandbox_card.authorize;
    both.connectors.sandbox_card.authorize = async (ctx, input) => {
      const answer = await sandboxCall(ctx, input);
      clock().advance(inflightLeaseMs);
      return answer;
    };
    const failed = (await pay(both, true, 600)) as {
      id: string;
      updated_at: string;
      attempts: Array<{ id: string; provider: string; status: string; started_at: string }>;
    };
    expect(failed.attempts.map((a) => [a.provider, a.status])).toEqual([
      ['sandbox_card', 'unreconciled'],
      ['stripe', 'unreconciled'],
    ]);
    expect(Date.parse(failed.attempts[1]!.started_at) - started).toBe(inflightLeaseMs);

    // Exactly five minutes after the sandbox's call: not yet. Still down a moment later: nothing
    // written to the intent.
    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(0);
    clock().advance(1);
    expect(await reconcileTimedOutAttempts(withSandboxCard(down))).toBe(0);
    expect((await intent(failed.id)).updated_at).toBe(failed.updated_at);

    const shown = async () =>
      (await intent(failed.id)).attempts.map((a: { id: string; provider: string; status: string }) => [
        a.id,
        a.provider,
        a.status,
      ]);
    // Five minutes after Stripe's call to the millisecond, the sandbox still down: Stripe's call is
    // not asked about yet.
    clock().advance(inflightLeaseMs - 1);
    expect(await reconcileTimedOutAttempts(withSandboxCard(down))).toBe(0);
    expect(await shown()).toEqual([
      [failed.attempts[0]!.id, 'sandbox_card', 'unreconciled'],
      [failed.attempts[1]!.id, 'stripe', 'unreconciled'],
    ]);
    // A moment later it is settled on its own attempt, and the sandbox's call stays listed.
    clock().advance(1);
    expect(await reconcileTimedOutAttempts(withSandboxCard(down))).toBe(1);
    expect(await shown()).toEqual([
      [failed.attempts[0]!.id, 'sandbox_card', 'unreconciled'],
      [failed.attempts[1]!.id, 'stripe', 'reconciled'],
    ]);
    expect(await listedForReconciliation()).toEqual([failed.id]);

    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(1);
    expect(await shown()).toEqual([
      [failed.attempts[0]!.id, 'sandbox_card', 'reconciled'],
      [failed.attempts[1]!.id, 'stripe', 'reconciled'],
    ]);
    const charge = (await intent(failed.id)).attempts[1].provider_reference;
    expect(await stripe.charges.retrieve(charge)).toMatchObject({ amount: 600, refunded: true });
    expect((await sandboxPayments()).map((p) => [p.amount_captured, p.amount_refunded])).toEqual([
      [600, 600],
    ]);
    expect(await listedForReconciliation()).toEqual([]);
  });

  it('reads every page of every partition', async () => {
    await setUp(['sandbox_card']);
    // Nine intents over eight partitions: at least two share one, read a page of one at a time.
    const ids: string[] = [];
    for (let i = 0; i < 9; i++)
      ids.push(((await pay(withSandboxCard(down), true, 100 + i)) as { id: string }).id);
    expect(await listedForReconciliation()).toEqual(ids.toSorted());
    clock().advance(inflightLeaseMs + 1000);
    // A provider still down leaves each intent at the head of its partition: the job reads on.
    asked.length = 0;
    expect(await reconcileTimedOutAttempts(withSandboxCard(down), 1)).toBe(0);
    expect(asked).toHaveLength(9);
    expect(await reconcileTimedOutAttempts(withSandboxCard(), 1)).toBe(9);
    expect(await listedForReconciliation()).toEqual([]);
    expect((await sandboxPayments()).every((p) => p.amount_refunded === p.amount_captured)).toBe(true);
  });

  it('records what it undid over a change the intent took meanwhile, undoing the call once', async () => {
    await setUp(['sandbox_card', 'stripe']);
    const paid = (await pay(withSandboxCard(down), true, 900)) as { id: string };
    clock().advance(inflightLeaseMs + 1000);
    // The merchant refunds part of the payment while the job asks the sandbox, twice over.
    const refunds = interleave(
      t,
      (operations) => operations.some((op) => op.type === 'put' && op.item.pk === `HUB#PI#${paid.id}`),
      () => api('POST', `/v1/payment-intents/${paid.id}/refunds`, { amount: 100 }),
      2,
    );
    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(1);
    expect(refunds.count).toBe(2);
    const shown = await intent(paid.id);
    expect(shown).toMatchObject({ amount_refunded: 200, refunds: [{ amount: 100 }, { amount: 100 }] });
    expect(shown.attempts.map((a: { status: string }) => a.status)).toEqual(['reconciled', 'captured']);
    expect((await sandboxPayments()).map((p) => [p.amount_captured, p.amount_refunded])).toEqual([
      [900, 900],
    ]);
    expect(await listedForReconciliation()).toEqual([]);
  });

  it('passes on a write the store failed for another reason, the call left for the next run', async () => {
    await setUp(['sandbox_card']);
    const failed = (await pay(withSandboxCard(down), true, 500)) as { id: string };
    clock().advance(inflightLeaseMs + 1000);
    failNextWrite(t, (operations) =>
      operations.some((op) => op.type === 'put' && op.item.pk === `HUB#PI#${failed.id}`),
    );
    await expect(reconcileTimedOutAttempts(withSandboxCard())).rejects.toThrow();
    expect((await intent(failed.id)).attempts[0]).toMatchObject({ status: 'unreconciled' });
    expect(await listedForReconciliation()).toEqual([failed.id]);
    // Undone at the sandbox already; the next run records it (as failed: it finds it undone).
    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(1);
    expect((await sandboxPayments()).map((p) => [p.amount_captured, p.amount_refunded])).toEqual([
      [500, 500],
    ]);
  });

  it('tells of each attempt once when two runs of the job race, another call still waiting', async () => {
    await setUp(['sandbox_card', 'stripe']);
    await api('POST', `/v1/test-helpers/connectors/${connectors.stripe}/faults`, {
      mode: 'timeout',
      rate: 1,
    });
    const failed = (await pay(stripeDown(withSandboxCard(down)), true, 300)) as { id: string };
    clock().advance(inflightLeaseMs + 1000);
    // The sandbox answers now; Stripe is still down.
    const run = () => reconcileTimedOutAttempts(stripeDown(withSandboxCard()));
    let other: Promise<number> | undefined;
    interleave(
      t,
      (operations) => operations.some((op) => op.type === 'put' && op.item.pk === `HUB#PI#${failed.id}`),
      () => (other = run()),
    );
    // The other run writes first; this one, reading again, finds the sandbox's call settled.
    expect(await run()).toBe(0);
    expect(await other).toBe(1);
    const told = (await pendingEvents(t)).filter(
      (event) => event.type === 'payment_intent.attempt_reconciled',
    );
    expect(told).toHaveLength(1);
    // The other run found the payment this one had just refunded: undone, it reads as the call
    // having left nothing to undo (failed, naming the payment).
    const [payment] = await sandboxPayments();
    expect((await intent(failed.id)).attempts).toMatchObject([
      { provider: 'sandbox_card', status: 'failed', provider_reference: payment!.id },
      { provider: 'stripe', status: 'unreconciled' },
    ]);
    expect([payment!.amount_captured, payment!.amount_refunded]).toEqual([300, 300]);
    expect(await listedForReconciliation()).toEqual([failed.id]);
  });

  it('gives up on an intent that keeps changing, for the next run', async () => {
    await setUp(['sandbox_card', 'stripe']);
    const paid = (await pay(withSandboxCard(down), true, 900)) as { id: string };
    clock().advance(inflightLeaseMs + 1000);
    const refunds = interleave(
      t,
      (operations) => operations.some((op) => op.type === 'put' && op.item.pk === `HUB#PI#${paid.id}`),
      () => api('POST', `/v1/payment-intents/${paid.id}/refunds`, { amount: 10 }),
      5,
    );
    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(0);
    expect(refunds.count).toBe(5);
    expect((await intent(paid.id)).attempts[0]).toMatchObject({ status: 'unreconciled' });
    // The next run finds the call undone (by this run): failed, as an undone payment reads.
    expect(await reconcileTimedOutAttempts(withSandboxCard())).toBe(1);
    expect((await sandboxPayments()).map((p) => [p.amount_captured, p.amount_refunded])).toEqual([
      [900, 900],
    ]);
    expect((await intent(paid.id)).attempts[0]).toMatchObject({ status: 'failed' });
  });
});

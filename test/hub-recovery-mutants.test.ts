import { afterEach, describe, expect, it } from 'vitest';
import type { TestApp, TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import type { ManualClock } from '../server/src/kernel/clock.ts';
import type { HubDeps } from '../server/src/hub/deps.ts';
import { inflightLeaseMs, recoverInterruptedIntents } from '../server/src/hub/recovery.ts';
import {
  cardMethod,
  createHubTestApp,
  hubTestDeps,
  setUpHubMerchant,
} from '../server/src/hub/test-support.ts';
import { failNextWrite, pendingEvents, type MerchantApi } from '../server/src/payments/test-support.ts';
import { isoTime } from '../server/src/kernel/clock.ts';
import { inflightPartitions, intentPut, readIntent } from '../server/src/hub/store.ts';
import { TechnicalFailure, type Connector } from '../server/src/hub/connectors/connector.ts';
import { spreadPartition, type WriteOperation } from '../server/src/platform/store.ts';

// Pins what hub/recovery.ts does with a cut-off attempt beyond hub-recovery.test.ts's happy paths,
// and what intents.ts's `undoFound` leaves alone (issue 23's mutation testing): a payment found
// declined, voided or refunded is not undone a second time; an authorization is voided with the
// attempt's own reconcile key. Crashes as in hub-recovery.test.ts: the intent's final write dies.

let t: TestApp;
let api: MerchantApi;
let payer: TestUser;
let connectors: Record<string, string>;
let isOpen = false;
afterEach(async () => {
  if (!isOpen) return;
  isOpen = false;
  await expectBooksBalanced(t.store);
  await t.store.close();
});

/** Every void and refund the card sandbox connector is asked for, with its reference and key. */
type Undo = { call: 'void' | 'refund'; reference: string; amount?: number; key: string | undefined };

async function setUp() {
  t = createHubTestApp({}, { signupBonus: 2000 });
  isOpen = true;
  ({ api, connectors } = await setUpHubMerchant(t, ['sandbox_card', 'wallet']));
  payer = await t.signUp('payer');
  const transact = t.store.transact.bind(t.store);
  let armed = true;
  let killed: WriteOperation[] | undefined;
  t.store.transact = async (operations: WriteOperation[]) => {
    const finishing = operations.some(
      (op) => op.type === 'put' && String(op.item.pk).startsWith('HUB#PI#') && op.item.inflight === null,
    );
    if (armed && finishing) {
      armed = false;
      killed = operations;
      throw new Error('the process was killed');
    }
    return transact(operations);
  };
  const undos: Undo[] = [];
  /** The recovery job, with the card sandbox's `find` replaced by `find` if given. */
  const recover = (find?: Connector['find'], pageSize?: number) => {
    const deps = hubTestDeps(t);
    const real = deps.connectors.sandbox_card;
    const counted: Connector = {
      ...real,
      ...(find ? { find } : {}),
      void: (ctx, reference, key) => {
        undos.push({ call: 'void', reference, key });
        return real.void(ctx, reference, key);
      },
      refund: (ctx, reference, amount, key) => {
        undos.push({ call: 'refund', reference, amount, key });
        return real.refund(ctx, reference, amount, key);
      },
    };
    return recoverInterruptedIntents(
      {
        ...deps,
        connectors: { ...deps.connectors, sandbox_card: counted },
      } as HubDeps,
      pageSize,
    );
  };
  /** The cut-off process's final write, landing late (it was alive after all). */
  const lateWrite = () => transact(killed!);
  /** Arms the crash again, for the next intent's final write. */
  const rearm = () => void (armed = true);
  return { recover, undos, lateWrite, rearm };
}

/** Pays with `method`; the crash cuts the intent off before its answer is stored. */
async function cutOff(method: unknown, amount: number, capture = true) {
  const paid = await api('POST', '/v1/payment-intents', {
    amount,
    currency: 'USD',
    payment_method: method,
    capture,
  });
  expect(paid.status, paid.text).toBe(500);
  const listed = (await api('GET', '/v1/payment-intents')).json.data;
  expect(listed[0]).toMatchObject({ status: 'processing', attempts: [] });
  return listed[0].id as string;
}

const payments = async () =>
  (await api('GET', '/v1/payments?limit=10')).json.data as Array<{
    id: string;
    status: string;
    amount_captured: number;
    amount_refunded: number;
  }>;

const pastLease = () => (t.clock as ManualClock).advance(inflightLeaseMs + 1_000);

async function expectFailedWith(id: string, status: 'failed' | 'reconciled', reference: string | null) {
  const shown = (await api('GET', `/v1/payment-intents/${id}`)).json;
  expect(shown).toMatchObject({ status: 'failed', last_error: { code: 'interrupted' } });
  expect(shown.attempts).toHaveLength(1);
  expect(shown.attempts[0]).toMatchObject({
    provider: 'sandbox_card',
    status,
    error_code: 'interrupted',
    provider_reference: reference,
  });
  const failed = (await pendingEvents(t)).filter((e) => e.type === 'payment_intent.payment_failed');
  expect(failed.map((e) => e.subject)).toEqual([id]);
}

describe('a cut-off attempt whose payment needs no undoing', () => {
  it('fails the intent of a declined card without voiding the declined payment', async () => {
    const { recover, undos } = await setUp();
    const id = await cutOff(cardMethod('4000000000000002'), 700);
    const [declined] = await payments();
    expect(declined).toMatchObject({ status: 'failed', amount_captured: 0 });
    pastLease();
    expect(await recover()).toBe(1);
    expect(undos).toEqual([]);
    await expectFailedWith(id, 'failed', declined!.id);
    expect(await recover()).toBe(0);
  });

  it('fails the intent of an authorization the merchant voided meanwhile, not voiding it again', async () => {
    const { recover, undos } = await setUp();
    const id = await cutOff(cardMethod(), 1100, false);
    const [held] = await payments();
    expect(held!.status).toBe('requires_capture');
    expect((await api('POST', `/v1/payments/${held!.id}/void`)).status).toBe(200);
    pastLease();
    expect(await recover()).toBe(1);
    expect(undos).toEqual([]);
    await expectFailedWith(id, 'failed', held!.id);
  });

  it('fails the intent of a charge the merchant refunded meanwhile, not refunding it again', async () => {
    const { recover, undos } = await setUp();
    const id = await cutOff(cardMethod(), 1300);
    const [charged] = await payments();
    const refund = await api('POST', '/v1/refunds', { payment: charged!.id });
    expect(refund.status, refund.text).toBe(201);
    pastLease();
    expect(await recover()).toBe(1);
    expect(undos).toEqual([]);
    await expectFailedWith(id, 'failed', charged!.id);
    const [after] = await payments();
    expect(after).toMatchObject({ amount_captured: 1300, amount_refunded: 1300 });
  });
});

describe('a cut-off attempt whose payment is undone', () => {
  it("voids a cut-off authorization with the attempt's own reconcile key", async () => {
    const { recover, undos } = await setUp();
    const id = await cutOff(cardMethod(), 1700, false);
    const [held] = await payments();
    pastLease();
    expect(await recover()).toBe(1);
    const shown = (await api('GET', `/v1/payment-intents/${id}`)).json;
    expect(undos).toEqual([{ call: 'void', reference: held!.id, key: `${shown.attempts[0].id}:reconcile` }]);
    await expectFailedWith(id, 'reconciled', held!.id);
    expect((await payments())[0]!.status).toBe('canceled');
  });
});

describe('a cut-off process that was alive after all', () => {
  it('is fenced off before the undo: its late final write fails, not marking succeeded a payment the job refunds', async () => {
    const { recover, lateWrite } = await setUp();
    const id = await cutOff(cardMethod(), 2500);
    pastLease();
    let late: 'landed' | 'refused' | undefined;
    expect(
      await recover(async (ctx, attempt) => {
        // The process's answer lands after the job read the intent, before it undoes the payment.
        late = await lateWrite().then(
          () => 'landed' as const,
          () => 'refused' as const,
        );
        return hubTestDeps(t).connectors.sandbox_card.find!(ctx, attempt);
      }),
    ).toBe(1);
    expect(late).toBe('refused');
    const shown = (await api('GET', `/v1/payment-intents/${id}`)).json;
    expect(shown).toMatchObject({ status: 'failed', attempts: [{ status: 'reconciled' }] });
    expect((await payments())[0]).toMatchObject({ amount_captured: 2500, amount_refunded: 2500 });
    const events = (await pendingEvents(t)).filter((e) => e.subject === id).map((e) => e.type);
    expect(events).toEqual(['payment_intent.payment_failed']);
  });
});

describe('a cut-off attempt at a provider whose payment waits on someone else', () => {
  const walletMethod = () => ({ type: 'wallet', wallet: { user: payer.id } });
  const walletAvailable = async () =>
    (await t.call('GET', '/v1/wallet', { token: payer.token })).json.balances.find(
      (b: { currency: string }) => b.currency === 'USD',
    )?.available ?? 0;

  it("fails a cut-off wallet intent, withdrawing the payer's unanswered ask so it can never be paid", async () => {
    const { recover } = await setUp();
    const id = await cutOff(walletMethod(), 500);
    pastLease();
    expect(await recover()).toBe(1);
    expect(await recover()).toBe(0);
    const shown = (await api('GET', `/v1/payment-intents/${id}`)).json;
    expect(shown).toMatchObject({ status: 'failed', last_error: { code: 'interrupted' } });
    expect(shown.attempts).toMatchObject([
      {
        provider: 'wallet',
        status: 'reconciled',
        error_code: 'interrupted',
        provider_reference: expect.any(String),
      },
    ]);
    const approved = await t.call('POST', `/v1/payer/payment-intents/${id}/approve`, { token: payer.token });
    expect(approved.status).toBe(409);
    expect(await walletAvailable()).toBe(2000);
    const failed = (await pendingEvents(t)).filter((e) => e.type === 'payment_intent.payment_failed');
    expect(failed.map((e) => e.subject)).toEqual([id]);
  });
});

describe('a cut-off attempt the recovery job cannot finish now', () => {
  const bank = () => ({
    type: 'bank_account',
    bank_account: {
      routing_number: '231380104',
      account_number: '12345678',
      account_holder_name: 'Jane Doe',
    },
  });
  const available = async () =>
    (await api('GET', '/v1/balance')).json.balances.find((b: { currency: string }) => b.currency === 'USD')
      ?.available ?? 0;

  const achConnector = async () => {
    const ach = await api('POST', '/v1/connectors', {
      provider: 'ach',
      credentials: {
        company_name: 'Acme Coffee',
        company_id: '1234567890',
        odfi_routing_number: '091000019',
      },
    });
    expect(ach.status, ach.text).toBe(201);
  };

  it('takes back a cut-off ACH debit found the day it was made, before its file goes out, and fails the intent', async () => {
    const { recover } = await setUp();
    await achConnector();
    const id = await cutOff(bank(), 900);
    pastLease();
    expect(await recover()).toBe(1);
    const shown = (await api('GET', `/v1/payment-intents/${id}`)).json;
    expect(shown).toMatchObject({ status: 'failed', last_error: { code: 'interrupted' } });
    expect(shown.attempts).toMatchObject([
      { provider: 'ach', status: 'reconciled', error_code: 'interrupted' },
    ]);
    // Not in the day's file, and nothing settles: the payer is never debited.
    expect((await api('GET', '/v1/ach/files/2026-01-15')).status).toBe(404);
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 5 * 86_400 });
    expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 0 });
    expect(await available()).toBe(0);
  });

  it('leaves a cut-off ACH debit found after its file went out until it settles, then refunds it and fails the intent', async () => {
    const { recover } = await setUp();
    await achConnector();
    const id = await cutOff(bank(), 900);
    pastLease();
    // The next business day: the debit went to the bank with the day's file and cannot be
    // taken back; the next run asks again.
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
    expect(await recover()).toBe(0);
    expect((await api('GET', `/v1/payment-intents/${id}`)).json).toMatchObject({
      status: 'processing',
      attempts: [],
    });
    expect(await pendingEvents(t)).not.toContainEqual(
      expect.objectContaining({ type: 'payment_intent.payment_failed' }),
    );

    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 4 * 86_400 });
    (t.clock as ManualClock).advance(1_000);
    expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 1 });
    expect(await available()).toBe(900);
    expect(await recover()).toBe(1);
    const shown = (await api('GET', `/v1/payment-intents/${id}`)).json;
    expect(shown).toMatchObject({ status: 'failed', last_error: { code: 'interrupted' } });
    expect(shown.attempts).toMatchObject([
      { provider: 'ach', status: 'reconciled', error_code: 'interrupted' },
    ]);
    expect(await available()).toBe(0);
  });

  it("throws a provider's unexpected error instead of taking it for an outage", async () => {
    const { recover } = await setUp();
    const id = await cutOff(cardMethod(), 400);
    pastLease();
    await expect(
      recover(async () => {
        throw new TypeError('a bug in the connector');
      }),
    ).rejects.toThrow('a bug in the connector');
    expect((await api('GET', `/v1/payment-intents/${id}`)).json.status).toBe('processing');
    expect(await recover()).toBe(1);
  });
});

describe('the failed intent the recovery job writes', () => {
  it('records an attempt that never reached the provider with its key and times, naming no payment', async () => {
    const { recover } = await setUp();
    const fault = await api('POST', `/v1/test-helpers/connectors/${connectors.sandbox_card}/faults`, {
      mode: 'error',
      rate: 1,
    });
    expect(fault.status).toBe(200);
    const startedAt = isoTime(t.clock.now());
    const id = await cutOff(cardMethod(), 600);
    expect(await payments()).toEqual([]);
    pastLease();
    expect(await recover()).toBe(1);
    const shown = (await api('GET', `/v1/payment-intents/${id}`)).json;
    expect(shown).toMatchObject({
      status: 'failed',
      last_error: { code: 'interrupted', decline_code: null, return_code: null },
      updated_at: isoTime(t.clock.now()),
    });
    expect(shown.attempts).toEqual([
      {
        id: expect.stringMatching(/^pia_/),
        connector: connectors.sandbox_card,
        provider: 'sandbox_card',
        status: 'failed',
        error_code: 'interrupted',
        decline_code: null,
        provider_reference: null,
        started_at: startedAt,
        finished_at: isoTime(t.clock.now()),
      },
    ]);
  });

  it('undoes nothing for an intent whose process finished it before the job claimed it', async () => {
    const { recover, undos, lateWrite } = await setUp();
    const id = await cutOff(cardMethod(), 1900);
    pastLease();
    const transact = t.store.transact.bind(t.store);
    let raced = false;
    t.store.transact = async (operations: WriteOperation[]) => {
      if (!raced && operations.some((op) => op.type === 'put' && op.item.id === id)) {
        raced = true;
        await lateWrite();
      }
      return transact(operations);
    };
    expect(await recover()).toBe(0);
    expect(raced).toBe(true);
    expect(undos).toEqual([]);
    expect((await api('GET', `/v1/payment-intents/${id}`)).json).toMatchObject({
      status: 'succeeded',
      amount_captured: 1900,
    });
    expect((await payments())[0]).toMatchObject({ amount_captured: 1900, amount_refunded: 0 });
  });

  it('leaves alone an intent another run finished between its claim and its write, and answers none finished', async () => {
    const { recover } = await setUp();
    const id = await cutOff(cardMethod('4000000000000002'), 800);
    pastLease();
    // Another run of the job, or any other writer, changes the intent just before this run's write.
    const transact = t.store.transact.bind(t.store);
    let raced = false;
    t.store.transact = async (operations: WriteOperation[]) => {
      const recovering = operations.some(
        (op) => op.type === 'put' && op.item.id === id && op.item.status === 'failed',
      );
      if (recovering && !raced) {
        raced = true;
        const record = (await readIntent(t.store, id))!;
        await transact([
          intentPut({
            ...record,
            description: 'finished by its process',
            inflight: null,
            version: record.version + 1,
          }),
        ]);
      }
      return transact(operations);
    };
    expect(await recover()).toBe(0);
    expect(raced).toBe(true);
    expect((await api('GET', `/v1/payment-intents/${id}`)).json).toMatchObject({
      status: 'processing',
      description: 'finished by its process',
      attempts: [],
    });
    expect(await pendingEvents(t)).not.toContainEqual(
      expect.objectContaining({ type: 'payment_intent.payment_failed' }),
    );
  });

  it('throws when the store fails its claim or its write, leaving the intent to the next run', async () => {
    const { recover } = await setUp();
    const id = await cutOff(cardMethod('4000000000000002'), 800);
    pastLease();
    failNextWrite(t, (operations) => operations.some((op) => op.type === 'put' && op.item.id === id));
    await expect(recover()).rejects.toThrow();
    expect((await api('GET', `/v1/payment-intents/${id}`)).json.status).toBe('processing');
    failNextWrite(t, (operations) =>
      operations.some((op) => op.type === 'put' && op.item.id === id && op.item.status === 'failed'),
    );
    await expect(recover()).rejects.toThrow();
    expect((await api('GET', `/v1/payment-intents/${id}`)).json.status).toBe('processing');
    expect(await recover()).toBe(1);
  });
});

describe('the recovery job’s pages', () => {
  it('reads past intents it cannot finish yet to the newer ones behind them in their partition', async () => {
    const { recover, rearm } = await setUp();
    // Cut-off card charges until two share an inflight partition (nine always do: 8 partitions).
    const byPartition = new Map<string, string[]>();
    let shared: string[] | undefined;
    for (let i = 0; i < 9 && !shared; i++) {
      if (i > 0) rearm();
      (t.clock as ManualClock).advance(1_000);
      const id = await cutOff(cardMethod(), 300 + i);
      const partition = spreadPartition('HUB#INFLIGHT', id, inflightPartitions);
      const ids = [...(byPartition.get(partition) ?? []), id];
      byPartition.set(partition, ids);
      if (ids.length === 2) shared = ids;
    }
    const [older, newer] = shared!;
    pastLease();
    // The older one's provider cannot be reached; pages of one item put it alone on the first page.
    const finished = await recover(async (ctx, attempt) => {
      if (attempt.intent === older) throw new TechnicalFailure('network', 'unreachable');
      return hubTestDeps(t).connectors.sandbox_card.find!(ctx, attempt);
    }, 1);
    expect(finished).toBe([...byPartition.values()].flat().length - 1);
    expect((await api('GET', `/v1/payment-intents/${newer}`)).json).toMatchObject({ status: 'failed' });
    expect((await api('GET', `/v1/payment-intents/${older}`)).json).toMatchObject({ status: 'processing' });
    // Every charge the job finished was refunded; the unreachable one waits for the next run.
    const charged = (await payments()).filter((p) => p.amount_captured > p.amount_refunded);
    expect(charged).toHaveLength(1);
  });
});

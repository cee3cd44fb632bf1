import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { parseFile } from '../server/src/hub/ach/nacha.ts';
import { returnFileFor } from '../server/src/hub/ach/test-support.ts';
import { achConnector } from '../server/src/hub/connectors/ach.ts';
import type { AuthorizeInput, ConnectorContext } from '../server/src/hub/connectors/connector.ts';
import { readAchEntry } from '../server/src/hub/store.ts';
import { createHubTestApp, hubTestDeps } from '../server/src/hub/test-support.ts';
import { AppError } from '../server/src/kernel/errors.ts';
import { derivedId } from '../server/src/kernel/ids.ts';
import { getTransfer } from '../server/src/ledger/index.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { asMerchant, createTestMerchant, type MerchantApi } from '../server/src/payments/test-support.ts';

/**
 * The ACH connector's own void, refund and capture (`hub/connectors/ach.ts`), called as the hub
 * calls them, on debits made through the API: what it refuses and why, and the transfers it writes
 * (ids, metadata). The hub refuses most of these before they reach the connector; the connector
 * must refuse them itself too, as `reconcile` and the recovery job call it directly. The harness
 * clock starts on Thursday 2026-01-15: a debit settles on Tuesday 2026-01-20 (Monday is a holiday).
 */

const originator = {
  company_name: 'Acme Coffee',
  company_id: '1234567890',
  odfi_routing_number: '091000019',
};
let t: TestApp;
let api: MerchantApi;
let ctx: ConnectorContext;
let connector: ReturnType<typeof achConnector>;
beforeEach(async () => {
  t = createHubTestApp();
  const merchant = await createTestMerchant(t, { rate_limit_per_minute: 100_000 });
  api = asMerchant(t, merchant);
  const made = await api('POST', '/v1/connectors', { provider: 'ach', credentials: originator });
  expect(made.status, made.text).toBe(201);
  connector = achConnector(hubTestDeps(t));
  ctx = { merchantId: merchant.id, ownerId: '', connectorId: made.json.id, credentials: originator };
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

/** A debit made through the API; its ACH entry's reference (the hold's transfer id). */
async function debit(amount: number, accountNumber = '12345678'): Promise<string> {
  const made = await api('POST', '/v1/payment-intents', {
    amount,
    currency: 'USD',
    payment_method: {
      type: 'bank_account',
      bank_account: {
        routing_number: '231380104',
        account_number: accountNumber,
        account_holder_name: 'Jane Doe',
      },
    },
  });
  expect(made.status, made.text).toBe(201);
  return made.json.attempts[0].provider_reference as string;
}

/** Past T+2 and the settlement job: every debit made so far settles. */
async function settleAll(): Promise<void> {
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 5 * 86_400 });
  await api('POST', '/v1/test-helpers/ach/settle');
}

const voidTransferId = (createdAt: number, reference: string) =>
  derivedId('transfer', createdAt, `${reference}:cancel`);

describe('the ACH connector: void (taking a debit back on its day)', () => {
  it('voids a debit once: a second void on the day answers voided and writes nothing more', async () => {
    const reference = await debit(2_500);
    const createdAt = t.clock.now();
    expect(await connector.void(ctx, reference, 'first')).toMatchObject({ status: 'voided', reference });
    expect(await connector.void(ctx, reference, 'second')).toMatchObject({ status: 'voided', reference });
    const hold = await getTransfer(hubTestDeps(t), reference);
    expect(hold?.pending_status).toBe('voided');
    // The void names the merchant and the entry's trace, so the balance history can explain it.
    const voided = await getTransfer(hubTestDeps(t), voidTransferId(createdAt, reference));
    expect(voided).toMatchObject({ kind: 'void_pending', pending_id: reference });
    expect(voided?.metadata).toEqual({ merchant: ctx.merchantId, trace: '091000010000001' });
  });

  it('voids two debits made at the same instant, each under its own transfer id', async () => {
    // The harness clock does not move between the two: both entries have the same created_at.
    const first = await debit(1_000, '10000001');
    const second = await debit(2_000, '10000002');
    expect(await connector.void(ctx, first, 'a')).toMatchObject({ status: 'voided' });
    expect(await connector.void(ctx, second, 'b')).toMatchObject({ status: 'voided' });
    for (const reference of [first, second])
      expect((await getTransfer(hubTestDeps(t), reference))?.pending_status).toBe('voided');
  });

  it('refuses a void after the day the debit was made, saying what may be voided', async () => {
    const reference = await debit(2_500);
    await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
    await expect(connector.void(ctx, reference, 'late')).rejects.toMatchObject({
      code: 'invalid_state_transition',
      message: `ACH debit ${reference} cannot be voided: only a pending debit, on the day it was made, before its file goes out`,
    });
    expect((await getTransfer(hubTestDeps(t), reference))?.pending_status).toBe('pending');
  });

  it("refuses to void a bank payout's credit entry made the same day: its hold stays pending", async () => {
    await debit(5_000);
    await settleAll();
    const payout = await api('POST', '/v1/payouts', {
      amount: 1_000,
      currency: 'USD',
      destination: 'ach',
      bank_account: {
        routing_number: '231380104',
        account_number: '12345678',
        account_holder_name: 'Acme Coffee LLC',
      },
    });
    expect(payout.status, payout.text).toBe(201);
    const reference = payout.json.transfer as string;
    await expect(connector.void(ctx, reference, 'void-payout')).rejects.toMatchObject({
      code: 'invalid_state_transition',
    });
    expect((await getTransfer(hubTestDeps(t), reference))?.pending_status).toBe('pending');
  });

  it('refuses to capture a debit, which is taken when submitted', async () => {
    const reference = await debit(2_500);
    await expect(connector.capture(ctx, reference, undefined, 'capture')).rejects.toMatchObject({
      code: 'invalid_state_transition',
      message: 'an ACH debit cannot be captured: it is taken when submitted',
    });
  });
});

describe('the ACH connector: refund (a credit entry paid from the available balance)', () => {
  it('refunds a settled debit up to what is left, refusing more and naming the debit and its status', async () => {
    const reference = await debit(2_500);
    await settleAll();
    const refund = await connector.refund(ctx, reference, 2_000, 'refund-1');
    expect(refund.amount).toBe(2_000);
    // The credit's transfer names the merchant, the debit it refunds and its own trace.
    const credit = await getTransfer(hubTestDeps(t), refund.reference);
    expect(credit).toMatchObject({ amount: 2_000, currency: 'USD' });
    expect(credit?.metadata).toEqual({
      merchant: ctx.merchantId,
      debit: reference,
      trace: '091000010000002',
    });
    await expect(connector.refund(ctx, reference, 501, 'refund-2')).rejects.toMatchObject({
      code: 'invalid_state_transition',
      message: `cannot refund 501 of ACH debit ${reference} (settled)`,
    });
    // Exactly what is left is refundable.
    expect((await connector.refund(ctx, reference, 500, 'refund-3')).amount).toBe(500);
    expect(await connector.status(ctx, reference)).toMatchObject({ status: 'refunded' });
  });

  it('refuses to refund a debit that has not settled, and a refund credit itself', async () => {
    const settled = await debit(3_000, '10000001');
    await settleAll();
    const pending = await debit(1_000, '10000002');
    await expect(connector.refund(ctx, pending, 100, 'refund-pending')).rejects.toMatchObject({
      code: 'invalid_state_transition',
      message: `cannot refund 100 of ACH debit ${pending} (pending)`,
    });
    const refund = await connector.refund(ctx, settled, 1_000, 'refund-1');
    // The credit entry is settled at once; it is no debit, so it cannot be refunded in turn.
    await expect(connector.refund(ctx, refund.reference, 100, 'refund-of-refund')).rejects.toMatchObject({
      code: 'invalid_state_transition',
    });
  });
});

describe('the ACH connector: debits, their status and the originator credentials', () => {
  const bankAccount = {
    type: 'bank_account',
    bank_account: {
      routing_number: '231380104',
      account_number: '987654321',
      account_holder_name: 'Jane Doe',
      account_type: 'checking',
    },
  } as const;
  const authorizeInput = (fields: Partial<AuthorizeInput>): AuthorizeInput => ({
    amount: 1_500,
    currency: 'USD',
    payment_method: bankAccount,
    capture: true,
    idempotency_key: 'key-1',
    intent: 'pi_1',
    ...fields,
  });

  it('holds a debit from the bank towards the available balance, naming merchant, trace and intent, with the last four digits kept', async () => {
    const made = await connector.authorize(ctx, authorizeInput({}));
    expect(made).toEqual({
      status: 'processing',
      reference: made.reference,
      amount_captured: 0,
      decline_code: null,
    });
    const hold = await getTransfer(hubTestDeps(t), made.reference);
    expect(hold).toMatchObject({ kind: 'pending', amount: 1_500, pending_status: 'pending' });
    expect(hold?.metadata).toEqual({ merchant: ctx.merchantId, trace: '091000010000001', intent: 'pi_1' });
    expect((await readAchEntry(t.store, made.reference))?.account_last4).toBe('4321');
    // The same key answers the same debit.
    expect(await connector.authorize(ctx, authorizeInput({}))).toEqual(made);
  });

  it('declines what ACH cannot take: another currency, or an authorization to capture later', async () => {
    const declined = {
      status: 'declined',
      reference: '',
      amount_captured: 0,
      decline_code: 'invalid_payment_method',
    };
    expect(
      await connector.authorize(ctx, authorizeInput({ currency: 'EUR', idempotency_key: 'eur' })),
    ).toEqual(declined);
    expect(
      await connector.authorize(ctx, authorizeInput({ capture: false, idempotency_key: 'later' })),
    ).toEqual(declined);
  });

  it('gives two debits made at once the next trace numbers, one each', async () => {
    const made = await Promise.all(
      ['a', 'b', 'c'].map((key) => connector.authorize(ctx, authorizeInput({ idempotency_key: key }))),
    );
    const traces = await Promise.all(
      made.map(async (debit) => (await readAchEntry(t.store, debit.reference))?.trace_number),
    );
    expect(traces.sort()).toEqual(['091000010000001', '091000010000002', '091000010000003']);
  });

  it('tries for the next trace number 21 times when others keep taking it, and passes any other refusal on at once', async () => {
    const transact = t.store.transact.bind(t.store);
    let writes = 0;
    let refusal: AppError | undefined;
    t.store.transact = async (operations: WriteOperation[]) => {
      const takesTrace = operations.some((op) => op.type === 'put' && op.item.pk.startsWith('HUB#ACHSEQ#'));
      if (!takesTrace || !refusal) return transact(operations);
      writes += 1;
      throw refusal;
    };
    refusal = new AppError('conflict', 'another debit took the trace number');
    await expect(connector.authorize(ctx, authorizeInput({ idempotency_key: 'raced' }))).rejects.toBe(
      refusal,
    );
    expect(writes).toBe(21);
    const busy = new AppError('service_unavailable', 'the store is busy');
    refusal = busy;
    writes = 0;
    await expect(connector.authorize(ctx, authorizeInput({ idempotency_key: 'busy' }))).rejects.toBe(busy);
    expect(writes).toBe(1);
    // Nothing was taken meanwhile: the next debit gets the first trace number.
    refusal = undefined;
    const made = await connector.authorize(ctx, authorizeInput({ idempotency_key: 'calm' }));
    expect((await readAchEntry(t.store, made.reference))?.trace_number).toBe('091000010000001');
  });

  it('shows a debit as processing, then captured once settled, and a returned one as declined', async () => {
    const kept = await debit(2_500, '10000001');
    const returned = await debit(1_000, '10000002');
    const processing = { status: 'processing', amount_captured: 0, decline_code: null };
    expect(await connector.status(ctx, kept)).toMatchObject(processing);
    const file = parseFile((await api('GET', '/v1/ach/files/2026-01-15')).text);
    const trace = file.batches.flatMap((b) => b.entries).find((e) => e.amount === 1_000)!.trace_number;
    const applied = await api('POST', '/v1/test-helpers/ach/returns', {
      file: returnFileFor(file, [{ trace, code: 'R01' }]),
    });
    expect(applied.status, applied.text).toBe(200);
    expect(await connector.status(ctx, returned)).toEqual({
      status: 'declined',
      reference: returned,
      amount_captured: 0,
      decline_code: 'generic_decline',
    });
    await settleAll();
    expect(await connector.status(ctx, kept)).toEqual({
      status: 'captured',
      reference: kept,
      amount_captured: 2_500,
      decline_code: null,
    });
  });

  it("answers another merchant's entry as not found, naming it", async () => {
    const reference = await debit(2_500);
    const stranger = { ...ctx, merchantId: 'mer_stranger' };
    for (const call of [
      () => connector.status(stranger, reference),
      () => connector.void(stranger, reference, 'void'),
      () => connector.refund(stranger, reference, 100, 'refund'),
    ])
      await expect(call()).rejects.toMatchObject({ code: 'not_found', message: `no ACH entry ${reference}` });
    expect((await getTransfer(hubTestDeps(t), reference))?.pending_status).toBe('pending');
    await expect(
      connector.authorize(stranger, authorizeInput({ idempotency_key: 'stranger' })),
    ).rejects.toMatchObject({
      code: 'not_found',
      message: 'no merchant mer_stranger',
    });
  });

  it('refuses originator credentials that are not an object, carry another field or are misshapen, naming each', () => {
    const refusals: Array<[unknown, string, string]> = [
      [null, 'credentials', 'ach needs credentials {company_name, company_id, odfi_routing_number}'],
      ['acme', 'credentials', 'ach needs credentials {company_name, company_id, odfi_routing_number}'],
      [
        { ...originator, password: 'x' },
        'credentials.password',
        'ach credentials take company_name, company_id and odfi_routing_number, not password',
      ],
      [
        { ...originator, company_name: '!Acme' },
        'credentials.company_name',
        'credentials.company_name must be 1 to 16 letters, digits or spaces',
      ],
      [
        { ...originator, company_name: 'Acme!' },
        'credentials.company_name',
        'credentials.company_name must be 1 to 16 letters, digits or spaces',
      ],
      [
        { ...originator, company_id: '12345678901' },
        'credentials.company_id',
        'credentials.company_id must be 10 letters or digits',
      ],
      [
        { ...originator, odfi_routing_number: '091000018' },
        'credentials.odfi_routing_number',
        'credentials.odfi_routing_number must be a valid ABA routing number',
      ],
    ];
    for (const [raw, param, message] of refusals) {
      let thrown: unknown;
      try {
        connector.parseCredentials(raw);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(raw)).toMatchObject({ code: 'validation_failed', param, message });
    }
    expect(connector.parseCredentials(originator)).toEqual(originator);
  });
});

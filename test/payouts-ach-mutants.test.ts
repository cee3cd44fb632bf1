import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, moduleDepsFor, type TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { originateAchCredit, sealBankAccount } from '../server/src/hub/ach/credits.ts';
import { parseFile, type NachaFile } from '../server/src/hub/ach/nacha.ts';
import { returnFileFor } from '../server/src/hub/ach/test-support.ts';
import { hubModule } from '../server/src/hub/index.ts';
import { hubKeys } from '../server/src/hub/store.ts';
import { cardMethod } from '../server/src/hub/test-support.ts';
import { AppError } from '../server/src/kernel/errors.ts';
import { listHistory, type HistoryEntry } from '../server/src/ledger/index.ts';
import { merchantAccountId } from '../server/src/payments/index.ts';
import type { Query } from '../server/src/platform/store.ts';
import { checkPayout, executePayout } from '../server/src/payouts/index.ts';
import {
  asMerchant,
  createTestMerchant,
  pendingEvents,
  type MerchantApi,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';

/**
 * What the mutation runs of the ACH money code (`hub/ach/service.ts`, `hub/ach/credits.ts`,
 * `payouts/service.ts`) found no test for: the intent a settlement and a return leave, the amount
 * a return takes back after refunds, which entries a return file and the settlement job touch,
 * the day file's codes and headers, and the ledger's transfers by what they carry. The harness
 * clock starts on Thursday 2026-01-15; T+2 business days is Tuesday 2026-01-20 (Monday the 19th
 * is Martin Luther King Jr. Day).
 */

const originator = {
  company_name: 'Acme Coffee',
  company_id: '1234567890',
  odfi_routing_number: '091000019',
};
let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;

async function achMerchant(): Promise<{ merchant: TestMerchant; api: MerchantApi }> {
  const made = await createTestMerchant(t, { rate_limit_per_minute: 100_000 });
  const its = asMerchant(t, made);
  const connector = await its('POST', '/v1/connectors', { provider: 'ach', credentials: originator });
  expect(connector.status, connector.text).toBe(201);
  return { merchant: made, api: its };
}

beforeEach(async () => {
  t = createTestApp();
  ({ merchant, api } = await achMerchant());
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const bankAccount = (fields: Record<string, string> = {}) => ({
  routing_number: '231380104',
  account_number: '12345678',
  account_holder_name: 'Jane Doe',
  ...fields,
});
const debitWith =
  (its: MerchantApi) =>
  async (amount: number, fields: Record<string, string> = {}) => {
    const made = await its('POST', '/v1/payment-intents', {
      amount,
      currency: 'USD',
      payment_method: { type: 'bank_account', bank_account: bankAccount(fields) },
    });
    expect(made.status, made.text).toBe(201);
    return made.json as { id: string; merchant: string; provider_reference: string };
  };
const debit = (amount: number, fields: Record<string, string> = {}) => debitWith(api)(amount, fields);
const availableOf = (its: MerchantApi) => async () =>
  ((await its('GET', '/v1/balance')).json.balances.find((b: { currency: string }) => b.currency === 'USD')
    ?.available ?? 0) as number;
const available = () => availableOf(api)();
const intent = async (id: string) => (await api('GET', `/v1/payment-intents/${id}`)).json;
const settle = async (its: MerchantApi = api) => (await its('POST', '/v1/test-helpers/ach/settle')).json;
const advanceDays = async (days: number, its: MerchantApi = api) =>
  expect((await its('POST', '/v1/test-helpers/advance-clock', { seconds: days * 86_400 })).status).toBe(200);
const dayFile = async (day: string): Promise<NachaFile> => {
  const download = await api('GET', `/v1/ach/files/${day}`);
  expect(download.status, download.text).toBe(200);
  return parseFile(download.text);
};
const traceOf = (file: NachaFile, amount: number) =>
  file.batches.flatMap((b) => b.entries).find((e) => e.amount === amount)!.trace_number;
const deliver = async (file: NachaFile, returns: Array<{ trace: string; code: string }>) => {
  const applied = await api('POST', '/v1/test-helpers/ach/returns', { file: returnFileFor(file, returns) });
  expect(applied.status, applied.text).toBe(200);
  return applied.json as { returned: Array<Record<string, unknown>>; ignored: string[] };
};
/** The ledger's entries of the merchant's available US dollars, oldest first. */
const ledgerEntries = async (merchantId = merchant.id): Promise<HistoryEntry[]> =>
  (await listHistory(t.store, merchantAccountId(merchantId, 'available', 'USD'), { limit: 100 })).entries;
const eventsOf = async (subject: string) =>
  (await pendingEvents(t)).filter((e) => e.subject === subject).map((e) => e.type);

it('settles a debit into an intent captured in full, its last attempt captured, with payment_intent.succeeded; the post names the intent, merchant and trace', async () => {
  const made = await debit(12_500);
  const file = await dayFile('2026-01-15');
  await advanceDays(5);
  expect(await settle()).toEqual({ settled: 1 });
  const settled = await intent(made.id);
  expect(settled).toMatchObject({ status: 'succeeded', amount_captured: 12_500, amount_refunded: 0 });
  expect(settled.attempts.map((a: { status: string }) => a.status)).toEqual(['captured']);
  expect(await eventsOf(made.id)).toContain('payment_intent.succeeded');
  const post = (await ledgerEntries()).find((e) => e.kind === 'post_pending')!;
  expect(post).toMatchObject({
    transfer_id: expect.stringMatching(/^tr_/),
    code: 'hub_ach_debit',
    amount: 12_500,
    metadata: { intent: made.id, merchant: merchant.id, trace: traceOf(file, 12_500) },
  });
  expect(await available()).toBe(12_500);
});

it('settles only the merchant asked for from the test helper; the hourly job settles every merchant due', async () => {
  const other = await achMerchant();
  const mine = await debit(1_000);
  const theirs = await debitWith(other.api)(2_000);
  await advanceDays(5);
  await advanceDays(5, other.api);
  expect(await settle()).toEqual({ settled: 1 });
  expect((await intent(mine.id)).status).toBe('succeeded');
  expect((await other.api('GET', `/v1/payment-intents/${theirs.id}`)).json.status).toBe('processing');
  expect(await availableOf(other.api)()).toBe(0);

  const job = hubModule.jobs.find((candidate) => candidate.name === 'hub.ach-settlement')!;
  expect(await job.run(moduleDepsFor(t, [hubModule]))).toBe(1);
  expect((await other.api('GET', `/v1/payment-intents/${theirs.id}`)).json.status).toBe('succeeded');
  expect(await availableOf(other.api)()).toBe(2_000);
  // A debit made now is due on Thursday the 22nd by this merchant's clock: the job leaves it.
  const later = await debit(3_000);
  expect(await job.run(moduleDepsFor(t, [hubModule]))).toBe(0);
  expect((await intent(later.id)).status).toBe('processing');
});

it('settles due debits past the first page of 100', async () => {
  for (let i = 0; i < 101; i++) await debit(100 + i);
  await advanceDays(5);
  expect(await settle()).toEqual({ settled: 101 });
  expect(await available()).toBe(101 * 100 + (100 * 101) / 2);
});

it('fails a returned debit: nothing captured, its last attempt declined, bank_returned with the code, payment_intent.payment_failed; the void names the code', async () => {
  const made = await debit(4_000);
  // Made in the same sandbox instant: its own reversal, not the first one's.
  const twin = await debit(900);
  const file = await dayFile('2026-01-15');
  expect((await deliver(file, [{ trace: traceOf(file, 900), code: 'R03' }])).returned).toHaveLength(1);
  expect((await intent(twin.id)).status).toBe('failed');
  const result = await deliver(file, [{ trace: traceOf(file, 4_000), code: 'R01' }]);
  expect(result).toEqual({
    returned: [
      {
        trace_number: traceOf(file, 4_000),
        return_code: 'R01',
        reference: made.provider_reference,
        payment_intent: made.id,
      },
    ],
    ignored: [],
  });
  const failed = await intent(made.id);
  expect(failed).toMatchObject({
    status: 'failed',
    amount_captured: 0,
    last_error: { code: 'bank_returned', decline_code: null, return_code: 'R01' },
  });
  expect(failed.attempts.map((a: { status: string }) => a.status)).toEqual(['declined']);
  expect(await eventsOf(made.id)).toContain('payment_intent.payment_failed');
  const voided = (await ledgerEntries()).filter((e) => e.kind === 'void_pending');
  expect(voided.map((e) => [e.amount, e.metadata]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
    [900, { return_code: 'R03' }],
    [4_000, { return_code: 'R01' }],
  ]);
  expect(await available()).toBe(0);
});

it('takes back after settlement what is left of a debit after its refunds, and nothing of one refunded in full', async () => {
  const partly = await debit(10_000);
  const fully = await debit(3_000);
  // Made in the same sandbox instant as the first: its own reversal, in full.
  const whole = await debit(600);
  const file = await dayFile('2026-01-15');
  await advanceDays(5);
  expect(await settle()).toEqual({ settled: 3 });
  expect((await api('POST', `/v1/payment-intents/${partly.id}/refunds`, { amount: 2_500 })).status).toBe(200);
  expect((await api('POST', `/v1/payment-intents/${fully.id}/refunds`, { amount: 3_000 })).status).toBe(200);
  expect(await available()).toBe(8_100);

  const result = await deliver(file, [
    { trace: traceOf(file, 10_000), code: 'R02' },
    { trace: traceOf(file, 3_000), code: 'R03' },
    { trace: traceOf(file, 600), code: 'R01' },
  ]);
  expect(result.returned.map((r) => [r.return_code, r.payment_intent])).toEqual([
    ['R02', partly.id],
    ['R03', fully.id],
    ['R01', whole.id],
  ]);
  expect(await available()).toBe(0);
  expect(await intent(partly.id)).toMatchObject({ status: 'failed', amount_captured: 0 });
  expect(await intent(fully.id)).toMatchObject({
    status: 'failed',
    last_error: { code: 'bank_returned', return_code: 'R03' },
  });
  const reversals = (await ledgerEntries()).filter((e) => e.code === 'hub_ach_return');
  expect(reversals.sort((a, b) => b.amount - a.amount)).toEqual([
    expect.objectContaining({
      kind: 'posted',
      direction: 'debit',
      amount: 7_500,
      counterparty_account_id: 'acct_sys_bank_USD',
      metadata: {
        intent: partly.id,
        merchant: merchant.id,
        trace: traceOf(file, 10_000),
        return_code: 'R02',
      },
    }),
    expect.objectContaining({ amount: 600, metadata: expect.objectContaining({ intent: whole.id }) }),
  ]);
  // Delivered again: both are returned already.
  expect(await deliver(file, [{ trace: traceOf(file, 3_000), code: 'R03' }])).toEqual({
    returned: [],
    ignored: [traceOf(file, 3_000)],
  });
});

it("ignores a file's entries that are not returns, traces of another merchant, and a returned refund credit", async () => {
  const made = await debit(5_000);
  const file = await dayFile('2026-01-15');
  // The merchant's own file sent back as it is: no entry has a return addenda.
  const echoed = await api('POST', '/v1/test-helpers/ach/returns', {
    file: (await api('GET', '/v1/ach/files/2026-01-15')).text,
  });
  expect(echoed.status, echoed.text).toBe(200);
  expect(echoed.json).toEqual({ returned: [], ignored: [] });

  const other = await achMerchant();
  const trace = traceOf(file, 5_000);
  const foreign = await other.api('POST', '/v1/test-helpers/ach/returns', {
    file: returnFileFor(file, [{ trace, code: 'R01' }]),
  });
  expect(foreign.json).toEqual({ returned: [], ignored: [trace] });
  expect((await intent(made.id)).status).toBe('processing');

  await advanceDays(5);
  expect(await settle()).toEqual({ settled: 1 });
  expect((await api('POST', `/v1/payment-intents/${made.id}/refunds`, { amount: 1_000 })).status).toBe(200);
  const tuesday = await dayFile('2026-01-20');
  const refundTrace = traceOf(tuesday, 1_000);
  expect(await deliver(tuesday, [{ trace: refundTrace, code: 'R01' }])).toEqual({
    returned: [],
    ignored: [refundTrace],
  });
  expect(await available()).toBe(4_000);
  expect((await intent(made.id)).status).toBe('succeeded');
});

it('refuses a file that is not NACHA naming why, and a day file without entries or without the ach connector', async () => {
  const bad = await api('POST', '/v1/test-helpers/ach/returns', { file: 'not a nacha file' });
  expect(bad.status).toBe(400);
  expect(bad.json.error).toMatchObject({ code: 'validation_failed', param: 'file' });
  expect(bad.json.error.message).toBe(
    'Not a valid NACHA file: line 1: a record is 94 characters, this one 16.',
  );

  const empty = await api('GET', '/v1/ach/files/2026-01-14');
  expect(empty.status).toBe(404);
  expect(empty.json.error).toMatchObject({ message: 'No ACH entries on 2026-01-14.', param: 'day' });

  await debit(1_000);
  const connectors = (await api('GET', '/v1/connectors')).json.data as Array<{
    id: string;
    provider: string;
  }>;
  const ach = connectors.find((c) => c.provider === 'ach')!;
  expect((await api('DELETE', `/v1/connectors/${ach.id}`)).status).toBeLessThan(300);
  const orphan = await api('GET', '/v1/ach/files/2026-01-15');
  expect(orphan.status).toBe(404);
  expect(orphan.json.error.message).toBe('You have no ach connector.');
});

it("writes a day's PPD batch of debits and refunds and a CCD batch of payouts, with the savings codes and every header field", async () => {
  const checking = await debit(12_500);
  const savings = await debit(4_000, { account_number: '22220000', account_type: 'savings' });
  const thursday = await dayFile('2026-01-15');
  expect(thursday.batches.map((b) => [b.header.service_class_code, b.header.standard_entry_class])).toEqual([
    ['225', 'PPD'],
  ]);
  expect(thursday.batches[0]!.entries.map((e) => [e.transaction_code, e.amount])).toEqual([
    ['27', 12_500],
    ['37', 4_000],
  ]);
  await advanceDays(5);
  expect(await settle()).toEqual({ settled: 2 });

  // Tuesday: two refunds (checking, savings), a new debit, and two payouts (savings, checking).
  expect((await api('POST', `/v1/payment-intents/${checking.id}/refunds`, { amount: 2_500 })).status).toBe(
    200,
  );
  expect((await api('POST', `/v1/payment-intents/${savings.id}/refunds`, { amount: 1_000 })).status).toBe(
    200,
  );
  await debit(3_000, { account_number: '33330000', account_holder_name: "O'Brien & Co." });
  const payout = (amount: number, fields: Record<string, string>) =>
    api('POST', '/v1/payouts', {
      amount,
      currency: 'USD',
      destination: 'ach',
      bank_account: bankAccount({ account_holder_name: 'Acme Coffee LLC', ...fields }),
    });
  expect((await payout(5_000, { account_number: '44440000', account_type: 'savings' })).status).toBe(201);
  expect((await payout(1_500, { account_number: '55550000' })).status).toBe(201);

  const file = await dayFile('2026-01-20');
  expect(file.header).toEqual({
    ...file.header,
    immediate_destination: ' 091000019',
    immediate_origin: '1234567890',
    creation_date: '260120',
    creation_time: '0000',
    file_id_modifier: 'A',
    immediate_destination_name: 'SLUICE SANDBOX ODFI',
    immediate_origin_name: 'ACME COFFEE',
    reference_code: '',
  });
  const common = {
    company_name: 'ACME COFFEE',
    company_discretionary_data: '',
    company_identification: '1234567890',
    company_descriptive_date: '',
    effective_entry_date: '260120',
    settlement_date: '',
    originator_status_code: '1',
    originating_dfi: '09100001',
  };
  expect(file.batches.map((b) => b.header)).toEqual([
    expect.objectContaining({
      ...common,
      service_class_code: '200',
      standard_entry_class: 'PPD',
      company_entry_description: 'PAYMENT',
      batch_number: 1,
    }),
    expect.objectContaining({
      ...common,
      service_class_code: '220',
      standard_entry_class: 'CCD',
      company_entry_description: 'PAYOUT',
      batch_number: 2,
    }),
  ]);
  expect(
    file.batches.map((b) =>
      b.entries.map((e) => [
        e.transaction_code,
        e.amount,
        e.account_number,
        e.individual_name,
        e.discretionary_data,
      ]),
    ),
  ).toEqual([
    [
      ['22', 2_500, '12345678', 'JANE DOE', ''],
      ['32', 1_000, '22220000', 'JANE DOE', ''],
      ['27', 3_000, '33330000', "O'BRIEN & CO.", ''],
    ],
    [
      ['32', 5_000, '44440000', 'ACME COFFEE LLC', ''],
      ['22', 1_500, '55550000', 'ACME COFFEE LLC', ''],
    ],
  ]);
});

/** Funds the merchant's available US dollars with settled ACH debits (Tuesday 2026-01-20 after). */
async function funded(amount: number): Promise<number> {
  await debit(amount);
  await advanceDays(5);
  expect(await settle()).toEqual({ settled: 1 });
  return available();
}
const toBank = (amount: number, fields: Record<string, string> = {}) => ({
  amount,
  currency: 'USD',
  destination: 'ach',
  bank_account: bankAccount({ account_holder_name: 'Acme Coffee LLC', ...fields }),
});
const asOwner = (method: string, path: string, body?: unknown) =>
  t.call(method, path, {
    token: merchant.owner.token,
    headers: { 'sluice-merchant': merchant.id },
    ...(body !== undefined ? { body } : {}),
  });
async function approver() {
  const email = 'approver@example.com';
  const invited = await asOwner('POST', `/v1/merchants/${merchant.id}/members`, { email, role: 'approver' });
  expect(invited.status, invited.text).toBe(201);
  const user = await t.signUp('approver', email);
  return (method: string, path: string, body?: unknown) =>
    t.call(method, path, {
      token: user.token,
      headers: { 'sluice-merchant': merchant.id },
      ...(body !== undefined ? { body } : {}),
    });
}

it('numbers a payout credit with the ODFI and the next of the merchant’s trace sequence, shared with its debits', async () => {
  await funded(20_000);
  const first = await api('POST', '/v1/payouts', toBank(1_000));
  const second = await api('POST', '/v1/payouts', toBank(2_000));
  expect([first.status, second.status]).toEqual([201, 201]);
  // The debit that funded it took 0000001.
  expect([first.json.bank_account.trace_number, second.json.bank_account.trace_number]).toEqual([
    '091000010000002',
    '091000010000003',
  ]);
  expect(first.json).toMatchObject({ arrival_date: '2026-01-22', status: 'in_transit', approval: null });
});

it('refuses a payout above what the merchant may pay out, its floor not counted, saying how much is', async () => {
  const payable = await funded(5_000);
  expect(payable).toBe(5_000);
  const above = await api('POST', '/v1/payouts', toBank(5_001));
  expect(above.status).toBe(402);
  expect(above.json.error).toMatchObject({
    code: 'insufficient_funds',
    message: 'At most 5000 USD is available to pay out.',
    param: 'amount',
    available: 5_000,
  });
  const achEuros = await api('POST', '/v1/payouts', { ...toBank(100), currency: 'EUR' });
  expect(achEuros.json.error).toMatchObject({ message: 'ACH pays US dollars only.', param: 'currency' });
  const euros = await api('POST', '/v1/payouts', { amount: 100, currency: 'EUR', destination: 'wallet' });
  expect(euros.status).toBe(400);
  expect(euros.json.error).toMatchObject({
    code: 'invalid_request',
    message: "The owner's wallet holds no EUR.",
    param: 'destination',
  });
  expect((await api('POST', '/v1/payouts', toBank(5_000))).status).toBe(201);
  expect(await available()).toBe(0);
});

it('pays a wallet payout at once: paid, with payout.created and payout.paid to the owner, one transfer coded payout', async () => {
  await funded(5_000);
  // The owner's wallet opens on first use.
  expect((await t.call('GET', '/v1/wallet', { token: merchant.owner.token })).status).toBe(200);
  const paid = await api('POST', '/v1/payouts', {
    amount: 1_200,
    currency: 'USD',
    destination: 'wallet',
    description: 'March',
  });
  expect(paid.status, paid.text).toBe(201);
  expect(paid.json).toMatchObject({
    id: expect.stringMatching(/^po_/),
    object: 'payout',
    merchant: merchant.id,
    amount: 1_200,
    currency: 'USD',
    transfer: expect.stringMatching(/^tr_/),
    created_at: '2026-01-15T12:00:00.000Z',
    status: 'paid',
    destination: 'wallet',
    description: 'March',
    bank_account: null,
    arrival_date: null,
    approval: null,
  });
  const events = (await pendingEvents(t)).filter((e) => e.subject === paid.json.id);
  expect(events.map((e) => [e.type, e.source, e.merchant, e.audience])).toEqual([
    ['payout.created', 'sluice.payouts', merchant.id, [merchant.owner.id]],
    ['payout.paid', 'sluice.payouts', merchant.id, [merchant.owner.id]],
  ]);
  expect(events[1]!.data).toEqual({ object: paid.json });
  const out = (await ledgerEntries()).filter((e) => e.code === 'payout');
  expect(out).toEqual([
    expect.objectContaining({
      kind: 'posted',
      direction: 'debit',
      amount: 1_200,
      metadata: { payout: paid.json.id, merchant: merchant.id },
    }),
  ]);
  expect(await available()).toBe(3_800);
});

it('tells the owner of a bank payout settled and returned, with the payout as it then is', async () => {
  await funded(5_000);
  const made = await api('POST', '/v1/payouts', toBank(1_000, { account_number: '44440000' }));
  expect(made.status, made.text).toBe(201);
  await advanceDays(2);
  expect(await settle()).toEqual({ settled: 1 });
  const file = await dayFile('2026-01-20');
  await deliver(file, [{ trace: made.json.bank_account.trace_number, code: 'R02' }]);
  const events = (await pendingEvents(t)).filter((e) => e.subject === made.json.id);
  expect(events.map((e) => [e.type, e.audience, e.merchant])).toEqual([
    ['payout.created', [merchant.owner.id], merchant.id],
    ['payout.paid', [merchant.owner.id], merchant.id],
    ['payout.returned', [merchant.owner.id], merchant.id],
  ]);
  expect(events.map((e) => (e.data as { object: { status: string } }).object.status)).toEqual([
    'in_transit',
    'paid',
    'returned',
  ]);
  expect(await available()).toBe(5_000);
});

it('answers 404 for a payout of another merchant or none', async () => {
  await funded(5_000);
  const made = await api('POST', '/v1/payouts', toBank(1_000));
  const other = await achMerchant();
  const theirs = await other.api('GET', `/v1/payouts/${made.json.id}`);
  expect(theirs.status).toBe(404);
  expect(theirs.json.error).toMatchObject({ message: `No payout ${made.json.id}.`, param: 'id' });
  expect((await api('GET', `/v1/payouts/${made.json.id}`)).json.id).toBe(made.json.id);
  const unknown = await api('GET', '/v1/payouts/po_unknown');
  expect(unknown.status).toBe(404);
  expect(unknown.json.error).toMatchObject({ message: 'No payout po_unknown.', param: 'id' });
});

it('ends an approved bank payout the balance no longer covers failed, with payout.failed naming the request, and moves nothing', async () => {
  const payable = await funded(5_000);
  expect((await asOwner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 })).status).toBe(
    200,
  );
  const asApprover = await approver();
  const requested = await asOwner('POST', '/v1/payouts', toBank(payable));
  expect(requested.status, requested.text).toBe(202);
  // A refund of the debit takes from the balance meanwhile.
  const [intentId] = (await api('GET', '/v1/payment-intents')).json.data.map((i: { id: string }) => i.id);
  expect((await api('POST', `/v1/payment-intents/${intentId}/refunds`, { amount: 1_000 })).status).toBe(200);
  const approved = await asApprover('POST', `/v1/approvals/${requested.json.id}/approve`);
  expect(approved.status, approved.text).toBe(200);
  expect(approved.json.status).toBe('failed');
  const failed = (await pendingEvents(t)).filter((e) => e.type === 'payout.failed');
  expect(failed).toEqual([
    expect.objectContaining({
      source: 'sluice.payouts',
      subject: requested.json.id,
      merchant: merchant.id,
      audience: [merchant.owner.id],
      data: {
        approval: requested.json.id,
        amount: payable,
        currency: 'USD',
        destination: 'ach',
        error: { code: 'insufficient_funds', message: 'at most 4000 USD is available to pay out' },
      },
    }),
  ]);
  expect((await api('GET', '/v1/payouts')).json.data).toEqual([]);
  expect(await available()).toBe(4_000);

  // Approved while the balance covers it: paid, naming the request.
  const again = await asOwner('POST', '/v1/payouts', toBank(4_000));
  expect((await asApprover('POST', `/v1/approvals/${again.json.id}/approve`)).json.status).toBe('executed');
  const [payout] = (await api('GET', '/v1/payouts')).json.data;
  expect(payout).toMatchObject({ approval: again.json.id, amount: 4_000, status: 'in_transit' });
  expect(await available()).toBe(0);
});

it('refuses a bank payout while the ach connector is disabled, and pays once it is enabled again', async () => {
  await funded(5_000);
  const connectors = (await api('GET', '/v1/connectors')).json.data as Array<{
    id: string;
    provider: string;
  }>;
  const ach = connectors.find((c) => c.provider === 'ach')!;
  expect((await api('PATCH', `/v1/connectors/${ach.id}`, { disabled: true })).status).toBe(200);
  const refused = await api('POST', '/v1/payouts', toBank(1_000));
  expect(refused.status).toBe(400);
  expect(refused.json.error).toMatchObject({
    code: 'unknown_connector',
    message: 'A payout to a bank account needs your ach connector.',
    param: 'destination',
  });
  expect((await api('PATCH', `/v1/connectors/${ach.id}`, { disabled: false })).status).toBe(200);
  expect((await api('POST', '/v1/payouts', toBank(1_000))).status).toBe(201);
  expect(await available()).toBe(4_000);
});

it('refuses a bank payout whose ach connector is disabled between its check and its origination, blaming destination, and moves nothing', async () => {
  await funded(5_000);
  const [ach] = (
    (await api('GET', '/v1/connectors')).json.data as Array<{ id: string; provider: string }>
  ).filter((c) => c.provider === 'ach');
  // The store as the payout sees it: the merchant disables the connector just before the
  // payout's second read of its connectors (the origination's), after the check passed.
  let connectorReads = 0;
  const store = new Proxy(t.store, {
    get(target, name) {
      if (name !== 'query') return Reflect.get(target, name, target);
      return async (query: Query) => {
        if (query.partition === hubKeys.merchantConnectors(merchant.id) && ++connectorReads === 2)
          expect((await api('PATCH', `/v1/connectors/${ach!.id}`, { disabled: true })).status).toBe(200);
        return target.query(query);
      };
    },
  });
  const order = {
    amount: 1_000,
    currency: 'USD' as const,
    destination: 'ach' as const,
    bank_account: await sealBankAccount(t, { ...bankAccount(), account_type: 'checking' as const }),
  };
  await expect(
    executePayout({ store, clock: t.clock, secrets: t.secrets }, merchant.id, order),
  ).rejects.toMatchObject({
    code: 'unknown_connector',
    message: 'a payout to a bank account needs your ach connector',
    param: 'destination',
  });
  expect(connectorReads).toBe(2);
  expect((await api('GET', '/v1/payouts')).json.data).toEqual([]);
  expect(await available()).toBe(5_000);
});

it('refuses a payout of a merchant that never had US dollars (nothing to pay out), and pays one of two payouts of the whole balance at once', async () => {
  const fresh = await achMerchant();
  const none = await fresh.api('POST', '/v1/payouts', toBank(100));
  expect(none.status).toBe(402);
  expect(none.json.error).toMatchObject({
    code: 'insufficient_funds',
    message: 'At most 0 USD is available to pay out.',
  });

  const whole = await funded(5_000);
  // The floor's credit line would let the second go through: only the payout sequence stops it.
  const both = await Promise.all([0, 1].map(() => api('POST', '/v1/payouts', toBank(whole))));
  expect(both.map((r) => r.status).sort()).toEqual([201, 402]);
  expect(await available()).toBe(0);
  expect((await api('GET', '/v1/payouts')).json.data).toHaveLength(1);
});

it("pays a vendor's bank credit in its own day: in the day's file, settled, nothing left for the T+2 settlement", async () => {
  expect((await api('POST', '/v1/connectors', { provider: 'sandbox_card' })).status).toBe(201);
  const vendor = (await api('POST', '/v1/vendors', { name: 'Roaster', currency: 'USD' })).json.id as string;
  const sale = await api('POST', '/v1/payment-intents', {
    amount: 4_000,
    currency: 'USD',
    payment_method: cardMethod(),
    splits: [{ vendor, amount: 3_000 }],
  });
  expect(sale.status, sale.text).toBe(201);
  await advanceDays(1);
  await api('POST', '/v1/test-helpers/vendors/settle');
  const paid = await api('POST', `/v1/vendors/${vendor}/payouts`, {
    amount: 1_000,
    currency: 'USD',
    destination: { type: 'bank_account', bank_account: bankAccount() },
  });
  expect(paid.status, paid.text).toBe(201);
  const file = await dayFile('2026-01-16');
  expect(file.batches.flatMap((b) => b.entries.map((e) => [e.transaction_code, e.amount]))).toEqual([
    ['22', 1_000],
  ]);
  await advanceDays(5);
  expect(await settle()).toEqual({ settled: 0 });
});

describe('originating a credit when another entry takes its trace number first', () => {
  const request = async () => ({
    merchantId: merchant.id,
    reference: 'tr_retried',
    amount: 1_000,
    account: await sealBankAccount(t, { ...bankAccount(), account_type: 'checking' as const }),
    standardEntryClass: 'CCD' as const,
    settlement: 't_plus_2' as const,
    origin: null,
    param: 'destination',
  });

  it('tries again after a lost race, up to 20 times more, and passes any other refusal on at once', async () => {
    let calls = 0;
    const made = await originateAchCredit(t, await request(), async (entry) => {
      calls += 1;
      if (calls < 3) throw new AppError('conflict', 'another entry took the trace number');
      return entry.trace_number;
    });
    expect([made, calls]).toEqual(['091000010000001', 3]);

    calls = 0;
    const lostEveryTime = originateAchCredit(t, await request(), async () => {
      calls += 1;
      throw new AppError('conflict', 'another entry took the trace number');
    });
    await expect(lostEveryTime).rejects.toMatchObject({ code: 'conflict' });
    expect(calls).toBe(21);

    calls = 0;
    const refused = originateAchCredit(t, await request(), async () => {
      calls += 1;
      throw new AppError('insufficient_funds', 'no');
    });
    await expect(refused).rejects.toMatchObject({ code: 'insufficient_funds' });
    expect(calls).toBe(1);
  });
});

it('refuses a payout for a merchant that does not exist (an approval outliving it), before and when paying', async () => {
  const order = { amount: 100, currency: 'USD' as const, destination: 'wallet' as const };
  const deps = { store: t.store, clock: t.clock, secrets: t.secrets };
  await expect(checkPayout(deps, 'mer_gone', order)).rejects.toMatchObject({
    code: 'not_found',
    message: 'no merchant mer_gone',
  });
  await expect(executePayout(deps, 'mer_gone', order)).rejects.toMatchObject({
    code: 'not_found',
    message: 'no merchant mer_gone',
  });
});

it("voids a bank payout's hold when the bank returns it before settlement, naming the code, and pays nothing back", async () => {
  await funded(5_000);
  const made = await api('POST', '/v1/payouts', toBank(1_000));
  expect(made.status, made.text).toBe(201);
  const file = await dayFile('2026-01-20');
  await deliver(file, [{ trace: made.json.bank_account.trace_number, code: 'R03' }]);
  const entries = (await ledgerEntries()).filter((e) => e.code === 'payout');
  expect(entries.map((e) => [e.kind, e.amount, e.metadata.return_code])).toEqual([
    ['pending', 1_000, undefined],
    ['void_pending', 1_000, 'R03'],
  ]);
  expect((await ledgerEntries()).filter((e) => e.code === 'hub_ach_credit_return')).toEqual([]);
  expect(await available()).toBe(5_000);
});

it("serves the day's file under the ach connector, whichever connector the merchant added first", async () => {
  const other = await createTestMerchant(t, { rate_limit_per_minute: 100_000 });
  const its = asMerchant(t, other);
  expect((await its('POST', '/v1/connectors', { provider: 'sandbox_card' })).status).toBe(201);
  expect((await its('POST', '/v1/connectors', { provider: 'ach', credentials: originator })).status).toBe(
    201,
  );
  await debitWith(its)(1_000);
  const download = await its('GET', '/v1/ach/files/2026-01-15');
  expect(download.status, download.text).toBe(200);
  expect(parseFile(download.text).header).toMatchObject({ immediate_origin: '1234567890' });
});

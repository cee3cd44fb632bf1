import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { formatFile, parseFile } from '../server/src/hub/ach/nacha.ts';
import { returnFileFor } from '../server/src/hub/ach/test-support.ts';
import { achDayEntries, readAchEntry } from '../server/src/hub/store.ts';
import { createHubTestApp, hubTestDeps } from '../server/src/hub/test-support.ts';
import { asMerchant, createTestMerchant, type MerchantApi } from '../server/src/payments/test-support.ts';

// The harness clock starts on Thursday 2026-01-15; T+2 business days is Tuesday 2026-01-20, since
// Monday 2026-01-19 is Martin Luther King Jr. Day, a Federal Reserve holiday.
const originator = {
  company_name: 'Acme Coffee',
  company_id: '1234567890',
  odfi_routing_number: '091000019',
};
let t: TestApp;
let api: MerchantApi;
beforeEach(async () => {
  t = createHubTestApp();
  const merchant = await createTestMerchant(t, { rate_limit_per_minute: 100_000 });
  api = asMerchant(t, merchant);
  const connector = await api('POST', '/v1/connectors', { provider: 'ach', credentials: originator });
  expect(connector.status, connector.text).toBe(201);
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const bank = (fields: Record<string, string> = {}) => ({
  type: 'bank_account',
  bank_account: {
    routing_number: '231380104',
    account_number: '12345678',
    account_holder_name: 'Jane Doe',
    ...fields,
  },
});
const debit = (amount: number, fields: Record<string, string> = {}) =>
  api('POST', '/v1/payment-intents', { amount, currency: 'USD', payment_method: bank(fields) });
const available = async () =>
  (await api('GET', '/v1/balance')).json.balances.find((b: { currency: string }) => b.currency === 'USD')
    ?.available ?? 0;
const intent = async (id: string) => (await api('GET', `/v1/payment-intents/${id}`)).json;

it("collects the day's debits into a NACHA file that reads back identically, reverses exactly the returned entries, and settles the rest at T+2", async () => {
  const amounts = [12_500, 4_000, 99_999];
  const debits = [];
  for (const [i, amount] of amounts.entries()) {
    const made = await debit(amount, { account_number: `1000000${i}`, account_holder_name: `Payer ${i}` });
    expect(made.status, made.text).toBe(201);
    expect(made.json).toMatchObject({
      status: 'processing',
      provider: 'ach',
      payment_method: { bank_account: { last4: `000${i}` } },
    });
    debits.push(made.json);
  }
  expect(await available()).toBe(0);

  const download = await api('GET', '/v1/ach/files/2026-01-15');
  expect(download.status).toBe(200);
  const text = download.text;
  const file = parseFile(text);
  expect(formatFile(file)).toBe(text);
  const entries = file.batches[0]!.entries;
  expect(entries.map((e) => [e.transaction_code, e.routing_number, e.account_number, e.amount])).toEqual([
    ['27', '231380104', '10000000', 12_500],
    ['27', '231380104', '10000001', 4_000],
    ['27', '231380104', '10000002', 99_999],
  ]);
  expect(text.split('\n').length % 10).toBe(0);
  expect(file.batches[0]!.header).toMatchObject({
    service_class_code: '225',
    company_identification: '1234567890',
    standard_entry_class: 'PPD',
  });

  // The bank returns the second debit (R01) before it settles: only that one is reversed.
  const returns = returnFileFor(file, [{ trace: entries[1]!.trace_number, code: 'R01' }]);
  const applied = await api('POST', '/v1/test-helpers/ach/returns', { file: returns });
  expect(applied.status, applied.text).toBe(200);
  expect(applied.json.returned).toEqual([
    expect.objectContaining({
      trace_number: entries[1]!.trace_number,
      return_code: 'R01',
      payment_intent: debits[1].id,
    }),
  ]);
  expect(await intent(debits[1].id)).toMatchObject({
    status: 'failed',
    last_error: { code: 'bank_returned', return_code: 'R01' },
  });
  expect((await intent(debits[0].id)).status).toBe('processing');
  // Delivered again: nothing more.
  expect((await api('POST', '/v1/test-helpers/ach/returns', { file: returns })).json).toEqual({
    returned: [],
    ignored: [entries[1]!.trace_number],
  });

  // Not due yet on Friday, nor on the holiday Monday; due on Tuesday (T+2 business days).
  expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 })).status).toBe(200);
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 0 });
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 3 * 86_400 });
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 0 });
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 2 });
  expect((await intent(debits[0].id)).status).toBe('succeeded');
  expect((await intent(debits[2].id)).status).toBe('succeeded');
  expect(await available()).toBe(12_500 + 99_999);

  // A return after settlement (R02, account closed) takes the credit back from the merchant.
  const late = await api('POST', '/v1/test-helpers/ach/returns', {
    file: returnFileFor(file, [{ trace: entries[2]!.trace_number, code: 'R02' }]),
  });
  expect(late.json.returned).toHaveLength(1);
  expect(await available()).toBe(12_500);
  expect(await intent(debits[2].id)).toMatchObject({ status: 'failed', last_error: { return_code: 'R02' } });

  // A refund goes out as a credit in Tuesday's file.
  const refunded = await api('POST', `/v1/payment-intents/${debits[0].id}/refunds`, { amount: 2_500 });
  expect(refunded.status, refunded.text).toBe(200);
  expect(await available()).toBe(10_000);
  expect((await api('GET', '/v1/ach/files/2026-01-19')).status).toBe(404);
  const tuesday = parseFile((await api('GET', '/v1/ach/files/2026-01-20')).text);
  expect(tuesday.batches[0]!.entries.map((e) => [e.transaction_code, e.amount, e.account_number])).toEqual([
    ['22', 2_500, '10000000'],
  ]);
});

it('refuses invalid routing and account numbers, and originator credentials in the wrong shape', async () => {
  for (const [fields, param] of [
    [{ routing_number: '231380105' }, 'payment_method.bank_account.routing_number'],
    [{ routing_number: '12345' }, 'payment_method.bank_account.routing_number'],
    [{ account_number: '12ab' }, 'payment_method.bank_account.account_number'],
    [{ account_number: '123' }, 'payment_method.bank_account.account_number'],
  ] as const) {
    const response = await debit(1000, fields);
    expect(response.status, JSON.stringify(fields)).toBe(400);
    expect(response.json.error.param).toBe(param);
  }
  expect((await api('GET', '/v1/payment-intents')).json.data).toEqual([]);

  const other = asMerchant(t, await createTestMerchant(t));
  for (const [credentials, param] of [
    [{ ...originator, odfi_routing_number: '091000018' }, 'credentials.odfi_routing_number'],
    [{ ...originator, company_id: '123' }, 'credentials.company_id'],
    [{ company_name: 'Acme' }, 'credentials.company_id'],
  ] as const) {
    const response = await other('POST', '/v1/connectors', { provider: 'ach', credentials });
    expect(response.status).toBe(400);
    expect(response.json.error.param).toBe(param);
  }
});

it('refuses a return file that is not NACHA, and serves no file for a day without entries', async () => {
  const bad = await api('POST', '/v1/test-helpers/ach/returns', { file: 'not a nacha file' });
  expect(bad.status).toBe(400);
  expect(bad.json.error.param).toBe('file');
  expect((await api('GET', '/v1/ach/files/2026-01-14')).status).toBe(404);
  expect((await api('GET', '/v1/ach/files/yesterday')).status).toBe(400);
  for (const day of ['2026-13-45', '2026-02-30']) {
    const impossible = await api('GET', `/v1/ach/files/${day}`);
    expect(impossible.status).toBe(400);
    expect(impossible.json.error).toMatchObject({ code: 'validation_failed', param: 'day' });
  }
});

it("names the intent as the source of an ACH debit's credit and of its return after settlement in the balance history", async () => {
  const made = await debit(12_500);
  expect(made.status, made.text).toBe(201);
  const file = parseFile((await api('GET', '/v1/ach/files/2026-01-15')).text);
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 5 * 86_400 });
  // The history is in ledger time: each step a second after the one before, so its order is theirs.
  t.clock.advance(1_000);
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 1 });
  t.clock.advance(1_000);
  const trace = file.batches[0]!.entries[0]!.trace_number;
  const late = await api('POST', '/v1/test-helpers/ach/returns', {
    file: returnFileFor(file, [{ trace, code: 'R02' }]),
  });
  expect(late.json.returned).toHaveLength(1);
  const history = (await api('GET', '/v1/balance/transactions?currency=USD&limit=20')).json.data;
  expect(history).toEqual([
    expect.objectContaining({
      code: 'hub_ach_return',
      amount: -12_500,
      source: made.json.id,
      balance_after: 0,
    }),
    expect.objectContaining({
      code: 'hub_ach_debit',
      amount: 12_500,
      source: made.json.id,
      balance_after: 12_500,
    }),
  ]);
});

it('takes back a debit whose answer was lost the same day: nothing collected, not in the file, never settled; the intent says so', async () => {
  const connectors = (await api('GET', '/v1/connectors')).json.data as Array<{
    id: string;
    provider: string;
  }>;
  const ach = connectors.find((c) => c.provider === 'ach')!.id;
  const kept = await debit(4_000, { account_number: '10000001' });
  expect(kept.status, kept.text).toBe(201);
  const fault = await api('POST', `/v1/test-helpers/connectors/${ach}/faults`, { mode: 'timeout', count: 1 });
  expect(fault.status, fault.text).toBe(200);
  const lost = await debit(12_500, { account_number: '10000002' });
  expect(lost.status, lost.text).toBe(503);
  const lostId = lost.json.error.payment_intent as string;
  const failed = await intent(lostId);
  expect(failed.status).toBe('failed');
  // The debit the lost call made was found and taken back: the attempt says reconciled.
  expect(failed.attempts).toMatchObject([{ status: 'reconciled', error_code: 'provider_timeout' }]);
  // The day's file holds only the debit that was kept.
  const file = parseFile((await api('GET', '/v1/ach/files/2026-01-15')).text);
  expect(file.batches.flatMap((b) => b.entries.map((e) => e.amount))).toEqual([4_000]);
  // A return of the canceled entry is ignored: it never went to the bank.
  const traces = file.batches.flatMap((b) => b.entries.map((e) => e.trace_number));
  expect(traces).toHaveLength(1);
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 5 * 86_400 });
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 1 });
  expect(await available()).toBe(4_000);
  expect((await intent(lostId)).status).toBe('failed');
  expect((await intent(kept.json.id)).status).toBe('succeeded');
});

it('ignores a return of a debit taken back on its day: it never went to the bank, so nothing moves and the intent keeps its reason', async () => {
  const ach = (
    (await api('GET', '/v1/connectors')).json.data as Array<{ id: string; provider: string }>
  ).find((c) => c.provider === 'ach')!.id;
  const kept = await debit(4_000, { account_number: '10000001' });
  expect(kept.status, kept.text).toBe(201);
  await api('POST', `/v1/test-helpers/connectors/${ach}/faults`, { mode: 'timeout', count: 1 });
  const lost = await debit(12_500, { account_number: '10000002' });
  expect(lost.status, lost.text).toBe(503);
  const lostId = lost.json.error.payment_intent as string;
  const before = await intent(lostId);
  const [canceled] = (await achDayEntries(t.store, kept.json.merchant, '2026-01-15')).filter(
    (e) => e.status === 'canceled',
  );
  expect(canceled).toMatchObject({ kind: 'debit', amount: 12_500 });
  // Settle the kept debit first, so a wrongly applied return would have a balance to take from.
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 5 * 86_400 });
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 1 });
  expect(await available()).toBe(4_000);
  // The bank's return names the canceled entry's trace (a file that had it, as a bank might send).
  const file = parseFile((await api('GET', '/v1/ach/files/2026-01-15')).text);
  const [sent] = file.batches[0]!.entries;
  const withLost = {
    ...file,
    batches: [
      {
        ...file.batches[0]!,
        entries: [sent!, { ...sent!, amount: 12_500, trace_number: canceled!.trace_number }],
      },
    ],
  };
  const applied = await api('POST', '/v1/test-helpers/ach/returns', {
    file: returnFileFor(withLost, [{ trace: canceled!.trace_number, code: 'R01' }]),
  });
  expect(applied.status, applied.text).toBe(200);
  expect(applied.json).toEqual({ returned: [], ignored: [canceled!.trace_number] });
  expect(await available()).toBe(4_000);
  expect(await intent(lostId)).toEqual(before);
  expect((await readAchEntry(t.store, canceled!.reference))?.status).toBe('canceled');
});

it('takes a debit back only on the day it was made: after the file went out, a lost answer leaves it to settle and says nothing was undone', async () => {
  const { achConnector } = await import('../server/src/hub/connectors/ach.ts');
  const made = await debit(2_500);
  expect(made.status, made.text).toBe(201);
  const reference = made.json.attempts[0].provider_reference as string;
  const connectors = (await api('GET', '/v1/connectors')).json.data as Array<{
    id: string;
    provider: string;
    merchant: string;
  }>;
  const ach = connectors.find((c) => c.provider === 'ach')!;
  const connector = achConnector(hubTestDeps(t));
  const ctx = { merchantId: ach.merchant, ownerId: '', connectorId: ach.id, credentials: originator };
  // The next business day (Friday): the file of Thursday has gone out.
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
  await expect(connector.void(ctx, reference, 'late')).rejects.toMatchObject({
    code: 'invalid_state_transition',
  });
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 4 * 86_400 });
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 1 });
  expect(await available()).toBe(2_500);
  // Settled: no void either, and voiding twice on the day is one void (see the test above).
  await expect(connector.void(ctx, reference, 'settled')).rejects.toMatchObject({
    code: 'invalid_state_transition',
  });
});

it("applies a bank's return file, which totals the returned debit (26) with the debits", async () => {
  const made = await debit(12_500);
  expect(made.status, made.text).toBe(201);
  const trace = parseFile((await api('GET', '/v1/ach/files/2026-01-15')).text).batches[0]!.entries[0]!
    .trace_number;
  // Written by hand as the receiving bank (231380104's) sends it, not by formatFile: one 26 entry
  // of 125.00 back to the ODFI 091000019 with its R01 addenda; the batch and file controls count 2
  // records, hash 09100001, debits 12,500 and credits 0; 6 records padded to ten lines.
  const pad = (text: string, width: number) => text.padEnd(width, ' ');
  const lines = [
    `101 091000019 2313801042601160800A094101${pad('SLUICE SANDBOX ODFI', 23)}${pad('FIRST RDFI BANK', 23)}${pad('', 8)}`,
    `5225${pad('ACME COFFEE', 16)}${pad('', 20)}1234567890PPD${pad('RETURN', 10)}${pad('', 6)}260116   1231380100000001`,
    `626091000019${pad('12345678', 17)}0000012500${pad('', 15)}${pad('JANE DOE', 22)}  1231380100000001`,
    `799R01${trace}${pad('', 6)}23138010${pad('', 44)}231380100000001`,
    `82250000020009100001000000012500000000000000${'1234567890'}${' '.repeat(25)}231380100000001`,
    `9000001000001000000020009100001000000012500000000000000${' '.repeat(39)}`,
    ...Array.from({ length: 4 }, () => '9'.repeat(94)),
  ];
  const applied = await api('POST', '/v1/test-helpers/ach/returns', { file: lines.join('\n') });
  expect(applied.status, applied.text).toBe(200);
  expect(applied.json).toEqual({
    returned: [
      {
        trace_number: trace,
        return_code: 'R01',
        reference: expect.any(String),
        payment_intent: made.json.id,
      },
    ],
    ignored: [],
  });
  expect(await intent(made.json.id)).toMatchObject({
    status: 'failed',
    last_error: { code: 'bank_returned', return_code: 'R01' },
  });
  // The hold is voided: nothing pending, nothing available, nothing left to settle.
  const usd = (await api('GET', '/v1/balance')).json.balances.find(
    (b: { currency: string }) => b.currency === 'USD',
  );
  expect([usd?.available ?? 0, usd?.pending ?? 0]).toEqual([0, 0]);
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 5 * 86_400 });
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 0 });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { formatFile, parseFile } from '../server/src/hub/ach/nacha.ts';
import { returnFileFor } from '../server/src/hub/ach/test-support.ts';
import { newId } from '../server/src/kernel/ids.ts';
import { createTransfers } from '../server/src/ledger/index.ts';
import {
  asMerchant,
  createTestMerchant,
  paymentBody,
  pendingEvents,
  type MerchantApi,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { createTestApp, type TestApp } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import { storedItems } from './stored-items.ts';

/**
 * Merchant payouts to a bank: a CCD credit in the merchant's NACHA file of the business day (the
 * same file and code path as vendor payouts), settled T+2 on the ACH calendar, and reversed
 * exactly by a return. The harness clock starts on Thursday 2026-01-15; the funding advances the
 * sandbox clock two days to Saturday the 17th, so the payout goes out on Tuesday the 20th (Monday
 * the 19th is Martin Luther King Jr. Day) and settles on Thursday the 22nd.
 */

const account = {
  routing_number: '231380104',
  account_number: '000123456789',
  account_holder_name: 'Acme Coffee LLC',
};
const toBank = (amount: number) => ({ amount, currency: 'USD', destination: 'ach', bank_account: account });
let dir: string;
let t: TestApp;
let api: MerchantApi;
let merchant: TestMerchant;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-payouts-ach-'));
  t = createTestApp({ store: new SqliteStore(join(dir, 'sluice.db')) });
  merchant = await createTestMerchant(t, { rate_limit_per_minute: 100_000 });
  api = asMerchant(t, merchant);
  const connector = await api('POST', '/v1/connectors', {
    provider: 'ach',
    credentials: { company_name: 'Acme Coffee', company_id: '1234567890', odfi_routing_number: '091000019' },
  });
  expect(connector.status, connector.text).toBe(201);
  expect((await api('POST', '/v1/payments', paymentBody({ amount: 100_000 }))).status).toBe(201);
  expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 2 * 86_400 })).status).toBe(200);
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const available = async () =>
  (await api('GET', '/v1/balance')).json.balances.find((b: { currency: string }) => b.currency === 'USD')
    .available as number;
const payoutEvents = async (id: string) =>
  (await pendingEvents(t)).filter((e) => e.subject === id).map((e) => e.type);

it("pays out into the day's NACHA file as a CCD credit that reads back identically, settles at T+2, and a return reverses exactly it", async () => {
  const funded = await available();
  const first = await api('POST', '/v1/payouts', toBank(12_345));
  expect(first.status, first.text).toBe(201);
  expect(first.json).toMatchObject({
    status: 'in_transit',
    destination: 'ach',
    arrival_date: '2026-01-22',
    bank_account: { routing_number: '231380104', last4: '6789', account_holder_name: 'Acme Coffee LLC' },
    return_code: null,
  });
  expect(first.text).not.toContain('000123456789');
  const second = await api('POST', '/v1/payouts', toBank(5_000));
  expect(second.status, second.text).toBe(201);
  expect(await available()).toBe(funded - 12_345 - 5_000);

  // The file of the day: one CCD batch of the two credits, read back field for field and byte for byte.
  const download = await api('GET', '/v1/ach/files/2026-01-20');
  expect(download.status, download.text).toBe(200);
  const file = parseFile(download.text);
  expect(formatFile(file)).toBe(download.text);
  expect(file.batches).toHaveLength(1);
  expect(file.batches[0]!.header).toMatchObject({
    standard_entry_class: 'CCD',
    service_class_code: '220',
    company_identification: '1234567890',
    effective_entry_date: '260120',
  });
  expect(file.batches[0]!.entries).toEqual(
    [first.json, second.json].map((payout) => ({
      transaction_code: '22',
      routing_number: '231380104',
      account_number: '000123456789',
      amount: payout.amount,
      individual_id: payout.transfer.slice(-15),
      individual_name: 'ACME COFFEE LLC',
      discretionary_data: '',
      trace_number: payout.bank_account.trace_number,
    })),
  );
  // The account number is in the file only: sealed in the store, never in clear.
  expect(JSON.stringify(storedItems(join(dir, 'sluice.db')))).not.toContain('000123456789');

  // The bank sends the second back (R03, no such account) before it settles: its hold is voided.
  const returned = await api('POST', '/v1/test-helpers/ach/returns', {
    file: returnFileFor(file, [{ trace: second.json.bank_account.trace_number, code: 'R03' }]),
  });
  expect(returned.status, returned.text).toBe(200);
  expect(returned.json).toEqual({
    returned: [
      {
        trace_number: second.json.bank_account.trace_number,
        return_code: 'R03',
        reference: second.json.transfer,
        payment_intent: null,
      },
    ],
    ignored: [],
  });
  expect((await api('GET', `/v1/payouts/${second.json.id}`)).json).toMatchObject({
    status: 'returned',
    return_code: 'R03',
  });
  expect(await available()).toBe(funded - 12_345);

  // Not due before Thursday; then the first settles (paid) and the returned one stays returned.
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 0 });
  expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 5 * 86_400 })).status).toBe(200);
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 1 });
  expect((await api('GET', `/v1/payouts/${first.json.id}`)).json).toMatchObject({ status: 'paid' });
  expect(await available()).toBe(funded - 12_345);

  // A return after settlement (R02, account closed): the bank pays exactly it back.
  const late = await api('POST', '/v1/test-helpers/ach/returns', {
    file: returnFileFor(file, [{ trace: first.json.bank_account.trace_number, code: 'R02' }]),
  });
  expect(late.json.returned).toHaveLength(1);
  expect((await api('GET', `/v1/payouts/${first.json.id}`)).json).toMatchObject({
    status: 'returned',
    return_code: 'R02',
  });
  expect(await available()).toBe(funded);
  // A second delivery changes nothing.
  const again = await api('POST', '/v1/test-helpers/ach/returns', {
    file: returnFileFor(file, [{ trace: first.json.bank_account.trace_number, code: 'R02' }]),
  });
  expect(again.json).toEqual({ returned: [], ignored: [first.json.bank_account.trace_number] });
  expect(await available()).toBe(funded);

  expect(await payoutEvents(first.json.id)).toEqual(['payout.created', 'payout.paid', 'payout.returned']);
  expect(await payoutEvents(second.json.id)).toEqual(['payout.created', 'payout.returned']);
});

it('refuses an ach payout without a bank account, in another currency, or without an ach connector, writing nothing', async () => {
  const funded = await available();
  const missing = await api('POST', '/v1/payouts', { amount: 100, currency: 'USD', destination: 'ach' });
  expect(missing.status).toBe(400);
  expect(missing.json.error).toMatchObject({ param: 'bank_account' });
  const walletWithBank = await api('POST', '/v1/payouts', { ...toBank(100), destination: 'wallet' });
  expect(walletWithBank.status).toBe(400);
  expect(walletWithBank.json.error).toMatchObject({ param: 'bank_account' });
  const badRouting = await api('POST', '/v1/payouts', {
    ...toBank(100),
    bank_account: { ...account, routing_number: '123456789' },
  });
  expect(badRouting.status).toBe(400);
  expect(badRouting.json.error).toMatchObject({ param: 'bank_account.routing_number' });
  const euros = await api('POST', '/v1/payouts', { ...toBank(100), currency: 'EUR' });
  expect(euros.status).toBe(400);
  expect(euros.json.error).toMatchObject({ code: 'validation_failed', param: 'currency' });

  const connectors = (await api('GET', '/v1/connectors')).json.data as Array<{
    id: string;
    provider: string;
  }>;
  const ach = connectors.find((c) => c.provider === 'ach')!;
  expect((await api('DELETE', `/v1/connectors/${ach.id}`)).status).toBeLessThan(300);
  const noConnector = await api('POST', '/v1/payouts', toBank(100));
  expect(noConnector.status).toBe(400);
  expect(noConnector.json.error).toMatchObject({ code: 'unknown_connector', param: 'destination' });

  expect((await api('GET', '/v1/payouts')).json.data).toEqual([]);
  expect(await available()).toBe(funded);
});

it('keeps the bank account sealed in an approval request, showing its last 4', async () => {
  const owner = (method: string, path: string, body?: unknown) =>
    t.call(method, path, {
      token: merchant.owner.token,
      headers: { 'sluice-merchant': merchant.id },
      ...(body !== undefined ? { body } : {}),
    });
  expect((await owner('PUT', '/v1/approval-policies', { action: 'payout', approvals: 1 })).status).toBe(200);
  const requested = await owner('POST', '/v1/payouts', toBank(2_000));
  expect(requested.status, requested.text).toBe(202);
  expect(requested.json.summary).toBe('Payout of 20.00 USD to the bank account ending 6789');
  expect(requested.json.params.bank_account).toMatchObject({ last4: '6789', routing_number: '231380104' });
  expect(requested.text).not.toContain('000123456789');
  expect((await owner('GET', `/v1/approvals/${requested.json.id}`)).text).not.toContain('000123456789');
  expect(JSON.stringify(storedItems(join(dir, 'sluice.db')))).not.toContain('000123456789');
});

/** The balance transactions of the merchant's US dollars, newest first (one page). */
const history = async () =>
  (await api('GET', '/v1/balance/transactions?currency=USD&limit=20')).json.data as Array<{
    type: string;
    code: string;
    amount: number;
    source: string | null;
    payment: string | null;
    balance_after: number;
  }>;

it('names the payout as the source of its settled credit and of a return after settlement in the balance history', async () => {
  const payout = await api('POST', '/v1/payouts', toBank(12_345));
  expect(payout.status, payout.text).toBe(201);
  expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 5 * 86_400 })).status).toBe(200);
  // The history is in ledger time: each step a second after the one before, so its order is theirs.
  t.clock.advance(1_000);
  expect((await api('POST', '/v1/test-helpers/ach/settle')).json).toEqual({ settled: 1 });
  const [settled] = await history();
  expect(settled).toMatchObject({ type: 'payout', amount: -12_345, source: payout.json.id, payment: null });

  const file = parseFile((await api('GET', '/v1/ach/files/2026-01-20')).text);
  t.clock.advance(1_000);
  const late = await api('POST', '/v1/test-helpers/ach/returns', {
    file: returnFileFor(file, [{ trace: payout.json.bank_account.trace_number, code: 'R02' }]),
  });
  expect(late.json.returned).toHaveLength(1);
  const [returned, again] = await history();
  expect(returned).toMatchObject({
    type: 'adjustment',
    code: 'hub_ach_credit_return',
    amount: 12_345,
    source: payout.json.id,
    payment: null,
  });
  expect(again).toEqual(settled);
});

it('still lists a bank payout settled before its post named it: a payout, its amount and balance right, no source', async () => {
  const payout = await api('POST', '/v1/payouts', toBank(12_345));
  expect(payout.status, payout.text).toBe(201);
  t.clock.advance(1_000);
  // The hold posted as the hub posted it before its metadata named the payout (merchant and trace only).
  await createTransfers(t, [
    {
      kind: 'post_pending',
      id: newId('transfer'),
      pending_id: payout.json.transfer,
      metadata: { merchant: merchant.id, trace: payout.json.bank_account.trace_number },
    },
  ]);
  const listed = await history();
  expect(listed[0]).toMatchObject({
    type: 'payout',
    code: 'payout',
    amount: -12_345,
    source: null,
    payment: null,
  });
  expect(listed[0]!.balance_after).toBe(await available());
  expect(listed[1]).toMatchObject({ type: 'settlement', balance_after: listed[0]!.balance_after + 12_345 });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listHistory, systemAccountId } from '../server/src/ledger/index.ts';
import { cardMethod, setUpHubMerchant } from '../server/src/hub/test-support.ts';
import {
  asMerchant,
  createTestMerchant,
  type MerchantApi,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import { walletAccountId } from '../server/src/wallet/index.ts';
import type { Approval } from '../server/src/approvals/index.ts';
import { createVendorPayoutSchema } from '../server/src/hub/vendors-model.ts';
import { createVendorPayout, vendorPayoutExecutor } from '../server/src/hub/vendors-payouts.ts';
import { vendorDeps } from '../server/src/hub/vendors.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import { eventKey } from '../server/src/platform/outbox.ts';
import type { ModuleDeps } from '../server/src/platform/module.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import { createTestApp, type TestApp, type TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

/**
 * The cases of vendor payouts (`hub/vendors-payouts.ts`) that issue 23's mutation run found
 * unpinned: what a paid payout records and books (to a wallet, to a bank account), what each
 * refusal says and that it writes nothing, and the payouts list's paging and owner check.
 * SQLite only (hub-vendors.test.ts runs the payout paths on both stores).
 */

let t: TestApp;
let api: MerchantApi;
let merchant: TestMerchant;
beforeEach(async () => {
  t = createTestApp();
  ({ api, merchant } = await setUpHubMerchant(t, ['sandbox_card']));
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

async function vendor(name = 'Roaster', currency = 'USD'): Promise<string> {
  const created = await api('POST', '/v1/vendors', { name, currency });
  expect(created.status, created.text).toBe(201);
  return created.json.id;
}

/** A vendor with `available` settled to it from a card sale split. */
async function fundedVendor(available: number): Promise<string> {
  const id = await vendor();
  const paid = await api('POST', '/v1/payment-intents', {
    amount: available + 1000,
    currency: 'USD',
    payment_method: cardMethod(),
    splits: [{ vendor: id, amount: available }],
  });
  expect(paid.status, paid.text).toBe(201);
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
  await api('POST', '/v1/test-helpers/vendors/settle');
  return id;
}

/** What the bus and the approvals module hand the hub (the ports a payout uses). */
const moduleDeps = () =>
  ({
    store: t.store,
    clock: t.clock,
    config: t.config,
    identity: t.identity,
    logger: silentLogger,
  }) as unknown as ModuleDeps;
const deps = () => vendorDeps(moduleDeps());
const actor = () => ({ merchantId: merchant.id, ownerId: merchant.owner.id });

const availableOf = async (id: string) => (await api('GET', `/v1/vendors/${id}`)).json.balances[0].available;

/** The payout's entry on an account's ledger history (the payout shows no transfer id). */
async function payoutEntry(accountId: string, payoutId: string) {
  const page = await listHistory(t.store, accountId, { limit: 100 });
  return page.entries.find((entry) => entry.metadata.payout === payoutId);
}

async function walletUsd(user: TestUser): Promise<number> {
  const wallet = await t.call('GET', '/v1/wallet', { token: user.token });
  return wallet.json.balances?.find((b: { currency: string }) => b.currency === 'USD')?.available ?? 0;
}

const toWallet = (user: string, amount: number, currency = 'USD') => ({
  amount,
  currency,
  destination: { type: 'wallet', wallet: { user } },
});

const bankAccount = {
  routing_number: '011000015',
  account_number: '987654321',
  account_holder_name: 'Roaster',
};

async function connectAch() {
  const ach = await api('POST', '/v1/connectors', {
    provider: 'ach',
    credentials: { company_name: 'Acme', company_id: '1234567890', odfi_routing_number: '011000015' },
  });
  expect(ach.status, ach.text).toBe(201);
}

describe('vendor payouts (mutation cases)', () => {
  it('pays a wallet: the payout as recorded, the transfer from the vendor to the wallet, its event', async () => {
    const a = await fundedVendor(3000);
    const payee = await t.signUp('payee');
    const before = await walletUsd(payee);
    const paid = await api('POST', `/v1/vendors/${a}/payouts`, toWallet(payee.id, 1200));
    expect(paid.status, paid.text).toBe(201);
    expect(paid.json).toMatchObject({
      object: 'vendor_payout',
      vendor: a,
      amount: 1200,
      currency: 'USD',
      status: 'paid',
      created_at: new Date(t.clock.now()).toISOString(),
      destination: { type: 'wallet', wallet: { user: payee.id }, bank_account: null },
    });
    expect(await availableOf(a)).toBe(1800);
    expect(await walletUsd(payee)).toBe(before + 1200);
    expect(await payoutEntry(walletAccountId(payee.id, 'USD'), paid.json.id)).toMatchObject({
      direction: 'credit',
      amount: 1200,
      currency: 'USD',
      code: 'hub_vendor_payout',
      metadata: { vendor: a, payout: paid.json.id, merchant: paid.json.merchant },
    });
    const events = await api('GET', '/v1/events?type=vendor.payout.paid');
    expect(events.status, events.text).toBe(200);
    expect(events.json.data).toHaveLength(1);
    expect(events.json.data[0].data.object).toMatchObject({ id: paid.json.id, amount: 1200 });
    // Its audience is the merchant's owner (their dashboard's sockets).
    const stored = await t.store.get(eventKey(events.json.data[0].id));
    expect(stored?.event).toMatchObject({ subject: paid.json.id, audience: [merchant.owner.id] });
    const listed = await api('GET', `/v1/vendors/${a}/payouts`);
    expect(listed.json.data).toEqual([paid.json]);
  });

  it('says what is available when a payout asks more (402), writing nothing', async () => {
    const a = await fundedVendor(3000);
    const payee = await t.signUp('payee');
    const before = await walletUsd(payee);
    const refused = await api('POST', `/v1/vendors/${a}/payouts`, toWallet(payee.id, 3001));
    expect(refused.status).toBe(402);
    expect(refused.json.error).toMatchObject({
      code: 'insufficient_funds',
      message: "The vendor's available balance is 3000.",
      param: 'amount',
      available: 3000,
    });
    expect(await availableOf(a)).toBe(3000);
    expect(await walletUsd(payee)).toBe(before);
    expect((await api('GET', `/v1/vendors/${a}/payouts`)).json.data).toEqual([]);
    // All of it is payable.
    expect((await api('POST', `/v1/vendors/${a}/payouts`, toWallet(payee.id, 3000))).status).toBe(201);
    expect(await availableOf(a)).toBe(0);
  });

  it('refuses a wallet payout to an unknown user or of another currency than wallets hold, and ACH in euros', async () => {
    const a = await fundedVendor(3000);
    const unknown = await api('POST', `/v1/vendors/${a}/payouts`, toWallet('usr_nobody', 100));
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({
      code: 'validation_failed',
      message: 'No user usr_nobody.',
      param: 'destination.wallet.user',
    });
    await connectAch();
    const euro = await vendor('Patisserie', 'EUR');
    const payee = await t.signUp('payee');
    const toEuroWallet = await api('POST', `/v1/vendors/${euro}/payouts`, toWallet(payee.id, 100, 'EUR'));
    expect(toEuroWallet.status).toBe(400);
    expect(toEuroWallet.json.error).toMatchObject({
      code: 'validation_failed',
      message: 'Wallets hold USD; this vendor is paid in EUR.',
      param: 'destination.type',
    });
    const euroAch = await api('POST', `/v1/vendors/${euro}/payouts`, {
      amount: 100,
      currency: 'EUR',
      destination: { type: 'bank_account', bank_account: bankAccount },
    });
    expect(euroAch.status).toBe(400);
    expect(euroAch.json.error).toMatchObject({
      code: 'validation_failed',
      message: 'ACH pays US dollars only.',
      param: 'destination.type',
    });
    const wrongCurrency = await api('POST', `/v1/vendors/${a}/payouts`, toWallet(payee.id, 100, 'EUR'));
    expect(wrongCurrency.json.error).toMatchObject({
      code: 'validation_failed',
      message: `Vendor ${a} holds USD, not EUR.`,
      param: 'currency',
    });
    for (const id of [a, euro]) expect((await api('GET', `/v1/vendors/${id}/payouts`)).json.data).toEqual([]);
    expect(await availableOf(a)).toBe(3000);
  });

  it('pays a bank account: the payout shows the routing number, last four and trace, the money goes to the bank account', async () => {
    await connectAch();
    const a = await fundedVendor(3000);
    const paid = await api('POST', `/v1/vendors/${a}/payouts`, {
      amount: 1000,
      currency: 'USD',
      destination: { type: 'bank_account', bank_account: bankAccount },
    });
    expect(paid.status, paid.text).toBe(201);
    expect(paid.json).toMatchObject({
      status: 'paid',
      amount: 1000,
      destination: {
        type: 'bank_account',
        wallet: null,
        bank_account: { routing_number: '011000015', last4: '4321' },
      },
    });
    expect(paid.json.destination.bank_account.trace_number).toMatch(/^\d{15}$/);
    expect(await payoutEntry(systemAccountId('bank', 'USD'), paid.json.id)).toMatchObject({
      direction: 'credit',
      amount: 1000,
      code: 'hub_vendor_payout',
    });
    expect(await availableOf(a)).toBe(2000);
    // More than is left: refused with what is available, and no entry in the file.
    const day = new Date(t.clock.now() + 86_400_000).toISOString().slice(0, 10);
    const before = (await api('GET', `/v1/ach/files/${day}`)).text;
    const tooMuch = await api('POST', `/v1/vendors/${a}/payouts`, {
      amount: 2001,
      currency: 'USD',
      destination: { type: 'bank_account', bank_account: bankAccount },
    });
    expect(tooMuch.status).toBe(402);
    expect(tooMuch.json.error).toMatchObject({ code: 'insufficient_funds', param: 'amount' });
    expect((await api('GET', `/v1/ach/files/${day}`)).text).toBe(before);
    expect((await api('GET', `/v1/vendors/${a}/payouts`)).json.data).toHaveLength(1);
  });

  it("pages a vendor's payouts, and keeps them from another merchant", async () => {
    const a = await fundedVendor(3000);
    const payee = await t.signUp('payee');
    const ids: string[] = [];
    for (const amount of [100, 200]) {
      t.clock.advance(1000);
      ids.push((await api('POST', `/v1/vendors/${a}/payouts`, toWallet(payee.id, amount))).json.id);
    }
    const first = await api('GET', `/v1/vendors/${a}/payouts?limit=1`);
    expect(first.json.has_more).toBe(true);
    const second = await api(
      'GET',
      `/v1/vendors/${a}/payouts?limit=1&starting_after=${first.json.next_cursor}`,
    );
    expect(second.json.has_more).toBe(false);
    expect([...first.json.data, ...second.json.data].map((p: { id: string }) => p.id).sort()).toEqual(
      ids.sort(),
    );
    const other = asMerchant(t, await createTestMerchant(t));
    const stolen = await other('GET', `/v1/vendors/${a}/payouts`);
    expect(stolen.status).toBe(404);
  });

  it('records the payout it made on the approval that paid it, above the policy threshold', async () => {
    const a = await fundedVendor(3000);
    const payee = await t.signUp('payee');
    const asOwner = { token: merchant.owner.token, headers: { 'sluice-merchant': merchant.id } };
    const policy = await t.call('PUT', '/v1/approval-policies', {
      ...asOwner,
      body: { action: 'payout', threshold: 1000, approvals: 1 },
    });
    expect(policy.status, policy.text).toBe(200);
    const asked = await t.call('POST', `/v1/vendors/${a}/payouts`, {
      ...asOwner,
      body: toWallet(payee.id, 2000),
    });
    expect(asked.status, asked.text).toBe(202);

    const email = `approver-${Math.random().toString(36).slice(2, 10)}@example.com`;
    const invited = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
      token: merchant.owner.token,
      body: { email, role: 'approver' },
    });
    expect(invited.status, invited.text).toBe(201);
    const approver = await t.signUp('approver', email);
    const asApprover = { token: approver.token, headers: { 'sluice-merchant': merchant.id } };
    expect((await t.call('GET', '/v1/approvals', asApprover)).status).toBe(200);
    const approved = await t.call('POST', `/v1/approvals/${asked.json.id}/approve`, asApprover);
    expect(approved.status, approved.text).toBe(200);

    const payouts = (await api('GET', `/v1/vendors/${a}/payouts`)).json.data;
    expect(payouts).toMatchObject([{ amount: 2000, destination: { wallet: { user: payee.id } } }]);
    // The approver is answered with the payout made, as the stored request records it.
    expect(approved.json).toMatchObject({ status: 'executed', result: { vendor_payout: payouts[0].id } });
    const final = await t.call('GET', `/v1/approvals/${asked.json.id}`, asOwner);
    expect(final.json).toMatchObject({ status: 'executed', result: { vendor_payout: payouts[0].id } });
    expect(await availableOf(a)).toBe(1000);
  });

  it("passes on a refusal of the payout's transaction that is not the balance (its approval's mark lost a race): conflict, nothing paid", async () => {
    const a = await fundedVendor(3000);
    const payee = await t.signUp('payee');
    const before = await walletUsd(payee);
    // The approval's `executed` mark fails its condition as when another decision landed first.
    const lostMark = (): WriteOperation[] => [
      { type: 'check', key: { pk: 'approval#gone', sk: 'approval' }, condition: { attributeExists: 'pk' } },
    ];
    const input = createVendorPayoutSchema.parse(toWallet(payee.id, 1000));
    const refused = await createVendorPayout(deps(), actor(), a, input, lostMark).catch(
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: 'conflict' });
    expect(await availableOf(a)).toBe(3000);
    expect(await walletUsd(payee)).toBe(before);
    expect((await api('GET', `/v1/vendors/${a}/payouts`)).json.data).toEqual([]);
  });

  it('refuses an approved payout for a merchant that does not exist (not_found), paying nothing', async () => {
    const a = await fundedVendor(3000);
    const payee = await t.signUp('payee');
    const approval = {
      merchant: 'mer_gone',
      params: { vendor: a, ...toWallet(payee.id, 1000) },
    } as unknown as Approval;
    const refused = await vendorPayoutExecutor
      .execute(moduleDeps(), approval, () => [])
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'not_found', message: 'no merchant mer_gone' });
    expect(await availableOf(a)).toBe(3000);
  });
});

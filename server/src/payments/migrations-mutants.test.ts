import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import { derivedId } from '../kernel/ids.ts';
import { createAccount, createTransfers, getAccount, getTransfer } from '../ledger/index.ts';
import { grantBalanceFloor, merchantAccountId, negativeBalanceLimit } from './merchants.ts';
import { openBalanceFloors } from './migrations.ts';
import { paymentKeys } from './store/keys.ts';
import {
  asMerchant,
  createPayment,
  createTestMerchant,
  openAccountsTheOldWay,
  setUpMerchantApp,
  tearDownApp,
  type MerchantApi,
} from './test-support.ts';

/**
 * The negative-balance floor's grant (`grantBalanceFloor`) and payments migration 2
 * (`openBalanceFloors`) on SQLite (`migrations.test.ts` runs on DynamoDB Local too, which a
 * mutation run cannot afford per mutant): one grant per merchant and currency, a grant made before
 * with another floor left standing, the ledger's other refusals passed on, and the disputed
 * payments' status written across pages of disputes.
 */

let t: TestApp;
let api: MerchantApi;
beforeEach(async () => ({ t, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

const floorId = (merchantId: string, currency: string) =>
  derivedId('transfer', 0, `balance_floor:${merchantId}:${currency}`);
const floorShown = async (who: MerchantApi, currency: string) =>
  (await who('GET', '/v1/balance')).json.balances.find((b: { currency: string }) => b.currency === currency)
    ?.negative_balance_limit;

describe('the balance floor: granted once per merchant and currency', () => {
  it('grants each old merchant its own floor in each currency it trades in, naming the merchant', async () => {
    const first = await createTestMerchant(t);
    const second = await createTestMerchant(t);
    for (const [who, currency] of [
      [first, 'USD'],
      [first, 'EUR'],
      [second, 'USD'],
    ] as const)
      await openAccountsTheOldWay(t, who.id, currency);

    // The three old merchants' currencies (the test's own merchant has traded in none).
    expect((await openBalanceFloors(t)).changed).toBe(3);

    for (const [who, currency] of [
      [first, 'USD'],
      [first, 'EUR'],
      [second, 'USD'],
    ] as const) {
      expect(await floorShown(asMerchant(t, who), currency)).toBe(negativeBalanceLimit(currency));
      expect(await getTransfer(t, floorId(who.id, currency))).toMatchObject({
        debit_account_id: merchantAccountId(who.id, 'credit_line', currency),
        credit_account_id: merchantAccountId(who.id, 'available', currency),
        amount: negativeBalanceLimit(currency),
        metadata: { merchant: who.id },
      });
      expect(await getAccount(t, merchantAccountId(who.id, 'credit_line', currency))).toMatchObject({
        owner: who.id,
        code: 'merchant_credit_line',
      });
    }
  });

  it('leaves a floor granted before with another amount as it stands', async () => {
    const old = await createTestMerchant(t);
    await openAccountsTheOldWay(t, old.id, 'USD');
    await createAccount(t, {
      id: merchantAccountId(old.id, 'credit_line', 'USD'),
      currency: 'USD',
      owner: old.id,
      code: 'merchant_credit_line',
    });
    await createTransfers(t, [
      {
        id: floorId(old.id, 'USD'),
        debit_account_id: merchantAccountId(old.id, 'credit_line', 'USD'),
        credit_account_id: merchantAccountId(old.id, 'available', 'USD'),
        amount: 5_000,
        currency: 'USD',
        code: 'balance_floor',
      },
    ]);

    await grantBalanceFloor(t, old.id, 'USD');
    expect((await openBalanceFloors(t)).changed).toBe(1);

    expect(await floorShown(asMerchant(t, old), 'USD')).toBe(5_000);
  });

  it('passes on any other refusal of the grant: a merchant without accounts is not found', async () => {
    const bare = await createTestMerchant(t);
    await expect(grantBalanceFloor(t, bare.id, 'USD')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('payments migration 2: disputed payments get their dispute’s status', () => {
  it('writes every disputed payment’s status, past the first page of 100 disputes', async () => {
    const busy = await createTestMerchant(t, { rate_limit_per_minute: 100_000 });
    api = asMerchant(t, busy);
    const payments: string[] = [];
    const disputes: string[] = [];
    for (let i = 0; i < 101; i++) {
      const payment = await createPayment(api, { amount: 1_000 });
      const opened = await api('POST', '/v1/test-helpers/disputes', { payment });
      expect(opened.status).toBe(201);
      payments.push(payment);
      disputes.push(opened.json.id);
    }
    // The oldest (on the second page, newest first) and the newest are accepted: lost.
    for (const dispute of [disputes[0]!, disputes[100]!])
      expect((await api('POST', `/v1/disputes/${dispute}/accept`)).status).toBe(200);
    // As stored before the status was kept on the payment.
    for (const payment of payments)
      await t.store.transact([
        { type: 'update', key: paymentKeys.payment(payment), remove: ['dispute_status'] },
      ]);
    const shown = async (payment: string) =>
      (await api('GET', `/v1/payments/${payment}`)).json.dispute_status;
    expect(await shown(payments[0]!)).toBe('needs_response');

    // USD's floor (granted again: a replay) and the 101 disputes.
    expect((await openBalanceFloors(t)).changed).toBe(102);

    expect(await shown(payments[0]!)).toBe('lost');
    expect(await shown(payments[100]!)).toBe('lost');
    expect(await shown(payments[50]!)).toBe('needs_response');
    const stored = await t.store.get(paymentKeys.payment(payments[50]!));
    expect(stored?.dispute_status).toBe('needs_response');
  });
});

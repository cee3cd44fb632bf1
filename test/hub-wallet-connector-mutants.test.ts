import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp, TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';
import type { AuthorizeInput, ConnectorContext } from '../server/src/hub/connectors/connector.ts';
import { walletConnector, walletLedgerCodes } from '../server/src/hub/connectors/wallet.ts';
import { createHubTestApp } from '../server/src/hub/test-support.ts';
import { hubKeys } from '../server/src/hub/store.ts';
import { derivedId } from '../server/src/kernel/ids.ts';
import { maxAmount } from '../server/src/kernel/money.ts';
import {
  createAccount,
  createTransfers,
  getAccount,
  getTransfer,
  type TransferRequest,
} from '../server/src/ledger/index.ts';
import { ensureMerchantAccounts, merchantAccountId } from '../server/src/payments/index.ts';
import {
  createTestMerchant,
  interleave,
  writesItem,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import { walletAccountId } from '../server/src/wallet/index.ts';

/**
 * The wallet connector's own checks and transfers (`hub/connectors/wallet.ts`), called as the hub
 * calls them: whose payment it is, which states may be answered, captured, voided or refunded,
 * the transfers it writes (ids, codes, metadata), and a lost race. The hub refuses most of these
 * before they reach the connector; the connector refuses them itself too, as the recovery job and
 * `reconcile` call it directly.
 */

const bonus = 100_000;
let t: TestApp;
let merchant: TestMerchant;
let payer: TestUser;
let ctx: ConnectorContext;
let connector: ReturnType<typeof walletConnector>;
let sequence = 0;
beforeEach(async () => {
  t = createHubTestApp({}, { signupBonus: bonus });
  merchant = await createTestMerchant(t);
  payer = await t.signUp('payer');
  connector = walletConnector({ store: t.store, clock: t.clock, config: t.config, users: t.identity });
  ctx = { merchantId: merchant.id, ownerId: merchant.owner.id, connectorId: 'mca_test', credentials: {} };
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const input = (fields: Partial<AuthorizeInput> = {}): AuthorizeInput => ({
  amount: 2_500,
  currency: 'USD',
  payment_method: { type: 'wallet', wallet: { user: payer.id } },
  capture: false,
  idempotency_key: `key_${++sequence}`,
  intent: `pi_test_${sequence}`,
  ...fields,
});
/** Asked of the payer; its reference. */
async function ask(fields: Partial<AuthorizeInput> = {}): Promise<string> {
  const asked = await connector.authorize(ctx, input(fields));
  expect(asked).toMatchObject({ status: 'pending', amount_captured: 0, decline_code: null });
  return asked.reference;
}
/** Asked and approved: a hold (or, with `capture`, a sale). */
async function approved(fields: Partial<AuthorizeInput> = {}): Promise<string> {
  const reference = await ask(fields);
  await connector.approve(ctx, reference, payer.id);
  return reference;
}
const walletBalance = async () => {
  const account = await getAccount(t, walletAccountId(payer.id, 'USD'));
  return account!.credits_posted - account!.debits_posted - account!.debits_pending;
};
const createdAt = () => t.clock.now();

describe('the wallet connector: whose payment it is', () => {
  it("answers another merchant's wallet payment as not found, and another payer's answer too", async () => {
    const reference = await ask();
    const other = await createTestMerchant(t);
    const elsewhere = { ...ctx, merchantId: other.id, ownerId: other.owner.id };
    const notFound = { code: 'not_found', message: `no wallet payment ${reference}` };
    await expect(connector.status(elsewhere, reference)).rejects.toMatchObject(notFound);
    await expect(connector.approve(elsewhere, reference, payer.id)).rejects.toMatchObject(notFound);
    const stranger = await t.signUp('stranger');
    await expect(connector.approve(ctx, reference, stranger.id)).rejects.toMatchObject(notFound);
    await expect(connector.reject(ctx, reference, stranger.id)).rejects.toMatchObject(notFound);
    expect(await connector.status(ctx, reference)).toMatchObject({ status: 'pending' });
    expect(await getTransfer(t, reference)).toBeUndefined();
  });

  it('declines a payer who owns the merchant, or a currency the wallet does not hold, asking no one', async () => {
    const owner = { type: 'wallet' as const, wallet: { user: merchant.owner.id } };
    for (const asked of [
      await connector.authorize(ctx, input({ payment_method: owner })),
      await connector.authorize(ctx, input({ currency: 'EUR' })),
    ])
      expect(asked).toEqual({
        status: 'declined',
        reference: '',
        amount_captured: 0,
        decline_code: 'invalid_payment_method',
      });
  });

  it('refuses a card, and takes no credentials', async () => {
    const card = {
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' },
    };
    await expect(
      connector.authorize(ctx, input({ payment_method: card as AuthorizeInput['payment_method'] })),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'wallet takes wallet payments only',
      param: 'payment_method',
    });
    expect(connector.parseCredentials(undefined)).toBeNull();
    expect(connector.parseCredentials({})).toBeNull();
    // A number or an empty string has no keys: refused for not being an object.
    for (const raw of [{ key: 'x' }, null, 'secret', '', 5])
      expect(() => connector.parseCredentials(raw)).toThrow(
        expect.objectContaining({
          code: 'validation_failed',
          message: 'wallet takes no credentials',
          param: 'credentials',
        }),
      );
  });
});

describe('the wallet connector: the payer answers once', () => {
  it('answers a second approval, or a rejection after it, with the payment as it stands, moving nothing more', async () => {
    const reference = await approved({ capture: true });
    expect(await walletBalance()).toBe(bonus - 2_500);
    for (const answer of [connector.approve, connector.reject])
      expect(await answer(ctx, reference, payer.id)).toEqual({
        status: 'captured',
        reference,
        amount_captured: 2_500,
        decline_code: null,
      });
    expect(await walletBalance()).toBe(bonus - 2_500);
  });

  it('answers an approval after a rejection as declined, moving nothing', async () => {
    const reference = await ask({ capture: true });
    expect(await connector.reject(ctx, reference, payer.id)).toMatchObject({
      status: 'declined',
      decline_code: 'generic_decline',
    });
    expect(await connector.approve(ctx, reference, payer.id)).toMatchObject({
      status: 'declined',
      decline_code: 'generic_decline',
    });
    expect(await getTransfer(t, reference)).toBeUndefined();
  });

  it('writes the approval as one transfer from the payer to the merchant, naming both', async () => {
    const reference = await approved({ capture: true });
    expect(await getTransfer(t, reference)).toMatchObject({
      kind: 'posted',
      debit_account_id: walletAccountId(payer.id, 'USD'),
      credit_account_id: merchantAccountId(merchant.id, 'available', 'USD'),
      amount: 2_500,
      code: walletLedgerCodes.payment,
      metadata: { merchant: merchant.id, payer: payer.id },
    });
  });

  it('refuses the second of two answers given at once, as a conflict', async () => {
    const reference = await ask();
    const answers = await Promise.allSettled([
      connector.reject(ctx, reference, payer.id),
      connector.reject(ctx, reference, payer.id),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(answers.find((a) => a.status === 'rejected')).toMatchObject({
      reason: { code: 'conflict', message: `wallet payment ${reference} changed meanwhile` },
    });
  });
});

describe('the wallet connector: an approval the ledger refuses for another reason', () => {
  it('passes on an approval that lost its race to a rejection, not as a decline of its own', async () => {
    const reference = await ask({ capture: true });
    // The payer's rejection commits between the approval's read and its transfer.
    const race = interleave(
      t,
      (operations) => writesItem(operations, hubKeys.walletPayment(reference)),
      () => connector.reject(ctx, reference, payer.id),
    );
    await expect(connector.approve(ctx, reference, payer.id)).rejects.toMatchObject({
      code: 'conflict',
      message: 'the transfer conflicts with a concurrent change',
    });
    expect(race.count).toBe(1);
    // The rejection stands, nothing moved.
    expect(await connector.status(ctx, reference)).toMatchObject({
      status: 'declined',
      decline_code: 'generic_decline',
    });
    expect(await getTransfer(t, reference)).toBeUndefined();
    expect(await walletBalance()).toBe(bonus);
  });

  it('leaves the payment asked when the merchant’s account cannot take the amount, the payer’s funds aside', async () => {
    // The merchant's available balance a little short of the most the ledger holds exactly, in
    // linked groups of the largest transfers the ledger takes.
    await ensureMerchantAccounts(t, merchant.id, 'USD');
    await createAccount(t, { id: 'acc_fill', currency: 'USD', owner: 'test', code: 'test' });
    const available = merchantAccountId(merchant.id, 'available', 'USD');
    let left = Number.MAX_SAFE_INTEGER - 1_000 - (await getAccount(t, available))!.credits_posted;
    for (let n = 0; left > 0; ) {
      const group: TransferRequest[] = [];
      for (; left > 0 && group.length < 20; n += 1) {
        const amount = Math.min(left, maxAmount);
        group.push({
          id: `tr_fill_${n}`,
          debit_account_id: 'acc_fill',
          credit_account_id: available,
          amount,
          currency: 'USD',
          code: 'test',
        });
        left -= amount;
      }
      await createTransfers(t, group);
    }
    const reference = await ask({ capture: true });
    await expect(connector.approve(ctx, reference, payer.id)).rejects.toMatchObject({
      code: 'amount_exceeds_capacity',
      details: { account_id: available },
    });
    // Not a decline: the payer, who has the money, can still answer.
    expect(await connector.status(ctx, reference)).toEqual({
      status: 'pending',
      reference,
      amount_captured: 0,
      decline_code: null,
    });
    expect(await getTransfer(t, reference)).toBeUndefined();
    expect(await walletBalance()).toBe(bonus);
  });
});

describe('the wallet connector: capture, void, refund', () => {
  it('refuses to capture a payment the payer has not approved, or more than was held', async () => {
    const pending = await ask();
    await expect(connector.capture(ctx, pending, undefined, 'c1')).rejects.toMatchObject({
      code: 'invalid_state_transition',
      message: 'cannot capture a wallet payment that is pending',
    });
    const held = await approved();
    await expect(connector.capture(ctx, held, 2_501, 'c2')).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'at most 2500 can be captured',
      param: 'amount',
    });
    // All of it, when no amount is given; the capture's id is the hold's time and the caller's key.
    expect(await connector.capture(ctx, held, undefined, 'c3')).toMatchObject({
      status: 'captured',
      amount_captured: 2_500,
    });
    expect(await getTransfer(t, derivedId('transfer', createdAt(), 'c3'))).toMatchObject({
      kind: 'post_pending',
      pending_id: held,
      amount: 2_500,
    });
    expect(await walletBalance()).toBe(bonus - 2_500);
  });

  it('captures exactly what was held', async () => {
    const held = await approved();
    expect(await connector.capture(ctx, held, 2_500, 'all')).toMatchObject({
      status: 'captured',
      amount_captured: 2_500,
    });
  });

  it('refuses to void a captured payment', async () => {
    const sale = await approved({ capture: true });
    await expect(connector.void(ctx, sale, 'v')).rejects.toMatchObject({
      code: 'invalid_state_transition',
      message: 'cannot void a wallet payment that is captured',
    });
    expect(await walletBalance()).toBe(bonus - 2_500);
  });

  it('voids a hold under an id of its time and the caller’s key', async () => {
    const held = await approved();
    expect(await connector.void(ctx, held, 'v1')).toMatchObject({ status: 'voided', amount_captured: 0 });
    expect(await getTransfer(t, derivedId('transfer', createdAt(), 'v1'))).toMatchObject({
      kind: 'void_pending',
      pending_id: held,
    });
    expect(await walletBalance()).toBe(bonus);
  });

  it('refuses to refund a payment not captured, or more than is left of it', async () => {
    const held = await approved();
    await expect(connector.refund(ctx, held, 100, 'r0')).rejects.toMatchObject({
      code: 'invalid_state_transition',
      message: `cannot refund 100 of wallet payment ${held}`,
    });
    const sale = await approved({ capture: true });
    expect(await connector.refund(ctx, sale, 1_000, 'r1')).toEqual({
      reference: derivedId('transfer', createdAt(), 'r1'),
      amount: 1_000,
    });
    await expect(connector.refund(ctx, sale, 1_501, 'r2')).rejects.toMatchObject({
      code: 'invalid_state_transition',
      message: `cannot refund 1501 of wallet payment ${sale}`,
    });
    // Exactly what is left is refunded.
    await connector.refund(ctx, sale, 1_500, 'r3');
    expect(await connector.status(ctx, sale)).toMatchObject({ status: 'refunded', amount_captured: 2_500 });
    expect(await walletBalance()).toBe(bonus - 2_500 /* the hold */);
  });

  it('writes a refund as one transfer from the merchant back to the payer, naming the payment', async () => {
    const sale = await approved({ capture: true });
    const { reference } = await connector.refund(ctx, sale, 700, 'r');
    expect(await getTransfer(t, reference)).toMatchObject({
      debit_account_id: merchantAccountId(merchant.id, 'available', 'USD'),
      credit_account_id: walletAccountId(payer.id, 'USD'),
      amount: 700,
      code: walletLedgerCodes.refund,
      metadata: { merchant: merchant.id, payment: sale },
    });
    expect(await walletBalance()).toBe(bonus - 2_500 + 700);
  });

  it('answers a refund key used again, even for another amount, with the refund it made, and moves nothing more', async () => {
    const sale = await approved({ capture: true });
    const first = await connector.refund(ctx, sale, 700, 'same');
    expect(await connector.refund(ctx, sale, 800, 'same')).toEqual({
      reference: first.reference,
      amount: 700,
    });
    expect(await walletBalance()).toBe(bonus - 2_500 + 700);
  });
});

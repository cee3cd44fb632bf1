import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import { getAccount } from '../ledger/index.ts';
import { advanceMerchantClock, merchantAccountId } from './merchants.ts';
import { advanceClock, capturePayment, expireAuthorizations, voidPayment } from './transitions.ts';
import {
  createPayment,
  failNextWrite,
  interleave,
  paymentBody,
  pendingEvents,
  setUpMerchantApp,
  tearDownApp,
  writesItem,
  type MerchantApi,
  type TestMerchant,
} from './test-support.ts';

/**
 * Capture, void and expiry (`transitions.ts`) where the mutation run of issue 23 found them
 * untested: what each refusal says, and the race paths, reached deterministically: a competing
 * capture, void or expiry commits between the caller's read and its conditional write
 * (`interleave`, on the real store), or the write fails as a throttled store does.
 */

const weekSeconds = 7 * 24 * 3600;

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

const actor = () => ({ merchantId: merchant.id, ownerId: merchant.owner.id });
const paymentKey = (id: string) => ({ pk: `PAY#${id}`, sk: 'PAY' });
/** A transaction that moves the payment (its status or amounts). */
const movesPayment = (id: string) => (operations: Parameters<typeof writesItem>[0]) =>
  writesItem(operations, paymentKey(id));

function authorize(amount = 1_000): Promise<string> {
  return createPayment(api, { amount, capture: false });
}

/** The merchant's pending account: held (credits pending) and posted amounts. */
async function ledgerPending(): Promise<{ held: number; posted: number }> {
  const account = await getAccount(t, merchantAccountId(merchant.id, 'pending', 'USD'));
  return { held: account!.credits_pending, posted: account!.credits_posted - account!.debits_posted };
}

/**
 * Moves the merchant's test clock a week on without firing what fell due (as real time passing
 * does between sweeps): its authorizations' deadlines pass. (The harness clock stays, so the
 * outbox read for events stays short.)
 */
const passDeadlines = () => advanceMerchantClock(t, merchant.id, weekSeconds);

const sweep = () => expireAuthorizations({ store: t.store, clock: t.clock });

describe('capture and void: what a refusal says', () => {
  it('refuses a capture or void of a captured payment, naming its status', async () => {
    const id = await createPayment(api);
    for (const action of ['capture', 'void']) {
      const refused = await api('POST', `/v1/payments/${id}/${action}`);
      expect(refused.status).toBe(409);
      expect(refused.json.error).toMatchObject({ code: 'invalid_state_transition', status: 'succeeded' });
      expect(refused.json.error.message).toMatch(new RegExp(`^Cannot ${action} a payment that is succeeded`));
    }
  });

  it('refuses a capture or void of an authorization the sweep expired, saying it expired', async () => {
    const id = await authorize();
    const fired = await api('POST', '/v1/test-helpers/advance-clock', { seconds: weekSeconds });
    expect(fired.json.expired_payments).toEqual([id]);
    for (const action of ['capture', 'void']) {
      const refused = await api('POST', `/v1/payments/${id}/${action}`);
      expect(refused.status).toBe(409);
      expect(refused.json.error).toMatchObject({ code: 'payment_expired', status: 'canceled' });
      expect(refused.json.error.message).toMatch(
        new RegExp(`^Cannot ${action} a payment whose authorization expired\\.?$`),
      );
    }
  });

  it('expires an authorization it finds due, naming the deadline that passed', async () => {
    const authorized = (await api('POST', '/v1/payments', paymentBody({ amount: 1_000, capture: false })))
      .json;
    await passDeadlines();
    const refused = await api('POST', `/v1/payments/${authorized.id}/void`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'payment_expired', status: 'canceled' });
    expect(refused.json.error.message).toMatch(
      new RegExp(`^Cannot void a payment whose authorization expired at ${authorized.capture_before}`),
    );
    expect(await ledgerPending()).toEqual({ held: 0, posted: 0 });
  });

  it('says how much is capturable when asked for more', async () => {
    const id = await authorize(1_000);
    const refused = await api('POST', `/v1/payments/${id}/capture`, { amount: 1_001 });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: 'amount_too_large', param: 'amount' });
    expect(refused.json.error.message).toMatch(/^Cannot capture 1001: at most 1000 is capturable/);
  });
});

describe('capture, void and expiry: lost races', () => {
  it('refuses a capture a void overtook as what the payment now is, and a void a capture overtook', async () => {
    const voided = await authorize();
    const voiding = interleave(t, movesPayment(voided), () => voidPayment(t, actor(), voided));
    const capture = await api('POST', `/v1/payments/${voided}/capture`);
    expect(voiding.count).toBe(1);
    expect(capture.status).toBe(409);
    expect(capture.json.error).toMatchObject({ code: 'invalid_state_transition', status: 'canceled' });
    expect(capture.json.error.message).toMatch(/^Cannot capture a payment that is canceled/);

    const captured = await authorize();
    const capturing = interleave(t, movesPayment(captured), () =>
      capturePayment(t, actor(), captured, undefined),
    );
    const voidCall = await api('POST', `/v1/payments/${captured}/void`);
    expect(capturing.count).toBe(1);
    expect(voidCall.status).toBe(409);
    expect(voidCall.json.error).toMatchObject({ code: 'invalid_state_transition', status: 'succeeded' });
    expect(voidCall.json.error.message).toMatch(/^Cannot void a payment that is succeeded/);
    expect(await ledgerPending()).toEqual({ held: 0, posted: 1_000 });
  });

  it('refuses a capture the expiry sweep overtook as expired', async () => {
    const id = await authorize();
    const expiring = interleave(t, movesPayment(id), () => advanceClock(t, merchant.id, weekSeconds));
    const capture = await api('POST', `/v1/payments/${id}/capture`);
    expect(expiring.count).toBe(1);
    expect(capture.status).toBe(409);
    expect(capture.json.error).toMatchObject({ code: 'payment_expired', status: 'canceled' });
    expect(capture.json.error.message).toMatch(/^Cannot capture a payment whose authorization expired\.?$/);
    expect(await ledgerPending()).toEqual({ held: 0, posted: 0 });
  });

  it('refuses a capture whose own expiry of a due authorization the sweep overtook, as expired', async () => {
    const id = await authorize();
    await passDeadlines();
    const expiring = interleave(t, movesPayment(id), sweep);
    const capture = await api('POST', `/v1/payments/${id}/capture`);
    expect(expiring.count).toBe(1);
    expect(capture.status).toBe(409);
    // Said from the payment as read again, without the deadline the capture's own expiry names.
    expect(capture.json.error).toMatchObject({ code: 'payment_expired', status: 'canceled' });
    expect(capture.json.error.message).toMatch(/^Cannot capture a payment whose authorization expired\.?$/);
    expect((await pendingEvents(t)).filter((e) => e.type === 'payment.expired')).toHaveLength(1);
  });

  it('skips, in the sweep, an authorization another sweep expired first', async () => {
    const id = await authorize();
    await passDeadlines();
    const competing: number[] = [];
    const expiring = interleave(t, movesPayment(id), async () => competing.push(await sweep()));
    expect(await sweep()).toBe(0);
    expect(expiring.count).toBe(1);
    expect(competing).toEqual([1]);
    expect((await api('GET', `/v1/payments/${id}`)).json).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'expired',
    });
    expect((await pendingEvents(t)).filter((e) => e.type === 'payment.expired')).toHaveLength(1);
  });
});

describe('capture, void and expiry: a failed write is passed on, not taken for a lost race', () => {
  const throttled = { name: 'ProvisionedThroughputExceededException' };

  it('for a capture, a void, and the expiry a capture makes', async () => {
    const id = await authorize();
    failNextWrite(t, movesPayment(id));
    await expect(capturePayment(t, actor(), id, undefined)).rejects.toMatchObject(throttled);
    failNextWrite(t, movesPayment(id));
    await expect(voidPayment(t, actor(), id)).rejects.toMatchObject(throttled);
    await passDeadlines();
    failNextWrite(t, movesPayment(id));
    await expect(capturePayment(t, actor(), id, undefined)).rejects.toMatchObject(throttled);
    // Nothing was written: the authorization still holds its amount.
    expect((await api('GET', `/v1/payments/${id}`)).json.status).toBe('requires_capture');
    expect(await ledgerPending()).toEqual({ held: 1_000, posted: 0 });
  });

  it('for the expiry sweep', async () => {
    const id = await authorize();
    await passDeadlines();
    failNextWrite(t, movesPayment(id));
    await expect(sweep()).rejects.toMatchObject(throttled);
    expect(await sweep()).toBe(1);
  });
});

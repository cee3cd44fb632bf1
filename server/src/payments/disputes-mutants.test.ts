import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import { getAccount, listHistory, systemAccountId } from '../ledger/index.ts';
import type { WriteOperation } from '../platform/store.ts';
import { moduleDepsFor } from '../../../test/app-harness.ts';
import type { EventEnvelope } from '../kernel/events.ts';
import { matchesPattern } from '../platform/event-pattern.ts';
import { acceptDispute, disputeCardCaptured, openDispute, submitDisputeEvidence } from './disputes.ts';
import { paymentsModule } from './index.ts';
import { disputeFee, settlementFeeFor } from './model.ts';
import { createRefund } from './refunds.ts';
import {
  card,
  failNextRead,
  failNextWrite,
  interleave,
  writesItem,
  paymentBody,
  pendingEvents,
  setUpMerchantApp,
  tearDownApp,
  type MerchantApi,
  type TestMerchant,
  createPayment,
} from './test-support.ts';

/**
 * Disputes (`disputes.ts`) where the mutation run of issue 23 found them untested: what a
 * dispute records, what each refusal says, the evidence deadline to the millisecond, races
 * between opens, answers and acceptances, and where a closed dispute's money goes.
 */

const dayMs = 24 * 3600 * 1000;
const disputeCard = '4000000000000259';

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

async function charge(amount = 5_000, extra: Record<string, unknown> = {}): Promise<string> {
  return createPayment(api, { amount, ...extra });
}

async function open(payment: string, reason?: string) {
  return api('POST', '/v1/test-helpers/disputes', { payment, ...(reason ? { reason } : {}) });
}

async function posted(accountId: string): Promise<number> {
  const account = await getAccount(t, accountId);
  return account ? account.credits_posted - account.debits_posted : 0;
}

const merchantAccount = (purpose: string) => `acct_m_${merchant.id}_${purpose}_USD`;

async function available(): Promise<number> {
  return (await api('GET', '/v1/balance')).json.balances[0].available;
}

describe('disputes: opening', () => {
  it('records what the payment still holds, the fee, the reason and a deadline 7 sandbox days out', async () => {
    const id = await charge(5_000);
    expect((await api('POST', '/v1/refunds', { payment: id, amount: 1_200 })).status).toBe(201);
    const opened = await open(id, 'duplicate');
    expect(opened.status).toBe(201);
    const sandbox = t.clock.now();
    expect(opened.json).toMatchObject({
      object: 'dispute',
      merchant: merchant.id,
      payment: id,
      amount: 3_800,
      fee: disputeFee,
      currency: 'USD',
      reason: 'duplicate',
      status: 'needs_response',
      evidence: null,
      closed_at: null,
      created_at: new Date(sandbox).toISOString(),
      evidence_due_by: new Date(sandbox + 7 * dayMs).toISOString(),
    });
    expect(opened.json.id).toMatch(/^dp_/);
    expect((await open(await charge(1_000))).json.reason).toBe('fraudulent');
    // The amount left the merchant's pending balance for its disputes account; the fee is owed.
    expect(await posted(merchantAccount('disputes'))).toBe(3_800 + 1_000);
    expect(await posted(merchantAccount('fees'))).toBe(-2 * disputeFee);
    const created = (await pendingEvents(t)).filter((event) => event.type === 'dispute.created');
    expect(created.map((event) => (event.data.object as { id: string }).id)).toContain(opened.json.id);
  });

  it('refuses, naming why, a payment unknown, not succeeded, fully refunded or already disputed', async () => {
    const unknown = await open('pay_nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'not_found', param: 'payment' });
    expect(unknown.json.error.message).toMatch(/^No payment pay_nope/);

    const held = await charge(1_000, { capture: false });
    const notCaptured = await open(held);
    expect(notCaptured.status).toBe(409);
    expect(notCaptured.json.error).toMatchObject({
      code: 'invalid_state_transition',
      status: 'requires_capture',
    });
    expect(notCaptured.json.error.message).toMatch(/^Cannot dispute a payment that is requires_capture\.?$/);

    const refunded = await charge(1_000);
    expect((await api('POST', '/v1/refunds', { payment: refunded })).status).toBe(201);
    const nothingLeft = await open(refunded);
    expect(nothingLeft.status).toBe(409);
    expect(nothingLeft.json.error).toMatchObject({ code: 'invalid_state_transition', status: 'succeeded' });
    expect(nothingLeft.json.error.message).toMatch(
      /^Cannot dispute a payment that is succeeded and fully refunded/,
    );

    const disputed = await charge(1_000);
    expect((await open(disputed)).status).toBe(201);
    const twice = await open(disputed);
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toMatch(new RegExp(`^Payment ${disputed} is already disputed`));
    expect(await posted(merchantAccount('disputes'))).toBe(1_000);
  });

  it('opens one dispute from concurrent requests, charging its fee once', async () => {
    const id = await charge(2_000);
    const responses = await Promise.all(Array.from({ length: 5 }, () => open(id)));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = responses.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.status)).toEqual([409, 409, 409, 409]);
    for (const r of refused) expect(r.json.error.code).toBe('invalid_state_transition');
    expect(await posted(merchantAccount('disputes'))).toBe(2_000);
    expect(await posted(merchantAccount('fees'))).toBe(-disputeFee);
  });

  it('names the dispute it refuses beyond the balance floor', async () => {
    const id = await charge(400_000);
    const fired = await api('POST', '/v1/test-helpers/advance-clock', { seconds: 12 * 3600 + 1 });
    expect(fired.json.settlements).toHaveLength(1);
    expect(await available()).toBe(400_000 - settlementFeeFor(400_000));
    // The dispute would take 4,000.00 from 3,883.70: past the −100.00 floor.
    const refused = await open(id);
    expect(refused.status).toBe(402);
    expect(refused.json.error.code).toBe('balance_insufficient');
    expect(refused.json.error.message).toMatch(/^Disputing 400000 would take your available balance/);
  });

  it('disputes a dispute-card payment when it is captured later, once', async () => {
    const held = await api(
      'POST',
      '/v1/payments',
      paymentBody({ amount: 3_000, capture: false, card: card(disputeCard) }),
    );
    expect(held.status).toBe(201);
    expect(held.json.dispute).toBeNull();
    const captured = await api('POST', `/v1/payments/${held.json.id}/capture`);
    expect(captured.status).toBe(200);
    const payment = (await api('GET', `/v1/payments/${held.json.id}`)).json;
    expect(payment).toMatchObject({ display_status: 'disputed', dispute_status: 'needs_response' });
    expect((await api('GET', '/v1/disputes')).json.data).toHaveLength(1);
  });
});

describe('disputes: answering and closing', () => {
  it('takes evidence until just before the deadline, not at it', async () => {
    const early = (await open(await charge(1_000))).json;
    const late = (await open(await charge(1_000))).json;
    // The real clock moves the sandbox clock too, without firing the deadline sweep.
    t.clock.advance(7 * dayMs - 1);
    const inTime = await api('POST', `/v1/disputes/${early.id}/evidence`, { text: 'receipt' });
    expect(inTime.status).toBe(200);
    expect(inTime.json).toMatchObject({
      status: 'under_review',
      evidence: { text: 'receipt', submitted_at: new Date(t.clock.now()).toISOString() },
    });
    t.clock.advance(1);
    const atDeadline = await api('POST', `/v1/disputes/${late.id}/evidence`, { text: 'receipt' });
    expect(atDeadline.status).toBe(409);
    expect(atDeadline.json.error).toMatchObject({
      code: 'invalid_state_transition',
      status: 'needs_response',
    });
    expect(atDeadline.json.error.message).toMatch(/^The evidence was due by /);
  });

  it('says why evidence or an acceptance is refused', async () => {
    const dispute = (await open(await charge(1_000))).json;
    expect((await api('POST', `/v1/disputes/${dispute.id}/evidence`, { text: 'a' })).status).toBe(200);
    const again = await api('POST', `/v1/disputes/${dispute.id}/evidence`, { text: 'b' });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 'invalid_state_transition', status: 'under_review' });
    expect(again.json.error.message).toMatch(/^Cannot submit evidence for a dispute that is under_review/);
    const accept = await api('POST', `/v1/disputes/${dispute.id}/accept`);
    expect(accept.status).toBe(409);
    expect(accept.json.error.message).toMatch(/^Cannot accept a dispute that is under_review/);
  });

  it('takes evidence once and accepts once when requests race', async () => {
    const answered = (await open(await charge(1_000))).json;
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        api('POST', `/v1/disputes/${answered.id}/evidence`, { text: `receipt ${i}` }),
      ),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of answers.filter((r) => r.status !== 200)) {
      expect(r.status).toBe(409);
      expect(r.json.error.code).toBe('invalid_state_transition');
    }

    const accepted = (await open(await charge(2_000))).json;
    const accepts = await Promise.all(
      Array.from({ length: 4 }, () => api('POST', `/v1/disputes/${accepted.id}/accept`)),
    );
    expect(accepts.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of accepts.filter((r) => r.status !== 200)) {
      expect(r.status).toBe(409);
      expect(r.json.error.code).toBe('invalid_state_transition');
    }
    // Lost once: the 2,000 went to the card network, and only the 1,000 still in dispute remains.
    expect(await posted(merchantAccount('disputes'))).toBe(1_000);
  });

  it('returns a won dispute to the available balance and sends a lost one to the card network, each listed as such', async () => {
    const won = (await open(await charge(3_000))).json;
    const lost = (await open(await charge(2_000))).json;
    expect((await api('POST', `/v1/disputes/${won.id}/evidence`, { text: 'receipt' })).status).toBe(200);
    const network = systemAccountId('card_network', 'USD');
    const networkBefore = await posted(network);

    const fired = await api('POST', '/v1/test-helpers/advance-clock', { seconds: 8 * 24 * 3600 });
    expect([...fired.json.closed_disputes].sort()).toEqual([won.id, lost.id].sort());
    const closedAt = fired.json.sandbox_time;
    expect((await api('GET', `/v1/disputes/${won.id}`)).json).toMatchObject({
      status: 'won',
      closed_at: closedAt,
    });
    expect((await api('GET', `/v1/disputes/${lost.id}`)).json).toMatchObject({
      status: 'lost',
      closed_at: closedAt,
    });
    expect(await posted(merchantAccount('disputes'))).toBe(0);
    expect((await posted(network)) - networkBefore).toBe(2_000);
    const history = (await api('GET', '/v1/balance/transactions')).json.data as Array<
      Record<string, unknown>
    >;
    expect(history.find((entry) => entry.source === won.id)).toMatchObject({
      type: 'dispute_won',
      amount: 3_000,
      payment: won.payment,
      created_at: closedAt,
      sandbox_time: true,
    });
    const closed = (await pendingEvents(t)).filter((event) => event.type === 'dispute.closed');
    expect(closed.map((event) => (event.data.object as { status: string }).status).sort()).toEqual([
      'lost',
      'won',
    ]);
    // A second sweep closes nothing.
    expect(
      (await api('POST', '/v1/test-helpers/advance-clock', { seconds: 60 })).json.closed_disputes,
    ).toEqual([]);
  });
});

describe('disputes: lost races and failed store calls', () => {
  const actor = () => ({ merchantId: merchant.id, ownerId: merchant.owner.id });
  const disputeKey = (id: string) => ({ pk: `DP#${id}`, sk: 'DP' });
  const paymentKey = (id: string) => ({ pk: `PAY#${id}`, sk: 'PAY' });
  /** The transaction that opens a dispute: it puts the dispute item. */
  const opensDispute = (operations: WriteOperation[]) =>
    operations.some((op) => op.type === 'put' && String(op.item.pk).startsWith('DP#'));
  /** The payments module's subscriber, as the bus runs it (at least once per event). */
  const deliver = (event: EventEnvelope) => {
    const subscription = paymentsModule.subscriptions!.find(
      (s) => s.name === 'payments.dispute-card-dispute',
    )!;
    return subscription.handler(moduleDepsFor(t, []))(event);
  };
  /** The `payment.captured` events of `payments` the subscription's pattern selects, in that order. */
  const disputeCardEvents = async (payments: string[]) => {
    const events = (await pendingEvents(t)).filter((e) => matchesPattern(disputeCardCaptured, e));
    return payments.map((id) => events.find((e) => e.subject === id));
  };

  it('refuses an open that a refund overtook, saying the payment changed, and moves nothing for it', async () => {
    const id = await charge(2_000);
    const racing = interleave(t, opensDispute, () => createRefund(t, actor(), { payment: id, amount: 500 }));
    const refused = await open(id);
    expect(racing.count).toBe(1);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'invalid_state_transition', status: 'succeeded' });
    expect(refused.json.error.message).toMatch(
      new RegExp(`^Payment ${id} changed while the dispute was opened`),
    );
    expect(await posted(merchantAccount('disputes'))).toBe(0);
    expect(await posted(merchantAccount('fees'))).toBe(0);
  });

  it("opens the dispute card's dispute as fraudulent, and still captures when another opened it first", async () => {
    const scripted = await charge(3_000, { card: card(disputeCard) });
    const dispute = (await api('GET', '/v1/disputes')).json.data[0];
    expect(dispute).toMatchObject({ payment: scripted, reason: 'fraudulent' });

    const held = await charge(3_000, { capture: false, card: card(disputeCard) });
    // The test-helpers route disputes it between the capture's commit and the card's own dispute.
    const racing = interleave(t, opensDispute, () => openDispute(t, actor(), held, 'duplicate'));
    const captured = await api('POST', `/v1/payments/${held}/capture`);
    expect(racing.count).toBe(1);
    expect(captured.status).toBe(200);
    expect(captured.json.status).toBe('succeeded');
    const disputes = (await api('GET', '/v1/disputes')).json.data as Array<{
      payment: string;
      reason: string;
    }>;
    expect(disputes.filter((d) => d.payment === held).map((d) => d.reason)).toEqual(['duplicate']);
  });

  it('answers evidence that an acceptance overtook with what the dispute now is', async () => {
    const dispute = (await open(await charge(1_000))).json;
    const racing = interleave(
      t,
      (operations) => writesItem(operations, disputeKey(dispute.id)),
      () => acceptDispute(t, actor(), dispute.id),
    );
    const refused = await api('POST', `/v1/disputes/${dispute.id}/evidence`, { text: 'receipt' });
    expect(racing.count).toBe(1);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'invalid_state_transition', status: 'lost' });
    expect(refused.json.error.message).toMatch(/^Cannot submit evidence for a dispute that is lost/);
  });

  it('answers an acceptance that evidence overtook with what the dispute now is, and moves nothing for it', async () => {
    const dispute = (await open(await charge(1_000))).json;
    const racing = interleave(
      t,
      (operations) => writesItem(operations, disputeKey(dispute.id)),
      () => submitDisputeEvidence(t, actor(), dispute.id, 'receipt'),
    );
    const refused = await api('POST', `/v1/disputes/${dispute.id}/accept`);
    expect(racing.count).toBe(1);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'invalid_state_transition', status: 'under_review' });
    expect(refused.json.error.message).toMatch(/^Cannot accept a dispute that is under_review/);
    expect(await posted(merchantAccount('disputes'))).toBe(1_000);
  });

  it('books a lost dispute as lost and a won one as won in the ledger', async () => {
    const lost = (await open(await charge(1_000))).json;
    const won = (await open(await charge(2_000))).json;
    expect((await api('POST', `/v1/disputes/${lost.id}/accept`)).status).toBe(200);
    expect((await api('POST', `/v1/disputes/${won.id}/evidence`, { text: 'receipt' })).status).toBe(200);
    expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 8 * 24 * 3600 })).status).toBe(
      200,
    );
    const history = await listHistory(t.store, merchantAccount('disputes'), { limit: 10 });
    const closing = history.entries.filter((entry) => entry.direction === 'debit');
    expect(closing.map((entry) => [entry.metadata.dispute, entry.code]).sort()).toEqual(
      [
        [lost.id, 'dispute_lost'],
        [won.id, 'dispute_won'],
      ].sort(),
    );
  });

  it('answers an unknown dispute id with 404 naming it', async () => {
    const missing = await api('GET', '/v1/disputes/dp_nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'not_found', param: 'id' });
    expect(missing.json.error.message).toMatch(/^No dispute dp_nope/);
  });

  it('passes on a failed read of the payment instead of calling it unknown', async () => {
    const id = await charge(1_000);
    failNextRead(t, paymentKey(id));
    await expect(openDispute(t, actor(), id)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(await posted(merchantAccount('disputes'))).toBe(0);
  });

  it("answers a dispute-card capture whose dispute's write failed as captured, and the captured event's subscriber opens the dispute", async () => {
    const held = await charge(3_000, { capture: false, card: card(disputeCard) });
    failNextWrite(t, opensDispute);
    const captured = await api('POST', `/v1/payments/${held}/capture`);
    expect(captured.status, captured.text).toBe(200);
    expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 3_000 });
    expect((await api('GET', `/v1/payments/${held}`)).json).toMatchObject({ dispute: null });
    expect(await posted(merchantAccount('disputes'))).toBe(0);
    // The same at creation (capture: true): 201, the payment captured, undisputed for now.
    failNextWrite(t, opensDispute);
    const charged = await api(
      'POST',
      '/v1/payments',
      paymentBody({ amount: 2_000, card: card(disputeCard) }),
    );
    expect(charged.status, charged.text).toBe(201);
    expect(charged.json).toMatchObject({ status: 'succeeded', dispute: null });

    // The subscriber's own failed write is passed on (the outbox delivers the event again).
    const [heldEvent, chargedEvent] = await disputeCardEvents([held, charged.json.id]);
    failNextWrite(t, opensDispute);
    await expect(deliver(heldEvent!)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    await deliver(heldEvent!);
    await deliver(chargedEvent!);
    await deliver(heldEvent!);
    for (const id of [held, charged.json.id]) {
      expect((await api('GET', `/v1/payments/${id}`)).json).toMatchObject({
        display_status: 'disputed',
        dispute_status: 'needs_response',
      });
    }
    const disputes = (await api('GET', '/v1/disputes')).json.data as Array<{
      payment: string;
      reason: string;
    }>;
    expect(disputes.map((d) => [d.payment, d.reason]).sort()).toEqual(
      [
        [held, 'fraudulent'],
        [charged.json.id, 'fraudulent'],
      ].sort(),
    );
    expect(await posted(merchantAccount('disputes'))).toBe(5_000);
    expect(await posted(merchantAccount('fees'))).toBe(-2 * disputeFee);
  });

  it('answers 200 to a dispute-card capture whose dispute a settlement landing first leaves beyond the floor, and its subscriber opens the dispute once funds allow', async () => {
    const held = await charge(400_000, { capture: false, card: card(disputeCard) });
    // The day's settlement commits between the capture and the dispute: the open loses its race,
    // and again on the payment now settled, the dispute would take 4,000.00 from 3,883.70.
    const settling = interleave(t, opensDispute, () =>
      api('POST', '/v1/test-helpers/advance-clock', { seconds: 12 * 3600 + 1 }),
    );
    const captured = await api('POST', `/v1/payments/${held}/capture`);
    expect(settling.count).toBe(1);
    expect(captured.status, captured.text).toBe(200);
    expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 400_000 });
    const settled = (await api('GET', `/v1/payments/${held}`)).json;
    expect(settled).toMatchObject({ dispute: null });
    expect(settled.settlement).toMatch(/^stl_/);
    expect(await available()).toBe(400_000 - settlementFeeFor(400_000));

    // Delivered now, the subscriber is refused the same way: it throws, and the outbox retries.
    const [event] = await disputeCardEvents([held]);
    // Once: a refusal for funds is not a lost race, tried again at once (counted, nothing interleaved).
    const tries = interleave(t, opensDispute, async () => {}, 10);
    await expect(deliver(event!)).rejects.toMatchObject({ code: 'balance_insufficient' });
    expect(tries.count).toBe(1);
    expect(await posted(merchantAccount('disputes'))).toBe(0);
    // Another day's settlement adds enough; the next delivery opens it, the one after changes nothing.
    await charge(20_000);
    expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: dayMs / 1000 })).status).toBe(200);
    const funded = await available();
    await deliver(event!);
    await deliver(event!);
    expect((await api('GET', `/v1/payments/${held}`)).json).toMatchObject({ display_status: 'disputed' });
    expect(await available()).toBe(funded - 400_000);
    expect((await api('GET', '/v1/disputes')).json.data).toHaveLength(1);
    expect(await posted(merchantAccount('fees'))).toBe(-disputeFee);
  });

  it("opens the dispute card's dispute again on the payment as a refund left it, up to five lost races, then leaves it to the next delivery", async () => {
    const held = await charge(3_000, { capture: false, card: card(disputeCard) });
    const refund = () => createRefund(t, actor(), { payment: held, amount: 100 });
    // The capture's own open loses to a refund once, then opens it for what the payment holds.
    const once = interleave(t, opensDispute, refund);
    expect((await api('POST', `/v1/payments/${held}/capture`)).status).toBe(200);
    expect(once.count).toBe(1);
    const first = (await api('GET', '/v1/disputes')).json.data as Array<{ payment: string; amount: number }>;
    expect(first).toMatchObject([{ payment: held, amount: 2_900 }]);

    const other = await charge(3_000, { capture: false, card: card(disputeCard) });
    const refundOther = () => createRefund(t, actor(), { payment: other, amount: 100 });
    // Five lost races in the capture: captured (200), undisputed.
    const five = interleave(t, opensDispute, refundOther, 5);
    expect((await api('POST', `/v1/payments/${other}/capture`)).status).toBe(200);
    expect(five.count).toBe(5);
    expect((await api('GET', `/v1/payments/${other}`)).json).toMatchObject({
      dispute: null,
      amount_refunded: 500,
    });
    // The subscriber losing five as well throws (delivered again later), and opens it on the next.
    const [event] = await disputeCardEvents([other]);
    const again = interleave(t, opensDispute, refundOther, 5);
    await expect(deliver(event!)).rejects.toMatchObject({ code: 'invalid_state_transition' });
    expect(again.count).toBe(5);
    expect((await api('GET', `/v1/payments/${other}`)).json).toMatchObject({
      dispute: null,
      amount_refunded: 1_000,
    });
    await deliver(event!);
    const disputes = (await api('GET', '/v1/disputes')).json.data as Array<{
      payment: string;
      amount: number;
    }>;
    expect(disputes.find((d) => d.payment === other)).toMatchObject({ amount: 2_000 });
    expect(await posted(merchantAccount('disputes'))).toBe(2_900 + 2_000);
  });

  it('leaves other cards and payments no longer disputable to the subscriber untouched', async () => {
    const plain = await charge(1_000);
    const refunded = await charge(2_000, { capture: false, card: card(disputeCard) });
    // Captured with its dispute failing, then refunded in full before the event is delivered.
    failNextWrite(t, opensDispute);
    expect((await api('POST', `/v1/payments/${refunded}/capture`)).status).toBe(200);
    expect((await api('POST', '/v1/refunds', { payment: refunded })).status).toBe(201);
    const captures = (await pendingEvents(t)).filter((e) => e.type === 'payment.captured');
    expect(captures.filter((e) => matchesPattern(disputeCardCaptured, e)).map((e) => e.subject)).toEqual([
      refunded,
    ]);
    // Delivered anyway (a card of another number ending the same would be), it opens nothing.
    for (const event of captures) await deliver(event);
    expect(captures.map((e) => e.subject).sort()).toEqual([plain, refunded].sort());
    expect((await api('GET', '/v1/disputes')).json.data).toEqual([]);
  });

  it("stops, without an error to deliver again, when a refund of the rest overtakes the subscriber's open", async () => {
    const id = await charge(2_000, { capture: false, card: card(disputeCard) });
    failNextWrite(t, opensDispute);
    expect((await api('POST', `/v1/payments/${id}/capture`)).status).toBe(200);
    const [event] = await disputeCardEvents([id]);
    // The open reads a payment holding 2,000; a refund of all of it commits before the open's write.
    const racing = interleave(t, opensDispute, () => createRefund(t, actor(), { payment: id }));
    await deliver(event!);
    expect(racing.count).toBe(1);
    expect((await api('GET', `/v1/payments/${id}`)).json).toMatchObject({
      dispute: null,
      amount_refunded: 2_000,
    });
    expect((await api('GET', '/v1/disputes')).json.data).toEqual([]);
    expect(await posted(merchantAccount('disputes'))).toBe(0);
  });

  it('passes on a failed write of evidence or of a close instead of calling it a lost race', async () => {
    const dispute = (await open(await charge(1_000))).json;
    failNextWrite(t, (operations) => writesItem(operations, disputeKey(dispute.id)));
    await expect(submitDisputeEvidence(t, actor(), dispute.id, 'receipt')).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    failNextWrite(t, (operations) => writesItem(operations, disputeKey(dispute.id)));
    await expect(acceptDispute(t, actor(), dispute.id)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    // Nothing was written: the dispute still needs a response and holds its amount.
    expect((await api('GET', `/v1/disputes/${dispute.id}`)).json.status).toBe('needs_response');
    expect(await posted(merchantAccount('disputes'))).toBe(1_000);
  });
});

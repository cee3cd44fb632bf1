import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cardMethod,
  createHubTestApp,
  createVendor,
  setUpHubMerchant,
} from '../server/src/hub/test-support.ts';
import {
  failNextWrite,
  interleave,
  type MerchantApi,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import type { WriteOperation } from '../server/src/platform/store.ts';
import type { TestApp, TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

// Refunds of one payment intent racing each other, or retried after the intent's write was lost:
// the provider refunds exactly what the intent records, and the vendors give back for exactly
// that. Found by a probe on 2026-12-06: 20 concurrent refunds of 700 on a 10,000 intent recorded
// 2,100 while the card sandbox refunded 9,801.

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;

beforeEach(async () => {
  t = createHubTestApp();
  ({ merchant, api } = await setUpHubMerchant(t, ['sandbox_card']));
});
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

async function paidIntent(amount: number, splits: Array<{ vendor: string; amount: number }> = []) {
  const paid = await api('POST', '/v1/payment-intents', {
    amount,
    currency: 'USD',
    payment_method: cardMethod(),
    ...(splits.length > 0 ? { splits } : {}),
  });
  expect(paid.status, paid.text).toBe(201);
  return paid.json as { id: string; provider_reference: string };
}

const intentOf = async (id: string) => (await api('GET', `/v1/payment-intents/${id}`)).json;
const providerRefunded = async (reference: string): Promise<number> =>
  (await api('GET', `/v1/payments/${reference}`)).json.amount_refunded;
const refund = (id: string, amount: number) => api('POST', `/v1/payment-intents/${id}/refunds`, { amount });

const vendor = (name: string) => createVendor(api, name);

describe('payment-intent refunds racing', () => {
  it('refunds at the provider exactly what the intent records when 20 refunds race', async () => {
    const paid = await paidIntent(10_000);
    const answers = await Promise.all(Array.from({ length: 20 }, () => refund(paid.id, 700)));
    const ok = answers.filter((a) => a.status === 200).length;
    for (const answer of answers.filter((a) => a.status !== 200)) {
      expect(answer.status, answer.text).toBe(409);
      expect(answer.json.error.code).toBe('conflict');
    }
    expect(ok).toBeGreaterThan(0);
    const intent = await intentOf(paid.id);
    expect(intent.amount_refunded).toBe(ok * 700);
    expect(intent.refunds).toHaveLength(ok);
    expect(await providerRefunded(paid.provider_reference)).toBe(ok * 700);
    // Each recorded refund is its own refund at the provider.
    expect(
      new Set(intent.refunds.map((r: { provider_reference: string }) => r.provider_reference)).size,
    ).toBe(ok);
  });

  it('keeps racing refunds of different amounts, and the vendors’ reversals, to what the intent records', async () => {
    const [a, b] = [await vendor('Roaster'), await vendor('Bakery')];
    const paid = await paidIntent(4000, [
      { vendor: a, amount: 1000 },
      { vendor: b, amount: 2000 },
    ]);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => refund(paid.id, i % 2 ? 300 : 400)),
    );
    for (const answer of answers.filter((x) => x.status !== 200)) {
      expect(answer.status, answer.text).toBe(409);
      expect(['conflict', 'refund_in_progress']).toContain(answer.json.error.code);
    }
    const intent = await intentOf(paid.id);
    const recorded = intent.refunds.reduce((sum: number, r: { amount: number }) => sum + r.amount, 0);
    expect(recorded).toBeGreaterThan(0);
    expect(intent.amount_refunded).toBe(recorded);
    expect(await providerRefunded(paid.provider_reference)).toBe(recorded);
    const group = (await api('GET', `/v1/payment-intents/${paid.id}/splits`)).json;
    const reversed = group.lines.reduce((sum: number, l: { reversed: number }) => sum + l.reversed, 0);
    expect(reversed + group.platform_refunded).toBe(recorded);
  });

  it('finishes a refund whose answer was lost only at its own amount, and never twice', async () => {
    const paid = await paidIntent(5000);
    // The intent's write after the provider refunded is lost (a crash, a store outage).
    failNextWrite(t, (operations: WriteOperation[]) =>
      operations.some((o) => o.type === 'put' && o.item.object === 'payment_intent' && o.item.version !== 1),
    );
    const lost = await refund(paid.id, 700);
    expect(lost.status, lost.text).toBe(409);
    expect(lost.json.error.code).toBe('conflict');
    expect(await providerRefunded(paid.provider_reference)).toBe(700);
    expect((await intentOf(paid.id)).amount_refunded).toBe(0);
    const other = await refund(paid.id, 500);
    expect(other.status, other.text).toBe(409);
    expect(other.json.error).toMatchObject({ code: 'refund_in_progress', amount: 700 });
    expect(await providerRefunded(paid.provider_reference)).toBe(700);
    const retried = await refund(paid.id, 700);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json.amount_refunded).toBe(700);
    expect(await providerRefunded(paid.provider_reference)).toBe(700);
    const next = await refund(paid.id, 500);
    expect(next.status, next.text).toBe(200);
    expect(next.json.amount_refunded).toBe(1200);
    expect(await providerRefunded(paid.provider_reference)).toBe(1200);
  });

  it('makes an approved refund once when the final approvals race', async () => {
    const approvers: TestUser[] = [];
    for (const name of ['ann', 'bo', 'cy']) {
      const email = `${name}-${Math.random().toString(36).slice(2, 10)}@example.com`;
      await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
        token: merchant.owner.token,
        body: { email, role: 'approver' },
      });
      approvers.push(await t.signUp(name, email));
    }
    const as = (user: TestUser) => (path: string) =>
      t.call('POST', path, { token: user.token, headers: { 'sluice-merchant': merchant.id } });
    await api('PUT', '/v1/approval-policies', { action: 'refund', threshold: 1000, approvals: 2 });
    const paid = await paidIntent(5000);
    const held = await refund(paid.id, 2000);
    expect(held.status, held.text).toBe(202);
    expect((await as(approvers[0]!)(`/v1/approvals/${held.json.id}/approve`)).status).toBe(200);
    // The third approval runs whole just before the second's executor commits its refund at the
    // card sandbox: both executors have read the intent, and neither found a refund under its key.
    let third: Awaited<ReturnType<TestApp['call']>> | undefined;
    const raced = interleave(
      t,
      (operations) => operations.some((o) => o.type === 'put' && String(o.item.pk).startsWith('HUB#REF#')),
      async () => {
        third = await as(approvers[2]!)(`/v1/approvals/${held.json.id}/approve`);
      },
    );
    const second = await as(approvers[1]!)(`/v1/approvals/${held.json.id}/approve`);
    expect(raced.count).toBe(1);
    expect([second.status, third!.status].sort()).toEqual([200, 409]);
    expect((await intentOf(paid.id)).amount_refunded).toBe(2000);
    expect(await providerRefunded(paid.provider_reference)).toBe(2000);
  });
});

import { afterEach, expect, it } from 'vitest';
import { cardMethod, setUpHubMerchant } from '../server/src/hub/test-support.ts';
import type { TestMerchant } from '../server/src/payments/test-support.ts';
import { createTestApp, type TestApp, type TestUser } from './app-harness.ts';
import { expectBooksBalanced } from './invariants.ts';

// Vendor payouts under the merchant's `payout` approval policy (the approvals module's gate and
// executor): above the threshold a payout waits for N distinct approvers and is paid once.

let t: TestApp;
afterEach(async () => {
  await expectBooksBalanced(t.store);
  await t.store.close();
});

const asMember = (merchant: TestMerchant, user: TestUser) => (method: string, path: string, body?: unknown) =>
  t.call(method, path, {
    token: user.token,
    headers: { 'sluice-merchant': merchant.id },
    ...(body !== undefined ? { body } : {}),
  });

async function approver(merchant: TestMerchant): Promise<TestUser> {
  const email = `approver-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const invited = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
    token: merchant.owner.token,
    body: { email, role: 'approver' },
  });
  expect(invited.status, invited.text).toBe(201);
  const user = await t.signUp('approver', email);
  // The invitation becomes a membership on first use.
  expect((await asMember(merchant, user)('GET', '/v1/approvals')).status).toBe(200);
  return user;
}

it('pays a vendor payout above the policy threshold once, after two distinct approvals racing with others', async () => {
  t = createTestApp();
  const { merchant, api } = await setUpHubMerchant(t, ['sandbox_card']);
  await api('POST', '/v1/connectors', {
    provider: 'ach',
    credentials: { company_name: 'Acme', company_id: '1234567890', odfi_routing_number: '091000019' },
  });
  const vendor = (await api('POST', '/v1/vendors', { name: 'Roaster' })).json.id;
  await api('POST', '/v1/payment-intents', {
    amount: 5000,
    currency: 'USD',
    payment_method: cardMethod(),
    splits: [{ vendor, amount: 3000 }],
  });
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 86_400 });
  await api('POST', '/v1/test-helpers/vendors/settle');
  const owner = asMember(merchant, merchant.owner);
  expect(
    (await owner('PUT', '/v1/approval-policies', { action: 'payout', threshold: 1000, approvals: 2 })).status,
  ).toBe(200);
  const payee = await t.signUp('payee');

  // At or below the threshold: paid at once.
  const small = await owner('POST', `/v1/vendors/${vendor}/payouts`, {
    amount: 500,
    currency: 'USD',
    destination: { type: 'wallet', wallet: { user: payee.id } },
  });
  expect(small.status, small.text).toBe(201);

  // Above it: 202 with the request; the bank account number is sealed, never shown.
  const asked = await owner('POST', `/v1/vendors/${vendor}/payouts`, {
    amount: 2000,
    currency: 'USD',
    destination: {
      type: 'bank_account',
      bank_account: {
        routing_number: '231380104',
        account_number: '987654321',
        account_holder_name: 'Roaster',
      },
    },
  });
  expect(asked.status, asked.text).toBe(202);
  expect(asked.json).toMatchObject({ status: 'pending', approvals_required: 2, amount: 2000 });
  expect(asked.text).not.toContain('987654321');
  expect((await api('GET', `/v1/vendors/${vendor}`)).json.balances[0].available).toBe(2500);

  const approvers = await Promise.all(Array.from({ length: 6 }, () => approver(merchant)));
  const answers = await Promise.all(
    approvers.map((user) => asMember(merchant, user)('POST', `/v1/approvals/${asked.json.id}/approve`)),
  );
  const statuses = answers.map((a) => a.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(2);
  expect(statuses.filter((s) => s === 409)).toHaveLength(4);
  const final = await owner('GET', `/v1/approvals/${asked.json.id}`);
  expect(final.json.status).toBe('executed');
  expect(final.json.text ?? JSON.stringify(final.json)).not.toContain('987654321');

  const payouts = (await api('GET', `/v1/vendors/${vendor}/payouts`)).json.data;
  expect(payouts.map((p: { amount: number }) => p.amount).sort()).toEqual([2000, 500]);
  expect(payouts.find((p: { amount: number }) => p.amount === 2000).destination.bank_account).toMatchObject({
    last4: '4321',
  });
  expect((await api('GET', `/v1/vendors/${vendor}`)).json.balances[0].available).toBe(500);
});

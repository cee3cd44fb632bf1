import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalsModule } from '../server/src/approvals/index.ts';
import { expireDueApprovals } from '../server/src/approvals/service.ts';
import { modules } from '../server/src/app/modules.ts';
import { moduleDepsOf } from '../server/src/app/module-deps.ts';
import type { EventEnvelope } from '../server/src/kernel/events.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import type { Notifier } from '../server/src/platform/notifier.ts';
import {
  createTestMerchant,
  paymentBody,
  pendingEvents,
  tearDownApp,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import { createTestApp, type TestApp, type TestUser } from './app-harness.ts';

let t: TestApp;
let merchant: TestMerchant;

/** The approvals.notify-approvers handler on the harness's real ports (its mailbox among them). */
function notifyHandler(notifier: Notifier = t.mailbox): (event: EventEnvelope) => Promise<void> {
  const subscription = approvalsModule.subscriptions?.find((s) => s.name === 'approvals.notify');
  if (!subscription) throw new Error('approvals.notify-approvers is not subscribed');
  return subscription.handler(moduleDepsOf(portsOf(notifier), modules));
}

/** The harness's real ports, with `notifier` as the Notifier. */
function portsOf(notifier: Notifier) {
  const { store, clock, config, identity, queue } = t;
  return { store, clock, config, logger: silentLogger, identity, queue, notifier };
}

/** The approval.requested events written so far, as the bus would deliver them. */
async function requestedEvents(): Promise<EventEnvelope[]> {
  return (await pendingEvents(t)).filter((event) => event.type === 'approval.requested');
}

/** The approval mails in `email`'s mailbox (invitations left out). */
async function approvalMails(email: string) {
  return (await t.mailbox.list(email, { limit: 100 })).items.flatMap((m) =>
    m.channel === 'email' && m.subject.startsWith('Approval needed') ? [m] : [],
  );
}

async function invite(role: string): Promise<string> {
  const email = `${role}-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const invited = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
    token: merchant.owner.token,
    body: { email, role },
  });
  expect(invited.status).toBe(201);
  return email;
}

/** A member who signed up and took up their invitation (by acting for the merchant once). */
async function join(role: string): Promise<TestUser> {
  const user = await t.signUp(role, await invite(role));
  expect((await asMember(user)('GET', '/v1/approvals')).status).toBe(200);
  return user;
}

const asMember = (user: TestUser) => (method: string, path: string, body?: unknown) =>
  t.call(method, path, {
    token: user.token,
    headers: { 'sluice-merchant': merchant.id },
    ...(body !== undefined ? { body } : {}),
  });

/** Every string of 9 characters or more inside `value` (short ones like `ach` or `USD` are words of the mail). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return value.length > 8 ? [value] : [];
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

const api = (method: string, path: string, body?: unknown) =>
  t.call(method, path, { token: merchant.key.secret, ...(body !== undefined ? { body } : {}) });

beforeEach(async () => {
  t = createTestApp();
  merchant = await createTestMerchant(t);
});

afterEach(() => tearDownApp(t));

/** The mails to `email` about their own requests ending. */
async function endedMails(email: string) {
  return (await t.mailbox.list(email, { limit: 100 })).items.flatMap((m) =>
    m.channel === 'email' && m.subject.startsWith('Your request') ? [m] : [],
  );
}

/** Delivers every event of `type` written so far (twice: the bus delivers at least once). */
async function deliverAll(type: string): Promise<void> {
  const deliver = notifyHandler();
  for (const event of (await pendingEvents(t)).filter((e) => e.type === type)) {
    await deliver(event);
    await deliver(event);
  }
}

describe('the requester is mailed when their request ends', () => {
  it('tells a person who asked that their request was rejected (with the note) or carried out, once each', async () => {
    const approver = await join('approver');
    const admin = await join('admin');
    const payment = await api('POST', '/v1/payments', paymentBody({ amount: 5000 }));
    await api('PUT', '/v1/approval-policies', { action: 'refund', threshold: 1000, approvals: 1 });
    const rejected = await asMember(admin)('POST', '/v1/refunds', { payment: payment.json.id, amount: 2000 });
    const decided = await asMember(approver)('POST', `/v1/approvals/${rejected.json.id}/reject`, {
      note: 'No invoice attached',
    });
    expect(decided.json.status).toBe('rejected');
    await deliverAll('approval.rejected');
    const [rejection, ...more] = await endedMails(admin.email);
    expect(more).toHaveLength(0);
    expect(rejection!.subject).toBe('Your request for a refund of USD 20.00 for Acme Coffee was rejected');
    expect(rejection!.text).toContain(`Rejected by ${approver.email} (approver): No invoice attached`);

    const approved = await asMember(admin)('POST', '/v1/refunds', { payment: payment.json.id, amount: 2500 });
    expect((await asMember(approver)('POST', `/v1/approvals/${approved.json.id}/approve`)).json.status).toBe(
      'executed',
    );
    await deliverAll('approval.executed');
    const mails = await endedMails(admin.email);
    expect(mails.map((m) => m.subject)).toEqual([
      'Your request for a refund of USD 25.00 for Acme Coffee was carried out',
      'Your request for a refund of USD 20.00 for Acme Coffee was rejected',
    ]);
    // The approvers hear of new requests only.
    expect(await endedMails(approver.email)).toHaveLength(0);
    expect(await approvalMails(admin.email)).toHaveLength(0);
  });

  it('mails no one when a request made with an API key expires', async () => {
    const approver = await join('approver');
    await api('PUT', '/v1/approval-policies', { action: 'connector_change', approvals: 1 });
    expect((await api('POST', '/v1/connectors', { provider: 'sandbox_card', credentials: {} })).status).toBe(
      202,
    );
    t.clock.advance(73 * 3600 * 1000);
    await expireDueApprovals(moduleDepsOf(portsOf(t.mailbox), modules));
    expect((await pendingEvents(t)).some((e) => e.type === 'approval.expired')).toBe(true);
    await deliverAll('approval.expired');
    expect(await endedMails(approver.email)).toHaveLength(0);
    expect(await endedMails(merchant.owner.email)).toHaveLength(0);
  });
});

describe('approvers are mailed when a request waits for them', () => {
  it('mails each approver once, never the requester, a viewer or a developer, and not again on redelivery', async () => {
    const approvers = [await join('approver'), await join('approver')];
    const invitedApprover = await invite('approver');
    const admin = await join('admin');
    const developer = await join('developer');
    const viewer = await join('viewer');
    const payment = await api('POST', '/v1/payments', paymentBody({ amount: 5000 }));
    expect(payment.status).toBe(201);
    expect(
      (await api('PUT', '/v1/approval-policies', { action: 'refund', threshold: 1000, approvals: 2 })).status,
    ).toBe(200);
    const held = await asMember(admin)('POST', '/v1/refunds', { payment: payment.json.id, amount: 3050 });
    expect(held.status).toBe(202);

    const [event] = await requestedEvents();
    expect(event?.subject).toBe(held.json.id);
    const deliver = notifyHandler();
    await deliver(event!);

    for (const email of [...approvers.map((a) => a.email), invitedApprover])
      expect(await approvalMails(email)).toHaveLength(1);
    for (const email of [admin.email, developer.email, viewer.email, merchant.owner.email])
      expect(await approvalMails(email)).toHaveLength(0);

    // The bus delivers at least once: the same event again mails nobody.
    await deliver(event!);
    await deliver(event!);
    for (const email of [...approvers.map((a) => a.email), invitedApprover])
      expect(await approvalMails(email)).toHaveLength(1);
    expect(await approvalMails(admin.email)).toHaveLength(0);

    const [mail] = await approvalMails(approvers[0]!.email);
    expect(mail!.subject).toBe('Approval needed: a refund of USD 30.50 for Acme Coffee');
    expect(mail!.text).toContain(`${admin.email} (admin) asks for a refund of USD 30.50 for Acme Coffee.`);
    expect(mail!.text).toContain(held.json.id);
    expect(mail!.text).toContain('It needs 2 approvals, and expires unless decided by 2026-01-18 12:00 UTC.');
    expect(mail!.text).toContain(`/developers/${merchant.id}/approvals`);
  });

  it('retries only the approvers whose mail failed when the event comes again', async () => {
    const [first, second] = [await join('approver'), await join('approver')];
    await api('PUT', '/v1/approval-policies', { action: 'connector_change', approvals: 1 });
    expect((await api('POST', '/v1/connectors', { provider: 'sandbox_card', credentials: {} })).status).toBe(
      202,
    );
    const [event] = await requestedEvents();
    // SES refusing one address (a fault injected at the Notifier port; the mailbox stays real).
    const flaky: Notifier = {
      sendEmail: (message) =>
        message.to === first.email ? Promise.reject(new Error('throttled')) : t.mailbox.sendEmail(message),
      sendSms: (message) => t.mailbox.sendSms(message),
    };
    await expect(notifyHandler(flaky)(event!)).rejects.toThrow('throttled');
    expect(await approvalMails(first.email)).toHaveLength(0);
    expect(await approvalMails(second.email)).toHaveLength(1);
    await notifyHandler()(event!);
    expect(await approvalMails(first.email)).toHaveLength(1);
    expect(await approvalMails(second.email)).toHaveLength(1);
  });

  it('mails nobody when no member may approve, and never the requester whatever their role', async () => {
    const developer = await join('developer');
    expect(
      (await api('PUT', '/v1/approval-policies', { action: 'connector_change', approvals: 1 })).status,
    ).toBe(200);
    const held = await api('POST', '/v1/connectors', {
      provider: 'ach',
      credentials: {
        company_name: 'Acme Coffee',
        company_id: '1234567890',
        odfi_routing_number: '091000019',
      },
    });
    expect(held.status).toBe(202);
    const [event] = await requestedEvents();
    await notifyHandler()(event!);
    expect(await approvalMails(developer.email)).toHaveLength(0);
    expect(await approvalMails(merchant.owner.email)).toHaveLength(0);

    // A request whose requester is on the approvers' list (by user or by email) is not mailed to them.
    const approver = await join('approver');
    const other = await join('approver');
    const approval = (event!.data as { object: Record<string, unknown> }).object;
    const requestedBy = approval.requested_by as Record<string, unknown>;
    for (const [suffix, by] of [
      ['u', { ...requestedBy, user: approver.id }],
      ['e', { ...requestedBy, email: approver.email.toUpperCase() }],
    ] as const)
      await notifyHandler()({
        ...event!,
        id: `${event!.id}${suffix}`,
        data: { object: { ...approval, requested_by: by } },
      });
    expect(await approvalMails(approver.email)).toHaveLength(0);
    expect(await approvalMails(other.email)).toHaveLength(2);
    const [mail] = await approvalMails(other.email);
    expect(mail!.subject).toBe('Approval needed: a connector change for Acme Coffee');
    for (const value of stringsIn(held.json.params)) expect(mail!.text).not.toContain(value);
  });

  it('names a payout bank account by its last 4 digits at most and shows no sealed value', async () => {
    const approver = await join('approver');
    const ach = await api('POST', '/v1/connectors', {
      provider: 'ach',
      credentials: {
        company_name: 'Acme Coffee',
        company_id: '1234567890',
        odfi_routing_number: '091000019',
      },
    });
    expect(ach.status, ach.text).toBe(201);
    expect((await api('POST', '/v1/payments', paymentBody({ amount: 10_000 }))).status).toBe(201);
    expect((await api('POST', '/v1/test-helpers/advance-clock', { seconds: 2 * 86_400 })).status).toBe(200);
    expect(
      (await api('PUT', '/v1/approval-policies', { action: 'payout', threshold: 100, approvals: 1 })).status,
    ).toBe(200);
    const held = await api('POST', '/v1/payouts', {
      amount: 5000,
      currency: 'USD',
      destination: 'ach',
      bank_account: {
        routing_number: '231380104',
        account_number: '000123456789',
        account_holder_name: 'Acme Coffee LLC',
      },
    });
    expect(held.status, held.text).toBe(202);
    const [event] = await requestedEvents();
    await notifyHandler()(event!);

    const [mail] = await approvalMails(approver.email);
    expect(mail!.subject).toBe('Approval needed: a payout of USD 50.00 for Acme Coffee');
    expect(mail!.text).toContain(`an API key (${merchant.key.id}) asks for a payout of USD 50.00`);
    expect(mail!.text).toContain('ending 6789');
    for (const secret of ['000123456789', '231380104', merchant.key.secret])
      expect(mail!.text).not.toContain(secret);
    // No value the request keeps for its execution (the sealed bank account among them) is mailed.
    expect(JSON.stringify(held.json.params)).toContain('sealed');
    for (const value of stringsIn(held.json.params)) expect(mail!.text).not.toContain(value);
  });
});

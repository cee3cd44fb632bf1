import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { approvalsModule } from '../server/src/approvals/index.ts';
import type { Approval } from '../server/src/approvals/model.ts';
import { amountInWords, approvalEndedEmail, approvalRequestedEmail } from '../server/src/approvals/notify.ts';
import { expireDueApprovals } from '../server/src/approvals/service.ts';
import type { EventEnvelope } from '../server/src/kernel/events.ts';
import {
  asMember,
  createTestMerchant,
  joinMerchant,
  paymentBody,
  pendingEvents,
  tearDownApp,
  type TestMerchant,
} from '../server/src/payments/test-support.ts';
import type { Notifier } from '../server/src/platform/notifier.ts';
import { capturingLogger, createTestApp, moduleDepsFor, type TestApp, type TestUser } from './app-harness.ts';

// What the mutation run of approvals/notify.ts found no test for: the mails' whole wording (one
// approval, every ending, a rejection with and without a note, a requester known by role only),
// amounts in major units, a merchant name that would break the subject line, approvers invited
// but not signed up for a request made with an API key, events the subscription does not mail
// about, and a process without an approver directory. The real SQLite store and mailbox; the
// books are checked balanced after each test.

let t: TestApp;
let merchant: TestMerchant;

// A second copy of notify.ts, as in a process that never loaded payments (which registers the
// approver directory). Loaded here rather than in its test: a module evaluated inside a test
// would count its constants as covered by that test alone in Stryker's per-test coverage.
vi.resetModules();
const unregistered = await import('../server/src/approvals/notify.ts');

/** The approvals.notify handler on the harness's real ports (its mailbox among them). */
function notifyHandler(): (event: EventEnvelope) => Promise<void> {
  const subscription = approvalsModule.subscriptions?.find((s) => s.name === 'approvals.notify');
  if (!subscription) throw new Error('approvals.notify is not subscribed');
  return subscription.handler({ ...moduleDepsFor(t, [approvalsModule]), notifier: t.mailbox });
}

/** Delivers every approval event of `type` written so far. */
async function deliverAll(type: string): Promise<void> {
  const deliver = notifyHandler();
  for (const event of (await pendingEvents(t)).filter((e) => e.type === type)) await deliver(event);
}

/** Every email in `email`'s mailbox but invitations, newest first. */
async function mailsTo(email: string) {
  return (await t.mailbox.list(email, { limit: 100 })).items.flatMap((m) =>
    m.channel === 'email' && !/invit/i.test(m.subject) ? [{ subject: m.subject, text: m.text }] : [],
  );
}

const api = (method: string, path: string, body?: unknown) =>
  t.call(method, path, { token: merchant.key.secret, ...(body !== undefined ? { body } : {}) });
const join = (role: string): Promise<TestUser> => joinMerchant(t, merchant, role);
const member = (user: TestUser) => asMember(t, merchant, user);

async function policy(action: string, approvals: number, threshold?: number): Promise<void> {
  const body = { action, approvals, ...(threshold !== undefined ? { threshold } : {}) };
  expect((await api('PUT', '/v1/approval-policies', body)).status).toBe(200);
}

/** `admin` asks for a sandbox card connector: the held request. */
async function connectorAskedBy(admin: TestUser): Promise<{ id: string; summary: string }> {
  const held = await member(admin)('POST', '/v1/connectors', { provider: 'sandbox_card', credentials: {} });
  expect(held.status, held.text).toBe(202);
  return { id: held.json.id, summary: held.json.summary };
}

const pagePath = () => `/developers/${merchant.id}/approvals`;

/** A stored request as the mails read it (test data for the mail builders only). */
function approvalOf(overrides: Partial<Approval> = {}): Approval {
  return {
    id: 'apr_0001',
    object: 'approval_request',
    merchant: 'mer_0001',
    action: 'refund',
    status: 'pending',
    amount: 2000,
    currency: 'USD',
    params: {},
    summary: 'Refund USD 20.00 of pay_0001',
    approvals_required: 1,
    approvals: 0,
    requested_by: { user: 'usr_0001', email: null, api_key: null, role: 'admin' },
    result: null,
    expires_at: '2026-01-18T12:00:00.000Z',
    created_at: '2026-01-15T12:00:00.000Z',
    steps: [],
    ...overrides,
  };
}

beforeEach(async () => {
  t = createTestApp();
  merchant = await createTestMerchant(t);
});

afterEach(() => tearDownApp(t));

describe('amounts in the mails', () => {
  it('reads an amount in major units, grouped by thousands, and one without minor units whole', () => {
    expect(amountInWords(123_456_789, 'usd')).toBe('USD 1,234,567.89');
    expect(amountInWords(99, 'USD')).toBe('USD 0.99');
    expect(amountInWords(1_250_000, 'JPY')).toBe('JPY 1,250,000');
    expect(amountInWords(125, 'JPY')).toBe('JPY 125');
  });

  it('names a currency it does not know with the amount in minor units, and no amount without both', () => {
    expect(amountInWords(1_234_567, 'xyz')).toBe('1234567 (minor units of XYZ)');
    expect(amountInWords(null, 'USD')).toBeUndefined();
    expect(amountInWords(500, null)).toBeUndefined();
  });
});

describe('the mail to an approver', () => {
  it('says who asked, what, what it needs (one approval) and until when, and where to decide', async () => {
    const approver = await join('approver');
    const admin = await join('admin');
    await policy('connector_change', 1);
    const asked = await connectorAskedBy(admin);
    await deliverAll('approval.requested');
    expect(await mailsTo(approver.email)).toEqual([
      {
        subject: 'Approval needed: a connector change for Acme Coffee',
        text: [
          `${admin.email} (admin) asks for a connector change for Acme Coffee.`,
          '',
          `Request: ${asked.summary}`,
          `Reference: ${asked.id}`,
          'It needs 1 approval, and expires unless decided by 2026-01-18 12:00 UTC.',
          '',
          `Approve or reject it on the Approvals page of the Sluice dashboard: ${pagePath()}`,
        ].join('\n'),
      },
    ]);
  });

  it('mails approvers who were invited but have not signed up yet about a request made with an API key', async () => {
    const joined = await join('approver');
    const invited = `approver-invited-${merchant.id.slice(-6).toLowerCase()}@example.com`;
    const invitation = await t.call('POST', `/v1/merchants/${merchant.id}/members`, {
      token: merchant.owner.token,
      body: { email: invited, role: 'approver' },
    });
    expect(invitation.status).toBe(201);
    await policy('connector_change', 1);
    expect((await api('POST', '/v1/connectors', { provider: 'sandbox_card', credentials: {} })).status).toBe(
      202,
    );
    await deliverAll('approval.requested');
    for (const email of [joined.email, invited])
      expect((await mailsTo(email)).map((m) => m.subject)).toEqual([
        'Approval needed: a connector change for Acme Coffee',
      ]);
  });

  it('names a requester known only by role, and keeps a merchant name with line breaks on one subject line', () => {
    const mail = approvalRequestedEmail(
      'bea@example.com',
      approvalOf({ approvals_required: 3 }),
      'Acme\r\nBcc: eve@example.com',
    );
    expect(mail.subject).toBe('Approval needed: a refund of USD 20.00 for Acme Bcc: eve@example.com');
    expect(mail.text).toMatch(/^a member with the admin role asks for a refund of USD 20\.00 for Acme\r\n/);
    expect(mail.text).toContain('It needs 3 approvals');
  });
});

describe('the mail to the requester when their request ends', () => {
  it('names the rejecting approver and their note, not an earlier approval, in the whole mail', async () => {
    const [first, second] = [await join('approver'), await join('approver')];
    const admin = await join('admin');
    await policy('connector_change', 2);
    const asked = await connectorAskedBy(admin);
    expect(
      (await member(first)('POST', `/v1/approvals/${asked.id}/approve`, { note: 'Fine by me' })).status,
    ).toBe(200);
    const rejected = await member(second)('POST', `/v1/approvals/${asked.id}/reject`, {
      note: 'Not this one',
    });
    expect(rejected.json.status).toBe('rejected');
    await deliverAll('approval.rejected');
    expect(await mailsTo(admin.email)).toEqual([
      {
        subject: 'Your request for a connector change for Acme Coffee was rejected',
        text: [
          'Your request for a connector change for Acme Coffee was rejected.',
          '',
          `Request: ${asked.summary}`,
          `Reference: ${asked.id}`,
          `Rejected by ${second.email} (approver): Not this one`,
          '',
          `The Approvals page of the Sluice dashboard has its audit trail: ${pagePath()}`,
        ].join('\n'),
      },
    ]);
  });

  it('ends the rejection line with a full stop when the approver gave no note', async () => {
    const approver = await join('approver');
    const admin = await join('admin');
    await policy('connector_change', 1);
    const asked = await connectorAskedBy(admin);
    expect((await member(approver)('POST', `/v1/approvals/${asked.id}/reject`)).json.status).toBe('rejected');
    await deliverAll('approval.rejected');
    const [mail] = await mailsTo(admin.email);
    expect(mail!.text.split('\n')[4]).toBe(`Rejected by ${approver.email} (approver).`);
  });

  it('says a request was carried out, with no rejection line', async () => {
    const approver = await join('approver');
    const admin = await join('admin');
    await policy('connector_change', 1);
    const asked = await connectorAskedBy(admin);
    expect((await member(approver)('POST', `/v1/approvals/${asked.id}/approve`)).json.status).toBe(
      'executed',
    );
    await deliverAll('approval.executed');
    expect(await mailsTo(admin.email)).toEqual([
      {
        subject: 'Your request for a connector change for Acme Coffee was carried out',
        text: [
          'Your request for a connector change for Acme Coffee was approved and carried out.',
          '',
          `Request: ${asked.summary}`,
          `Reference: ${asked.id}`,
          '',
          `The Approvals page of the Sluice dashboard has its audit trail: ${pagePath()}`,
        ].join('\n'),
      },
    ]);
  });

  it('says a request expired, and that an approved action was refused, keeping its error to the dashboard', async () => {
    const approver = await join('approver');
    const admin = await join('admin');
    const payment = await api('POST', '/v1/payments', paymentBody({ amount: 5000 }));
    expect(payment.status).toBe(201);
    await policy('refund', 1, 1000);
    const refund = await member(admin)('POST', '/v1/refunds', { payment: payment.json.id, amount: 4500 });
    expect(refund.status, refund.text).toBe(202);
    // Refunded directly meanwhile: the approved refund is more than what is left.
    expect((await api('POST', '/v1/refunds', { payment: payment.json.id, amount: 900 })).status).toBe(201);
    const failed = await member(approver)('POST', `/v1/approvals/${refund.json.id}/approve`);
    expect(failed.json.status).toBe('failed');
    await deliverAll('approval.failed');
    const [failedMail] = await mailsTo(admin.email);
    expect(failedMail!.subject).toBe('Your request for a refund of USD 45.00 for Acme Coffee failed');
    expect(failedMail!.text.split('\n')[0]).toBe(
      'Your request for a refund of USD 45.00 for Acme Coffee was approved, but the action was refused when it was made.',
    );
    expect(failedMail!.text).not.toContain(failed.json.result.error.message);

    await policy('connector_change', 1);
    await connectorAskedBy(admin);
    t.clock.advance(73 * 3600 * 1000);
    expect(await expireDueApprovals(moduleDepsFor(t, [approvalsModule]))).toBe(1);
    await deliverAll('approval.expired');
    const [expiredMail] = await mailsTo(admin.email);
    expect(expiredMail!.subject).toBe('Your request for a connector change for Acme Coffee expired');
    expect(expiredMail!.text.split('\n')[0]).toBe(
      'Your request for a connector change for Acme Coffee expired: no one decided it in time.',
    );
  });

  it('keeps a merchant name with line breaks on one subject line', () => {
    const ended = approvalOf({ status: 'expired' });
    const mail = approvalEndedEmail(
      'bea@example.com',
      ended,
      'Acme\r\nBcc: eve@example.com',
      'approval.expired',
    );
    expect(mail.subject).toBe('Your request for a refund of USD 20.00 for Acme Bcc: eve@example.com expired');
  });
});

describe('the notify subscription', () => {
  it('mails no one about a vote that does not end the request', async () => {
    const approver = await join('approver');
    const admin = await join('admin');
    await policy('connector_change', 2);
    const asked = await connectorAskedBy(admin);
    expect((await member(approver)('POST', `/v1/approvals/${asked.id}/approve`)).json.status).toBe('pending');
    const voted = (await pendingEvents(t)).filter((e) => e.type === 'approval.approved');
    expect(voted).toHaveLength(1);
    await notifyHandler()(voted[0]!);
    expect(await mailsTo(admin.email)).toEqual([]);
    expect(await mailsTo(approver.email)).toEqual([]);
  });

  it('sends nothing, and says so in the log, in a process where no approver directory was registered', async () => {
    const approver = await join('approver');
    await policy('connector_change', 1);
    const asked = await connectorAskedBy(await join('admin'));
    const [event] = (await pendingEvents(t)).filter((e) => e.type === 'approval.requested');
    const logger = capturingLogger();
    const sent: unknown[] = [];
    const notifier: Notifier = {
      sendEmail: async (message) => ({ id: `msg_${sent.push(message)}` }),
      sendSms: async (message) => ({ id: `msg_${sent.push(message)}` }),
    };
    await unregistered.notifyApprovers({ ...moduleDepsFor(t, [approvalsModule], { logger }), notifier })(
      event!,
    );
    expect(sent).toEqual([]);
    expect(logger.lines).toEqual([
      ['no approver directory registered: approval mails are not sent', { approval: asked.id }],
    ]);
    expect(await mailsTo(approver.email)).toEqual([]);
  });
});

import type { EventEnvelope } from '../kernel/events.ts';
import { formatDecimal, isCurrency } from '../kernel/money.ts';
import { applyOnce, dedupeKey } from '../platform/consumer-dedupe.ts';
import type { EmailMessage } from '../platform/notifier.ts';
import type { ModuleDeps } from '../platform/module.ts';
import type { Actor, Approval, ApprovalAction } from './model.ts';

/** The bus subscription that mails approvers and requesters; also the consumer name of its dedupe records. */
export const notifyApproversSubscription = 'approvals.notify';

/** A team member who may decide the merchant's approval requests. */
export interface ApproverContact {
  email: string;
  /** Their user id once they took up the invitation, else null. */
  user: string | null;
}

/**
 * Who may approve a merchant's requests. Members and roles belong to payments, which imports
 * approvals (to gate its refunds); approvals cannot import it back, so payments registers this
 * when it loads, as the action modules register their executors.
 */
export interface ApproverDirectory {
  approversOf(
    deps: ModuleDeps,
    merchantId: string,
  ): Promise<{ merchantName: string; approvers: ApproverContact[] }>;
}

let directory: ApproverDirectory | undefined;

/** @example registerApproverDirectory({ approversOf: async (deps, merchantId) => ({ merchantName, approvers }) }); */
export function registerApproverDirectory(next: ApproverDirectory): void {
  directory = next;
}

const actionWords: Record<ApprovalAction, string> = {
  payout: 'a payout',
  refund: 'a refund',
  connector_change: 'a connector change',
};

/** `USD 1,250.00`: the amount in the currency's major units, as a person reads it. */
export function amountInWords(amount: number | null, currency: string | null): string | undefined {
  if (amount === null || currency === null) return undefined;
  const code = currency.toUpperCase();
  if (!isCurrency(code)) return `${amount} (minor units of ${code})`;
  const [whole = '', fraction] = formatDecimal(amount, code).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${code} ${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

function whoAsked(actor: Actor): string {
  if (actor.email) return `${actor.email} (${actor.role})`;
  return actor.api_key ? `an API key (${actor.api_key})` : `a member with the ${actor.role} role`;
}

/** `2026-01-18 12:00 UTC` */
function readableTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** The dashboard page where the merchant's approvers decide (web/src: developers/:merchantId/approvals). */
export function approvalsPagePath(merchantId: string): string {
  return `/developers/${encodeURIComponent(merchantId)}/approvals`;
}

/**
 * The mail to one approver. It says what is asked from the request's own summary (which names a
 * bank account by its last 4 digits at most) and never from its params, which may hold sealed
 * credentials or the full account the action will use.
 */
export function approvalRequestedEmail(to: string, approval: Approval, merchantName: string): EmailMessage {
  const amount = amountInWords(approval.amount, approval.currency);
  const what = `${actionWords[approval.action]}${amount ? ` of ${amount}` : ''}`;
  const needed =
    approval.approvals_required === 1 ? '1 approval' : `${approval.approvals_required} approvals`;
  return {
    to,
    subject: `Approval needed: ${what} for ${merchantName}`.replace(/[\r\n]+/g, ' '),
    text: [
      `${whoAsked(approval.requested_by)} asks for ${what} for ${merchantName}.`,
      '',
      `Request: ${approval.summary}`,
      `Reference: ${approval.id}`,
      `It needs ${needed}, and expires unless decided by ${readableTime(approval.expires_at)}.`,
      '',
      `Approve or reject it on the Approvals page of the Sluice dashboard: ${approvalsPagePath(approval.merchant)}`,
    ].join('\n'),
  };
}

/** The events that end a request, and how the mail to its requester says so. */
const endings: Readonly<Record<string, { subject: string; text: string }>> = {
  'approval.executed': { subject: 'was carried out', text: 'was approved and carried out' },
  'approval.failed': { subject: 'failed', text: 'was approved, but the action was refused when it was made' },
  'approval.rejected': { subject: 'was rejected', text: 'was rejected' },
  'approval.expired': { subject: 'expired', text: 'expired: no one decided it in time' },
};

/** The events the notify subscription mails about. */
export const notifyEventTypes = ['approval.requested', ...Object.keys(endings)];

/**
 * The mail to the requester when their request ends. A rejection's note is the approver's own
 * words to them; a failure's is the action's error, kept to the dashboard.
 */
export function approvalEndedEmail(
  to: string,
  approval: Approval,
  merchantName: string,
  eventType: string,
): EmailMessage {
  const amount = amountInWords(approval.amount, approval.currency);
  const what = `${actionWords[approval.action]}${amount ? ` of ${amount}` : ''}`;
  const outcome = endings[eventType] ?? { subject: approval.status, text: approval.status };
  const last = approval.steps.at(-1);
  const decidedBy = approval.status === 'rejected' && last?.actor ? whoAsked(last.actor) : undefined;
  return {
    to,
    subject: `Your request for ${what} for ${merchantName} ${outcome.subject}`.replace(/[\r\n]+/g, ' '),
    text: [
      `Your request for ${what} for ${merchantName} ${outcome.text}.`,
      '',
      `Request: ${approval.summary}`,
      `Reference: ${approval.id}`,
      ...(decidedBy ? [`Rejected by ${decidedBy}${last?.note ? `: ${last.note}` : '.'}`] : []),
      '',
      `The Approvals page of the Sluice dashboard has its audit trail: ${approvalsPagePath(approval.merchant)}`,
    ].join('\n'),
  };
}

/** Who a request's event is mailed to, and what. */
function mailsFor(
  event: EventEnvelope,
  approval: Approval,
  merchantName: string,
  approvers: ApproverContact[],
): EmailMessage[] {
  const requester = approval.requested_by;
  if (event.type !== 'approval.requested')
    return requester.email ? [approvalEndedEmail(requester.email, approval, merchantName, event.type)] : [];
  return approvers
    .filter(
      (person) =>
        (requester.user === null || person.user !== requester.user) &&
        person.email.toLowerCase() !== requester.email?.toLowerCase(),
    )
    .map((person) => approvalRequestedEmail(person.email, approval, merchantName));
}

/**
 * Mails every member who may approve a new request (never its requester), and the requester
 * (a person, not an API key) when it ends, once per event: each recipient is claimed with a dedupe
 * record before the send, so a redelivered event mails nobody again; a send that fails gives its
 * claim back and the delivery fails, so the bus retries just the recipients not yet mailed. A
 * crash between claim and send loses that one mail (at most once).
 */
export function notifyApprovers(deps: ModuleDeps) {
  return async (event: EventEnvelope): Promise<void> => {
    if (!notifyEventTypes.includes(event.type)) return;
    const approval = (event.data as { object: Approval }).object;
    if (!directory) {
      deps.logger.warn('no approver directory registered: approval mails are not sent', {
        approval: approval.id,
      });
      return;
    }
    const { merchantName, approvers } = await directory.approversOf(deps, approval.merchant);
    let failure: unknown;
    for (const message of mailsFor(event, approval, merchantName, approvers)) {
      const claim = { consumer: notifyApproversSubscription, eventId: `${event.id}/${message.to}` };
      if ((await applyOnce(deps.store, { ...claim, effect: [], now: deps.clock.now() })) === 'duplicate')
        continue;
      try {
        await deps.notifier.sendEmail(message);
      } catch (error) {
        await deps.store.transact([{ type: 'delete', key: dedupeKey(claim.consumer, claim.eventId) }]);
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  };
}

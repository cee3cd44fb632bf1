import { z } from 'zod';
import { AppError } from '../kernel/errors.ts';

/**
 * The Notifier port: sends one email or one text message to one person. Both adapters validate
 * through `parseEmail` and `parseSms` below, so a message refused by one runtime is refused by
 * the other, before anything is sent or stored.
 *
 * Delivery is at-least-once upstream (a consumer may run twice), so callers that must not send
 * twice dedupe by event id before calling. Message bodies can hold sign-in codes: adapters never
 * log them.
 *
 * Adapters: `MailboxNotifier` (runtime/local, kept in the Store for the dashboard) and
 * `SesSnsNotifier` (runtime/aws, SES v2 and SNS). Both pass `runNotifierContract`.
 */
export interface Notifier {
  /**
   * Sends an email. Refuses an invalid address or an empty or multi-line subject with
   * `AppError('invalid_request')` naming the field in `param`.
   *
   * @example
   * const { id } = await notifier.sendEmail({ to: 'ann@example.com', subject: 'Your receipt', text: 'Paid $5.00' });
   */
  sendEmail(message: EmailMessage): Promise<SentMessage>;
  /**
   * Sends a text message to an E.164 number (`+` then up to 15 digits, e.g. `+14155550123`).
   *
   * @example
   * await notifier.sendSms({ to: '+14155550123', text: 'Your Sluice code is 123456' });
   */
  sendSms(message: SmsMessage): Promise<SentMessage>;
}

export interface EmailMessage {
  to: string;
  subject: string;
  /** Plain-text body; always sent, for clients that show no HTML. */
  text: string;
  html?: string;
}

export interface SmsMessage {
  /** E.164: `+`, country code, number; no spaces. */
  to: string;
  text: string;
}

export interface SentMessage {
  /** The adapter's message id (SES or SNS MessageId on AWS, a `msg_…` id locally). */
  id: string;
}

/** SNS refuses a longer SMS (it splits up to 1,600 characters into parts and stops there). */
export const maxSmsLength = 1600;
/** RFC 5321 caps a path at 256 octets, so an address at 254 characters. */
const maxEmailLength = 254;
/** SES refuses a message above 40 MB; well below that, a body this large is a bug, not an email. */
const maxBodyLength = 1_000_000;

const emailAddress = z.email().max(maxEmailLength);
const e164 = /^\+[1-9]\d{1,14}$/;

/**
 * Validates an email before it is sent: returns it with `to` trimmed, or throws
 * `AppError('invalid_request')` whose `param` names the bad field. Messages never contain the body.
 *
 * @example
 * const message = parseEmail({ to: ' ann@example.com', subject: 'Hi', text: 'Hello' }); // to: 'ann@example.com'
 */
export function parseEmail(message: EmailMessage): EmailMessage {
  const to = typeof message.to === 'string' ? message.to.trim() : '';
  if (!emailAddress.safeParse(to).success) throw invalid('to', 'to must be one valid email address');
  if (typeof message.subject !== 'string' || message.subject.trim() === '')
    throw invalid('subject', 'subject must not be empty');
  // A line break in a subject is how header injection starts; SES would fold it, we refuse it.
  if (/[\r\n]/.test(message.subject)) throw invalid('subject', 'subject must be a single line');
  if (typeof message.text !== 'string' || message.text === '')
    throw invalid('text', 'text must not be empty');
  if (message.text.length > maxBodyLength)
    throw invalid('text', `text must be at most ${maxBodyLength} characters`);
  if (
    message.html !== undefined &&
    (typeof message.html !== 'string' || message.html.length > maxBodyLength)
  ) {
    throw invalid('html', `html must be a string of at most ${maxBodyLength} characters`);
  }
  return {
    to,
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined && { html: message.html }),
  };
}

/**
 * Validates a text message: `to` in E.164, `text` of 1 to `maxSmsLength` characters.
 *
 * @example
 * parseSms({ to: '+14155550123', text: 'Code 123456' });
 */
export function parseSms(message: SmsMessage): SmsMessage {
  if (typeof message.to !== 'string' || !e164.test(message.to)) {
    throw invalid('to', 'to must be a phone number in E.164 format, like +14155550123');
  }
  if (typeof message.text !== 'string' || message.text === '')
    throw invalid('text', 'text must not be empty');
  if (message.text.length > maxSmsLength)
    throw invalid('text', `text must be at most ${maxSmsLength} characters`);
  return { to: message.to, text: message.text };
}

function invalid(param: string, message: string): AppError {
  return new AppError('invalid_request', message, { param });
}

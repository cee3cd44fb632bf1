import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.ts';
import { maxSmsLength, type EmailMessage, type Notifier, type SmsMessage } from './notifier.ts';
import { rejectionOf } from './store-contract.ts';

/** A message as it left the adapter, seen from the outside (the mailbox, or the calls to SES/SNS). */
export type DeliveredMessage =
  | { channel: 'email'; id: string; to: string; subject: string; text: string; html?: string }
  | { channel: 'sms'; id: string; to: string; text: string };

export interface NotifierUnderTest {
  notifier: Notifier;
  /** Every message the adapter handed on, oldest first. */
  delivered(): Promise<DeliveredMessage[]>;
  cleanup?: () => Promise<void>;
}

/**
 * The behaviour every `Notifier` adapter must show, as one vitest suite. Each test gets a fresh
 * adapter from `makeNotifier` with nothing delivered yet.
 *
 * @example
 * runNotifierContract('MailboxNotifier', async () => {
 *   const store = new SqliteStore(':memory:');
 *   const notifier = new MailboxNotifier({ store });
 *   return { notifier, delivered: () => readMailbox(notifier), cleanup: () => store.close() };
 * });
 */
export function runNotifierContract(name: string, makeNotifier: () => Promise<NotifierUnderTest>): void {
  describe(`Notifier contract: ${name}`, () => {
    let subject: NotifierUnderTest;
    beforeEach(async () => {
      subject = await makeNotifier();
    });
    afterEach(async () => {
      await subject.cleanup?.();
    });

    const email = (overrides: Partial<EmailMessage> = {}): EmailMessage => ({
      to: 'ann@example.com',
      subject: 'Your receipt',
      text: 'You paid $5.00.',
      ...overrides,
    });
    const sms = (overrides: Partial<SmsMessage> = {}): SmsMessage => ({
      to: '+14155550123',
      text: 'Your code is 123456',
      ...overrides,
    });

    it('sends an email with its subject, text and HTML and returns its id', async () => {
      const { id } = await subject.notifier.sendEmail(email({ html: '<p>You paid <b>$5.00</b>.</p>' }));
      expect(id).toEqual(expect.any(String));
      expect(await subject.delivered()).toEqual([
        {
          channel: 'email',
          id,
          to: 'ann@example.com',
          subject: 'Your receipt',
          text: 'You paid $5.00.',
          html: '<p>You paid <b>$5.00</b>.</p>',
        },
      ]);
    });

    it('sends a text-only email without an HTML part', async () => {
      const { id } = await subject.notifier.sendEmail(email());
      expect(await subject.delivered()).toEqual([
        { channel: 'email', id, to: 'ann@example.com', subject: 'Your receipt', text: 'You paid $5.00.' },
      ]);
    });

    it('trims the address it sends to', async () => {
      await subject.notifier.sendEmail(email({ to: '  ann@example.com ' }));
      expect((await subject.delivered())[0]?.to).toBe('ann@example.com');
    });

    it('sends a text message to an E.164 number and returns its id', async () => {
      const { id } = await subject.notifier.sendSms(sms());
      expect(await subject.delivered()).toEqual([
        { channel: 'sms', id, to: '+14155550123', text: 'Your code is 123456' },
      ]);
    });

    it('gives every message its own id', async () => {
      const ids = [
        (await subject.notifier.sendEmail(email())).id,
        (await subject.notifier.sendEmail(email())).id,
        (await subject.notifier.sendSms(sms())).id,
      ];
      expect(new Set(ids).size).toBe(3);
      expect(await subject.delivered()).toHaveLength(3);
    });

    it.each([
      '',
      'ann',
      'ann@',
      '@example.com',
      'ann@example.com, bob@example.com',
      'ann@example.com\r\nBcc: eve@example.com',
      `${'a'.repeat(250)}@example.com`,
    ])('refuses the email address %j and sends nothing', async (to) => {
      await expectInvalid(subject.notifier.sendEmail(email({ to })), 'to');
      expect(await subject.delivered()).toEqual([]);
    });

    it('refuses an empty subject, a multi-line subject and an empty text', async () => {
      await expectInvalid(subject.notifier.sendEmail(email({ subject: '  ' })), 'subject');
      await expectInvalid(
        subject.notifier.sendEmail(email({ subject: 'Hi\r\nBcc: eve@example.com' })),
        'subject',
      );
      await expectInvalid(subject.notifier.sendEmail(email({ text: '' })), 'text');
      expect(await subject.delivered()).toEqual([]);
    });

    it.each([
      '4155550123',
      '+1 415 555 0123',
      '+04155550123',
      '+1415555012345678',
      '+1',
      'tel:+14155550123',
      '',
    ])('refuses the phone number %j and sends nothing', async (to) => {
      await expectInvalid(subject.notifier.sendSms(sms({ to })), 'to');
      expect(await subject.delivered()).toEqual([]);
    });

    it('refuses an empty text message and one longer than SNS allows', async () => {
      await expectInvalid(subject.notifier.sendSms(sms({ text: '' })), 'text');
      await expectInvalid(subject.notifier.sendSms(sms({ text: 'x'.repeat(maxSmsLength + 1) })), 'text');
      expect(await subject.delivered()).toEqual([]);
    });

    it('never repeats the message body in an error', async () => {
      const error = await rejectionOf(
        subject.notifier.sendSms(sms({ to: 'not-a-number', text: 'Your code is 987654' })),
      );
      expect(error).toBeInstanceOf(AppError);
      expect(
        JSON.stringify({ message: (error as AppError).message, details: (error as AppError).details }),
      ).not.toContain('987654');
    });
  });
}

async function expectInvalid(promise: Promise<unknown>, param: string): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: 'invalid_request', param });
}

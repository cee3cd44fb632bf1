import { AppError } from '../../kernel/errors.ts';
import { isoTime, systemClock, type Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import {
  parseEmail,
  parseSms,
  type EmailMessage,
  type Notifier,
  type SentMessage,
  type SmsMessage,
} from '../../platform/notifier.ts';
import type { Item, Store } from '../../platform/store.ts';

/** One message kept in the local mailbox. */
export type MailboxMessage =
  | { id: string; channel: 'email'; to: string; subject: string; text: string; html?: string; sentAt: string }
  | { id: string; channel: 'sms'; to: string; text: string; sentAt: string };

export interface MailboxPage {
  /** Newest first. */
  items: MailboxMessage[];
  /** Present when older messages may follow; pass it back as `cursor`. */
  cursor?: string;
}

export interface MailboxNotifierOptions {
  store: Store;
  clock?: Clock;
}

export const defaultMailboxPageSize = 20;
export const maxMailboxPageSize = 100;

/**
 * The Notifier port for the local runtime: nothing leaves the machine. Each message is one item
 * in the recipient's partition (`MAILBOX#<recipient>`), sorted by its time-ordered `msg_…` id,
 * so the dashboard can show a person's mailbox newest first, page by page. Emails are filed under
 * the address in lower case, the way accounts are keyed.
 *
 * @example
 * const notifier = new MailboxNotifier({ store });
 * await notifier.sendSms({ to: '+14155550123', text: 'Your code is 123456' });
 * const { items } = await notifier.list('+14155550123', { limit: 10 });
 */
export class MailboxNotifier implements Notifier {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(options: MailboxNotifierOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
  }

  async sendEmail(message: EmailMessage): Promise<SentMessage> {
    const { to, subject, text, html } = parseEmail(message);
    return this.#file({ channel: 'email', to, subject, text, ...(html !== undefined && { html }) });
  }

  async sendSms(message: SmsMessage): Promise<SentMessage> {
    const { to, text } = parseSms(message);
    return this.#file({ channel: 'sms', to, text });
  }

  /**
   * One page of a recipient's messages, newest first. A malformed `cursor` throws the store's
   * `InvalidCursorError`, which the HTTP layer turns into a 400.
   *
   * @example
   * const first = await notifier.list('ann@example.com', { limit: 20 });
   * const next = first.cursor ? await notifier.list('ann@example.com', { limit: 20, cursor: first.cursor }) : undefined;
   */
  async list(recipient: string, options: { limit?: number; cursor?: string } = {}): Promise<MailboxPage> {
    const limit = options.limit ?? defaultMailboxPageSize;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxMailboxPageSize) {
      throw new AppError('invalid_request', `limit must be an integer from 1 to ${maxMailboxPageSize}`, {
        param: 'limit',
      });
    }
    const page = await this.#store.query({
      partition: mailboxPartition(recipient),
      sort: { op: 'begins_with', value: 'MSG#' },
      direction: 'desc',
      limit,
      ...(options.cursor !== undefined && { cursor: options.cursor }),
    });
    return { items: page.items.map(toMessage), ...(page.cursor !== undefined && { cursor: page.cursor }) };
  }

  async #file(message: DistributiveOmit<MailboxMessage, 'id' | 'sentAt'>): Promise<SentMessage> {
    const now = this.#clock.now();
    const id = newId('message', now);
    const item: Item = {
      pk: mailboxPartition(message.to),
      sk: `MSG#${id}`,
      ...message,
      id,
      sentAt: isoTime(now),
    };
    // Ids are unique, so the condition only guards against a bug overwriting someone's mail.
    await this.#store.transact([{ type: 'put', item, condition: { attributeNotExists: 'pk' } }]);
    return { id };
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function mailboxPartition(recipient: string): string {
  return `MAILBOX#${recipient.trim().toLowerCase()}`;
}

function toMessage(item: Item): MailboxMessage {
  const { pk: _pk, sk: _sk, ...message } = item;
  return message as MailboxMessage;
}

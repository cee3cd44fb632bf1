import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../kernel/clock.ts';
import { AppError } from '../../kernel/errors.ts';
import { runNotifierContract, type DeliveredMessage } from '../../platform/notifier-contract.ts';
import { InvalidCursorError } from '../../platform/store.ts';
import { MailboxNotifier, type MailboxMessage } from './mailbox-notifier.ts';
import { SqliteStore } from './sqlite-store.ts';

runNotifierContract('MailboxNotifier (SqliteStore :memory:)', async () => {
  const store = new SqliteStore(':memory:');
  const notifier = new MailboxNotifier({ store, clock: new ManualClock() });
  // Every recipient the contract sends to; the mailbox is read back per recipient, as the dashboard does.
  const recipients = ['ann@example.com', '+14155550123'];
  const delivered = async (): Promise<DeliveredMessage[]> => {
    const pages = await Promise.all(recipients.map((recipient) => notifier.list(recipient, { limit: 100 })));
    return pages
      .flatMap((page) => page.items)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(({ sentAt: _sentAt, ...message }) => message);
  };
  return { notifier, delivered, cleanup: () => store.close() };
});

describe('MailboxNotifier', () => {
  const setup = () => {
    const store = new SqliteStore(':memory:');
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    return { store, clock, notifier: new MailboxNotifier({ store, clock }) };
  };

  it('lists a recipient’s messages newest first, page by page', async () => {
    const { store, clock, notifier } = setup();
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) {
      ids.push(
        (await notifier.sendEmail({ to: 'ann@example.com', subject: `Message ${n}`, text: `Body ${n}` })).id,
      );
      clock.advance(1000);
    }
    await notifier.sendEmail({ to: 'bob@example.com', subject: 'Not Ann’s', text: 'Elsewhere' });

    const first = await notifier.list('ann@example.com', { limit: 2 });
    expect(first.items.map((message) => message.id)).toEqual([ids[4], ids[3]]);
    expect(first.cursor).toEqual(expect.any(String));
    const second = await notifier.list('ann@example.com', { limit: 2, cursor: first.cursor });
    expect(second.items.map((message) => message.id)).toEqual([ids[2], ids[1]]);
    const third = await notifier.list('ann@example.com', { limit: 2, cursor: second.cursor });
    expect(third.items.map((message) => message.id)).toEqual([ids[0]]);
    expect(third.cursor).toBeUndefined();
    await store.close();
  });

  it('keeps what the dashboard shows: channel, recipient, subject, bodies and the time sent', async () => {
    const { store, notifier } = setup();
    const { id } = await notifier.sendEmail({
      to: 'ann@example.com',
      subject: 'Hi',
      text: 'Hello',
      html: '<p>Hello</p>',
    });
    const expected: MailboxMessage = {
      id,
      channel: 'email',
      to: 'ann@example.com',
      subject: 'Hi',
      text: 'Hello',
      html: '<p>Hello</p>',
      sentAt: '2026-01-01T00:00:00.000Z',
    };
    expect((await notifier.list('ann@example.com')).items).toEqual([expected]);
    expect(id).toMatch(/^msg_/);
    await store.close();
  });

  it('files an address under its lower-case form, so either spelling finds the mail', async () => {
    const { store, notifier } = setup();
    await notifier.sendEmail({ to: 'Ann@Example.com', subject: 'Hi', text: 'Hello' });
    expect((await notifier.list('ann@example.com')).items).toHaveLength(1);
    expect((await notifier.list('ANN@EXAMPLE.COM')).items[0]).toMatchObject({ to: 'Ann@Example.com' });
    await store.close();
  });

  it('returns an empty page for someone who has no mail', async () => {
    const { store, notifier } = setup();
    expect(await notifier.list('nobody@example.com')).toEqual({ items: [] });
    await store.close();
  });

  it('refuses a page size outside 1..100 and a cursor it did not hand out', async () => {
    const { store, notifier } = setup();
    for (const limit of [0, 101, 1.5]) {
      await expect(notifier.list('ann@example.com', { limit })).rejects.toMatchObject({
        code: 'invalid_request',
        param: 'limit',
      });
    }
    await expect(notifier.list('ann@example.com', { limit: 1 })).resolves.toBeDefined();
    await expect(notifier.list('ann@example.com', { cursor: 'garbage' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await store.close();
  });

  it('stores nothing for a message it refuses', async () => {
    const { store, notifier } = setup();
    await expect(notifier.sendSms({ to: '+1 415 555 0123', text: 'Code 1' })).rejects.toBeInstanceOf(
      AppError,
    );
    expect((await notifier.list('+1 415 555 0123')).items).toEqual([]);
    await store.close();
  });
});

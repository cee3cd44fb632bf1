import { ManualClock } from '../kernel/clock.ts';
import { runIdentityContract } from '../platform/identity-contract.ts';
import { silentLogger } from '../platform/logger.ts';
import { MailboxNotifier } from '../runtime/local/mailbox-notifier.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { createLocalIdentity } from './service.ts';

const subjects = { verify: 'Verify', reset: 'Reset' } as const;

// Nothing is mocked: the local issuer on an in-memory SqliteStore, its time a manual clock, its
// mail in the local runtime's mailbox.
runIdentityContract('local issuer (SqliteStore :memory:)', async (config) => {
  const store = new SqliteStore(':memory:');
  const clock = new ManualClock();
  const mailbox = new MailboxNotifier({ store, clock });
  return {
    identity: createLocalIdentity({ store, clock, config, logger: silentLogger, notifier: mailbox }),
    advance: async (seconds) => clock.advance(seconds * 1000),
    now: () => clock.now(),
    async mailedCode(email, purpose) {
      const { items } = await mailbox.list(email, { limit: 20 });
      const mail = items.find((item) => item.channel === 'email' && item.subject.includes(subjects[purpose]));
      return mail ? /\b(\d{6})\b/.exec(mail.text)?.[1] : undefined;
    },
    cleanup: () => store.close(),
  };
});

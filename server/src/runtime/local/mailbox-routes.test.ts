import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/app-harness.ts';
import type { MailboxNotifier } from './mailbox-notifier.ts';
import { mailboxRoutes } from './mailbox-routes.ts';

function anApp() {
  // The harness makes the mailbox with the app: the route reads it once both exist.
  const made: { mailbox?: MailboxNotifier } = {};
  const app = createTestApp({
    config: { requireEmailVerification: true },
    extend: (hono) => {
      hono.route('/', mailboxRoutes({ list: (to, options) => made.mailbox!.list(to, options) }));
    },
  });
  made.mailbox = app.mailbox;
  return app;
}

describe('GET /v1/admin/mailbox (local runtime)', () => {
  it('shows an admin the mail sent to an address, newest first: the verification code', async () => {
    const app = anApp();
    const ann = await app.signUp('ann');
    const admin = await app.signUp('admin', 'admin@example.com');
    const response = await app.call(
      'GET',
      `/v1/admin/mailbox?to=${encodeURIComponent(ann.email.toUpperCase())}`,
      {
        token: admin.token,
      },
    );
    expect(response.status).toBe(200);
    expect(response.json.data).toEqual([
      expect.objectContaining({ channel: 'email', to: ann.email, subject: 'Verify your email for Sluice' }),
    ]);
    expect(response.json.data[0].text).toMatch(/\b\d{6}\b/);
    expect(response.json.has_more).toBe(false);
  });

  it('is for admins only', async () => {
    const app = anApp();
    const ann = await app.signUp('ann');
    expect((await app.call('GET', `/v1/admin/mailbox?to=${ann.email}`, { token: ann.token })).status).toBe(
      403,
    );
    expect((await app.call('GET', `/v1/admin/mailbox?to=${ann.email}`)).status).toBe(401);
  });
});

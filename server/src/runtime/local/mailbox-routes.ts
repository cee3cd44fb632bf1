import { createRoute, z } from '@hono/zod-openapi';
import { requireAdmin } from '../../http/auth.ts';
import { bearerSecurity, createRouter, errorResponses, jsonResponse } from '../../http/openapi.ts';
import { listSchema, paginationQuerySchema } from '../../http/schemas.ts';
import type { MailboxNotifier } from './mailbox-notifier.ts';

const mailboxMessageSchema = z
  .object({
    id: z.string(),
    channel: z.enum(['email', 'sms']),
    to: z.string(),
    subject: z.string().optional(),
    text: z.string(),
    sent_at: z.string(),
  })
  .openapi('MailboxMessage');

const listMailboxRoute = createRoute({
  method: 'get',
  path: '/v1/admin/mailbox',
  tags: ['Admin'],
  security: bearerSecurity,
  summary: 'The local mailbox: what the server mailed (or texted) to one address, newest first',
  description:
    'Local runtime only: nothing leaves the machine, so sign-up verification and password reset codes land here. On AWS mail goes out through SES.',
  request: {
    query: paginationQuerySchema.extend({
      to: z.string().trim().min(1).max(254).openapi({ description: 'An email address or an E.164 number.' }),
    }),
  },
  responses: {
    200: jsonResponse(listSchema(mailboxMessageSchema), 'A page of messages'),
    ...errorResponses(400, 401, 403),
  },
});

/**
 * `GET /v1/admin/mailbox?to=` (SPEC §0): admins read the local mailbox. Mounted by the local
 * runtime beside the app (the path is unclaimed, so the app requires a user token; this adds admin).
 *
 * `requireMfa`: as on every admin route, only an admin signed in with a second factor
 * (`Config.requireMfaForAdmins`).
 *
 * @example app.route('/', mailboxRoutes(notifier, { requireMfa: config.requireMfaForAdmins }));
 */
export function mailboxRoutes(
  mailbox: Pick<MailboxNotifier, 'list'>,
  options: { requireMfa?: boolean } = {},
) {
  const app = createRouter();
  app.use('/v1/admin/mailbox', requireAdmin(options));
  app.openapi(listMailboxRoute, async (c) => {
    const query = c.req.valid('query');
    const page = await mailbox.list(query.to, {
      limit: query.limit,
      ...(query.starting_after ? { cursor: query.starting_after } : {}),
    });
    return c.json(
      {
        data: page.items.map((message) => ({
          id: message.id,
          channel: message.channel,
          to: message.to,
          ...(message.channel === 'email' ? { subject: message.subject } : {}),
          text: message.text,
          sent_at: message.sentAt,
        })),
        has_more: page.cursor !== undefined,
        next_cursor: page.cursor ?? null,
      },
      200,
    );
  });
  return app;
}

import { z } from '@hono/zod-openapi';
import { merchantRoles } from '../kernel/principal.ts';

/** A role, with the message a client sees for one that does not exist. */
export const roleSchema = z.enum(merchantRoles, {
  error: `role must be one of ${merchantRoles.join(', ')}`,
});

export const inviteMemberSchema = z
  .object({
    email: z
      .email({ error: 'email must be an email address' })
      .max(254)
      .openapi({ example: 'bea@example.com' }),
    role: roleSchema.openapi({ example: 'approver' }),
  })
  .strict()
  .openapi('InviteMember');

export const updateMemberSchema = z
  .object({ role: roleSchema.openapi({ example: 'admin' }) })
  .strict()
  .openapi('UpdateMember');

export const memberSchema = z
  .object({
    id: z.string().openapi({ example: 'mem_Xh3kQ9v2LmT8rW1pZs4aYb6c' }),
    object: z.literal('member'),
    merchant: z.string().openapi({ example: 'mer_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    email: z.string().openapi({ example: 'bea@example.com' }),
    role: z.enum(merchantRoles).openapi({ example: 'approver' }),
    /** `invited` until the person signs in with a verified email and acts for the merchant. */
    status: z.enum(['active', 'invited']),
    user: z.string().nullable().openapi({ example: 'usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    created_at: z.string().openapi({ example: '2026-01-15T12:00:00.000Z' }),
  })
  .openapi('Member');

export type Member = z.output<typeof memberSchema>;

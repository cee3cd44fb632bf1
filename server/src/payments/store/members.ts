import { createHash } from 'node:crypto';
import { z } from 'zod';
import { merchantRoles } from '../../kernel/principal.ts';
import { readItem, type Item, type Store, type WriteOperation } from '../../platform/store.ts';
import { everyItem, paymentKeys } from './keys.ts';

/**
 * A team member item `MER#<merchant>` / `MEMBER#<member id>`, in the merchant's partition (so a
 * merchant's team is one query). The member id is derived from the merchant and the email, so
 * the auth check finds a caller's membership from their token's email with one read. An invited
 * member has no `user_id` until that user (with a verified email) first acts for the merchant;
 * from then on the membership belongs to that user id. In gsi1 under the member's email
 * (`MER#MEMBERSHIPS#<email>`), sorted by merchant id: the merchants a person belongs to.
 */
const memberItemSchema = z.object({
  id: z.string(),
  merchant: z.string(),
  email: z.string(),
  role: z.enum(merchantRoles),
  user_id: z.string().nullable(),
  invited_by: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export type MemberRecord = z.output<typeof memberItemSchema>;

/** Emails are matched case-insensitively (`Ann@Example.com` is `ann@example.com`). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The member id of `email` in `merchantId`: stable, so it is found again from the email alone. */
export function memberIdOf(merchantId: string, email: string): string {
  const digest = createHash('sha256')
    .update(`${merchantId}:${normalizeEmail(email)}`)
    .digest('base64url');
  return `mem_${digest.slice(0, 24)}`;
}

const memberKey = (merchantId: string, memberId: string) => ({
  pk: paymentKeys.merchantPartition(merchantId),
  sk: `MEMBER#${memberId}`,
});
const memberships = (email: string) => `MER#MEMBERSHIPS#${normalizeEmail(email)}`;

export function memberFromItem(item: Item): MemberRecord {
  return memberItemSchema.parse(item);
}

export function readMember(
  store: Store,
  merchantId: string,
  memberId: string,
): Promise<MemberRecord | undefined> {
  return readItem(store, memberKey(merchantId, memberId), memberFromItem);
}

/** Adds a member (refused when the email is already on the team). */
export function memberPut(member: MemberRecord): WriteOperation {
  return {
    type: 'put',
    item: {
      ...memberKey(member.merchant, member.id),
      entity: 'member',
      ...member,
      gsi1pk: memberships(member.email),
      gsi1sk: member.merchant,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/** Makes a new merchant's creator (`merchant.owner`, mailed at `email`) its first owner. */
export function ownerMemberPut(
  merchant: { id: string; owner: string },
  email: string,
  at: string,
): WriteOperation {
  return memberPut({
    id: memberIdOf(merchant.id, email),
    merchant: merchant.id,
    email: normalizeEmail(email),
    role: 'owner',
    user_id: merchant.owner,
    invited_by: null,
    created_at: at,
    updated_at: at,
  });
}

/** Writes the member as changed, if it is still as it was read (`expected.updated_at`). */
export function memberReplace(expected: MemberRecord, next: MemberRecord): WriteOperation {
  return {
    ...memberPut(next),
    condition: { compare: ['updated_at', '=', expected.updated_at] },
  };
}

/** Removes the member, if it is still as it was read. */
export function memberDelete(expected: MemberRecord): WriteOperation {
  return {
    type: 'delete',
    key: memberKey(expected.merchant, expected.id),
    condition: { compare: ['updated_at', '=', expected.updated_at] },
  };
}

/**
 * Moves the merchant's count of owners by `delta`. Taking one away is conditional on another
 * owner remaining, so two concurrent removals of the last two owners cannot both pass.
 */
export function merchantOwnerCount(merchantId: string, delta: number): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.merchant(merchantId),
    add: { owners: delta },
    condition: delta < 0 ? { compare: ['owners', '>', -delta] } : { attributeExists: 'pk' },
  };
}

/** Sets the owner count of a merchant stored before teams (migration), unless it has one. */
export function merchantOwnerCountOpen(merchantId: string, owners: number): WriteOperation {
  return {
    type: 'update',
    key: paymentKeys.merchant(merchantId),
    set: { owners },
    condition: { all: [{ attributeExists: 'pk' }, { attributeNotExists: 'owners' }] },
  };
}

/** The merchant's team, by member id. */
export async function teamMembers(store: Store, merchantId: string): Promise<MemberRecord[]> {
  const members: MemberRecord[] = [];
  for await (const item of everyItem(store, {
    partition: paymentKeys.merchantPartition(merchantId),
    sort: { op: 'begins_with', value: 'MEMBER#' },
  }))
    members.push(memberFromItem(item));
  return members;
}

/** The memberships of a person, by their email, ordered by merchant id. */
export async function membershipsOf(store: Store, email: string): Promise<MemberRecord[]> {
  const found: MemberRecord[] = [];
  for await (const item of everyItem(store, { index: 'gsi1', partition: memberships(email) }))
    found.push(memberFromItem(item));
  return found;
}

/** Key patterns of team items beyond the merchant partition's own. */
export const memberKeyPatterns = ['MER#MEMBERSHIPS#*'] as const;

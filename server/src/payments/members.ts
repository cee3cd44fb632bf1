import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { MerchantRole } from '../kernel/principal.ts';
import type { Identity } from '../platform/identity.ts';
import type { Logger } from '../platform/logger.ts';
import type { Notifier } from '../platform/notifier.ts';
import { isTransactionCanceled } from '../platform/store.ts';
import { allMerchants, getMerchantRecord, toMerchant, type PaymentsDeps } from './merchants.ts';
import type { Merchant } from './model.ts';
import type { Member } from './member-model.ts';
import { roleAllows, type Permission } from './permissions.ts';
import {
  memberDelete,
  memberIdOf,
  memberPut,
  memberReplace,
  membershipsOf,
  merchantOwnerCount,
  merchantOwnerCountOpen,
  normalizeEmail,
  ownerMemberPut,
  readMember,
  teamMembers,
  type MemberRecord,
} from './store/members.ts';
import { ownerMerchants, type MerchantRecord } from './store/merchants.ts';

export type MembersDeps = PaymentsDeps & {
  identity: Pick<Identity, 'getUser'>;
  notifier: Pick<Notifier, 'sendEmail'>;
};

/** A person acting for a merchant from the dashboard: who they are, by their access token. */
export interface Person {
  userId: string;
  email: string;
}

export function toMember(record: MemberRecord): Member {
  return {
    id: record.id,
    object: 'member',
    merchant: record.merchant,
    email: record.email,
    role: record.role,
    status: record.user_id ? 'active' : 'invited',
    user: record.user_id,
    created_at: record.created_at,
  };
}

/**
 * The caller's role in the merchant, or undefined when they are not on its team (which the
 * caller answers as "no such merchant"). An invitation is taken up here, the first time its
 * person acts for the merchant, and only with a verified email (a sign-up that merely claims the
 * address gets nothing); from then on the membership is that user's, whatever email they change
 * to later.
 */
export async function roleOf(
  deps: PaymentsDeps & { identity: Pick<Identity, 'getUser'> },
  merchant: MerchantRecord,
  person: Person,
): Promise<MerchantRole | undefined> {
  const merchantId = merchant.id;
  const member = await readMember(deps.store, merchantId, memberIdOf(merchantId, person.email));
  // A merchant whose team was never set up (made by code that knew no email: the shop's own) is
  // its creator's alone.
  if (!member) return merchant.owners === undefined && merchant.owner === person.userId ? 'owner' : undefined;
  if (member.user_id) return member.user_id === person.userId ? member.role : undefined;
  const user = await deps.identity.getUser(person.userId);
  if (!user || user.email_verified === false || normalizeEmail(user.email) !== member.email) return undefined;
  const accepted = { ...member, user_id: person.userId, updated_at: isoTime(deps.clock.now()) };
  try {
    await deps.store.transact([memberReplace(member, accepted)]);
  } catch (error) {
    // Changed meanwhile (its role, or taken up by a concurrent request): judge it as it now is.
    if (!isTransactionCanceled(error)) throw error;
    return roleOf(deps, merchant, person);
  }
  return accepted.role;
}

/**
 * The merchant, if the person may do `permission` on it: 404 when they are not on its team (as
 * for a merchant that does not exist), 403 `forbidden` when their role does not allow it.
 */
export async function requireMemberPermission(
  deps: PaymentsDeps & { identity: Pick<Identity, 'getUser'> },
  merchantId: string,
  person: Person,
  permission: Permission,
): Promise<{ merchant: MerchantRecord; role: MerchantRole }> {
  const merchant = merchantId.length <= 200 ? await getMerchantRecord(deps, merchantId) : undefined;
  const role = merchant && (await roleOf(deps, merchant, person));
  if (!merchant || !role) throw new AppError('not_found', `no merchant ${merchantId}`, { param: 'id' });
  if (!roleAllows(role, permission))
    throw new AppError('forbidden', `a member with the ${role} role cannot do this`, {
      details: { role, needs: permission },
    });
  return { merchant, role };
}

/**
 * Whether the person may still read the merchant (on its team, with a role that reads): what a
 * stream opened with their token is checked against again while it stays open.
 */
export async function memberMayRead(
  deps: PaymentsDeps & { identity: Pick<Identity, 'getUser'> },
  merchantId: string,
  person: Person,
): Promise<boolean> {
  try {
    await requireMemberPermission(deps, merchantId, person, 'read');
    return true;
  } catch (error) {
    if (error instanceof AppError && (error.code === 'not_found' || error.code === 'forbidden')) return false;
    throw error;
  }
}

/**
 * The merchants the person is on the team of without owning them (owners list theirs from the
 * owner index), in merchant-id order: what the dashboard's merchant switcher adds.
 */
export async function joinedMerchants(
  deps: PaymentsDeps & { identity: Pick<Identity, 'getUser'> },
  person: Person,
): Promise<Merchant[]> {
  const joined: Merchant[] = [];
  for (const membership of await membershipsOf(deps.store, person.email)) {
    const merchant = await getMerchantRecord(deps, membership.merchant);
    if (!merchant || merchant.owner === person.userId) continue;
    if (await roleOf(deps, merchant, person)) joined.push(toMerchant(deps, merchant));
  }
  return joined;
}

/**
 * A page of the user's merchants, owned and joined, oldest first (ids are time-ordered), after
 * the merchant `page.cursor` names (400 when it is none of them). Both lists are short (20 owned at most, and the teams the
 * user was invited to), so they are read whole and paged in memory: a team never falls between
 * two pages or past the limit.
 */
export async function listMyMerchants(
  deps: PaymentsDeps & { identity: Pick<Identity, 'getUser'> },
  person: Person,
  page: { limit: number; cursor?: string },
): Promise<{ data: Merchant[]; next_cursor: string | undefined }> {
  const owned: Merchant[] = [];
  for await (const merchant of ownerMerchants(deps.store, person.userId))
    owned.push(toMerchant(deps, merchant));
  const all = [...owned, ...(await joinedMerchants(deps, person))].sort((a, b) => a.id.localeCompare(b.id));
  const start = page.cursor === undefined ? 0 : all.findIndex((merchant) => merchant.id === page.cursor) + 1;
  // As Stripe does: a cursor is one of the caller's own objects (so another user's says nothing).
  if (start === 0 && page.cursor !== undefined)
    throw new AppError('validation_failed', 'starting_after is not one of your merchants', {
      param: 'starting_after',
    });
  const data = all.slice(start, start + page.limit);
  return { data, next_cursor: start + page.limit < all.length ? data.at(-1)!.id : undefined };
}

export async function listMembers(deps: PaymentsDeps, merchantId: string): Promise<Member[]> {
  return (await teamMembers(deps.store, merchantId)).map(toMember);
}

/** Only an owner hands out, changes or takes away the `owner` role; admins manage the rest. */
function checkRoleChange(
  actorRole: MerchantRole,
  from: MerchantRole | undefined,
  to: MerchantRole | undefined,
) {
  if (actorRole !== 'owner' && (from === 'owner' || to === 'owner'))
    throw new AppError('forbidden', 'only an owner can grant or change the owner role', {
      param: 'role',
    });
}

/**
 * Invites `email` to the merchant's team with `role`, and mails them. 409 `conflict` when the
 * email is already on the team.
 */
export async function inviteMember(
  deps: MembersDeps,
  merchantId: string,
  actor: Person,
  input: { email: string; role: MerchantRole },
): Promise<Member> {
  const { merchant, role: actorRole } = await requireMemberPermission(deps, merchantId, actor, 'manage');
  checkRoleChange(actorRole, undefined, input.role);
  const at = isoTime(deps.clock.now());
  const email = normalizeEmail(input.email);
  const record: MemberRecord = {
    id: memberIdOf(merchant.id, email),
    merchant: merchant.id,
    email,
    role: input.role,
    user_id: null,
    invited_by: actor.userId,
    created_at: at,
    updated_at: at,
  };
  try {
    await deps.store.transact([
      memberPut(record),
      ...(input.role === 'owner' ? [merchantOwnerCount(merchant.id, 1)] : []),
    ]);
  } catch (error) {
    if (!isTransactionCanceled(error) || !error.reasonAt(0)) throw error;
    throw new AppError('conflict', `${email} is already on the team`, { param: 'email' });
  }
  await deps.notifier.sendEmail({
    to: email,
    subject: `You are invited to ${merchant.name} on Sluice`,
    text: `${actor.email} invited you to the team of ${merchant.name} as ${input.role}. Sign in (or sign up) with this email address, verify it, and choose ${merchant.name} in Developers.`,
  });
  return toMember(record);
}

async function requireMember(
  deps: PaymentsDeps,
  merchantId: string,
  memberId: string,
): Promise<MemberRecord> {
  const member = memberId.length <= 200 ? await readMember(deps.store, merchantId, memberId) : undefined;
  if (!member) throw new AppError('not_found', `no member ${memberId}`, { param: 'member_id' });
  return member;
}

/** Refused with 409 when it would leave the merchant without an owner. */
function lastOwner(error: unknown, index: number): never {
  if (isTransactionCanceled(error) && error.reasonAt(index))
    throw new AppError('invalid_state_transition', 'a merchant keeps at least one owner', {
      param: 'member_id',
    });
  if (isTransactionCanceled(error))
    throw new AppError('conflict', 'the member changed meanwhile: read it again', { param: 'member_id' });
  throw error;
}

export async function changeMemberRole(
  deps: MembersDeps,
  merchantId: string,
  actor: Person,
  memberId: string,
  role: MerchantRole,
): Promise<Member> {
  const { role: actorRole } = await requireMemberPermission(deps, merchantId, actor, 'manage');
  const member = await requireMember(deps, merchantId, memberId);
  checkRoleChange(actorRole, member.role, role);
  if (member.role === role) return toMember(member);
  const next = { ...member, role, updated_at: isoTime(deps.clock.now()) };
  const ownerDelta = (role === 'owner' ? 1 : 0) - (member.role === 'owner' ? 1 : 0);
  try {
    await deps.store.transact([
      memberReplace(member, next),
      ...(ownerDelta !== 0 ? [merchantOwnerCount(merchantId, ownerDelta)] : []),
    ]);
  } catch (error) {
    lastOwner(error, 1);
  }
  return toMember(next);
}

export async function removeMember(
  deps: MembersDeps,
  merchantId: string,
  actor: Person,
  memberId: string,
): Promise<Member> {
  const { role: actorRole } = await requireMemberPermission(deps, merchantId, actor, 'manage');
  const member = await requireMember(deps, merchantId, memberId);
  checkRoleChange(actorRole, member.role, undefined);
  try {
    await deps.store.transact([
      memberDelete(member),
      ...(member.role === 'owner' ? [merchantOwnerCount(merchantId, -1)] : []),
    ]);
  } catch (error) {
    lastOwner(error, 1);
  }
  return toMember(member);
}

/**
 * Migration 2: every merchant's owner becomes an `owner` member of its team, and the merchant
 * counts one owner. Idempotent: an owner already a member, or a count already set, is left as is.
 */
export async function ownersBecomeMembers(
  deps: PaymentsDeps & { identity: Pick<Identity, 'getUser'>; logger: Logger },
): Promise<number> {
  let changed = 0;
  for await (const merchant of allMerchants(deps)) {
    const owner = await deps.identity.getUser(merchant.owner);
    if (!owner) {
      deps.logger.warn('merchant owner not found: no owner member made', { merchant: merchant.id });
      continue;
    }
    for (const operation of [
      ownerMemberPut(merchant, owner.email, merchant.created_at),
      merchantOwnerCountOpen(merchant.id, 1),
    ]) {
      try {
        await deps.store.transact([operation]);
        changed += 1;
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
      }
    }
  }
  return changed;
}

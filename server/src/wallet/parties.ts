import type { WalletParty } from './model.ts';
import type { UserDirectory, WalletUser } from './service.ts';

/**
 * Names and emails are stored beside the user ids when a transfer or request is written
 * (`from_name`, `from_email` …): names as they were at the time, like Venmo, and reads that
 * cost no directory lookups. Items written before that are completed from the directory.
 */
export type PartyRole = 'from' | 'to' | 'requester' | 'payer';

/** The fields that store `user` as `role`, for transfer metadata or a request item. */
export function partyFields(role: PartyRole, user: WalletUser): Record<string, string> {
  return { [`${role}_name`]: user.name, [`${role}_email`]: user.email };
}

/** The party stored as `role` beside `id`, or null when the item predates stored names. */
export function storedParty(
  id: string | null | undefined,
  role: PartyRole,
  fields: Record<string, unknown>,
): WalletParty | null {
  const name = fields[`${role}_name`];
  const email = fields[`${role}_email`];
  if (!id || typeof name !== 'string' || typeof email !== 'string') return null;
  return { id, name, email };
}

/** A user as a party: only id, name and email ever leave the directory. */
export function toParty(user: WalletUser): WalletParty {
  return { id: user.id, name: user.name, email: user.email };
}

/**
 * Completes parties missing from older items, looking each user up once per call. `system` and
 * null ids stay null, as does a user the directory no longer has.
 */
export function createPartyResolver(
  users: UserDirectory,
): (id: string | null, stored: WalletParty | null) => Promise<WalletParty | null> {
  const found = new Map<string, Promise<WalletParty | null>>();
  return (id, stored) => {
    if (stored || !id || id === 'system') return Promise.resolve(stored);
    let party = found.get(id);
    if (!party) {
      party = users.getUser(id).then((user) => (user ? toParty(user) : null));
      found.set(id, party);
    }
    return party;
  };
}

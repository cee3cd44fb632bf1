import type { WalletParty } from '../api/wallet.ts';

/**
 * What the dashboard calls a person, and the names this browser has seen. The API names the
 * other party of every transfer, request and activity entry; remembering name by email lets the
 * send confirmation say who an email belongs to before any money moves. Forgotten on sign-out.
 */
const storageKey = 'sluice.people';

function load(): Record<string, string> {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(storageKey) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

/** A shortened id, for the rare party the API could not name. */
function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id;
}

/** The person's name; their id (shortened) when the API sent no name; Sluice for itself. */
export function personLabel(party: WalletParty | null | undefined, id?: string | null): string {
  if (party?.name) return party.name;
  if (party?.email) return party.email;
  return id && id !== 'system' ? shortId(id) : 'Sluice';
}

/** Keeps the names of the people in an API answer, by email. */
export function rememberPeople(parties: Array<WalletParty | null | undefined>): void {
  const known = load();
  let changed = false;
  for (const party of parties) {
    if (!party?.email || !party.name) continue;
    const email = party.email.toLowerCase();
    if (known[email] !== party.name) {
      known[email] = party.name;
      changed = true;
    }
  }
  if (!changed) return;
  try {
    localStorage.setItem(storageKey, JSON.stringify(known));
  } catch {
    // No storage: the confirmation shows the email alone.
  }
}

/** The name this browser has seen for an email, if any. */
export function knownName(email: string): string | undefined {
  return load()[email.trim().toLowerCase()];
}

/** Forgets every name (signing out: the next person on this browser should not see them). */
export function forgetPeople(): void {
  try {
    localStorage.removeItem(storageKey);
    localStorage.removeItem('sluice.contacts');
  } catch {
    // Nothing stored.
  }
}

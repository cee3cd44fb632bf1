/**
 * The people this browser has sent to or requested from, by user id, so lists can show an email
 * instead of an id. The API names counterparties by id only.
 */
const storageKey = 'sluice.contacts';

function load(): Record<string, string> {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(storageKey) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

export function rememberContact(userId: string, label: string): void {
  if (!userId || userId === label) return;
  try {
    localStorage.setItem(storageKey, JSON.stringify({ ...load(), [userId]: label }));
  } catch {
    // No storage: ids stay ids.
  }
}

/** An email this browser knows for the user id, or a shortened id. */
export function contactLabel(userId: string | null | undefined): string {
  if (!userId) return 'Sluice';
  return load()[userId] ?? (userId.length > 14 ? `${userId.slice(0, 6)}…${userId.slice(-4)}` : userId);
}

/** The email this browser knows for the user id, if any. */
export function knownContact(userId: string): string | undefined {
  return load()[userId];
}

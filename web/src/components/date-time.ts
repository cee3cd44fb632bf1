/**
 * The dashboard's one date format, "Dec 4, 2026, 3:30 PM", for every date it shows (a wallet
 * entry, a payment, a delivery attempt), so two pages never show the same moment two ways.
 */
const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO string, or seconds since the epoch (events' `created`). */
export function formatDateTime(value: string | number): string {
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}

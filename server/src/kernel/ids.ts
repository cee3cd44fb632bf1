import { createHash, randomBytes } from 'node:crypto';

/**
 * Every id the platform mints has a registered prefix and sorts by creation time:
 * `<prefix>_<10 chars of time><16 chars of randomness>` in Crockford base32.
 */
export const idPrefixes = {
  account: 'acct',
  transfer: 'tr',
  event: 'evt',
  user: 'usr',
  session: 'ses',
  paymentRequest: 'preq',
  request: 'req',
  merchant: 'mer',
  apiKey: 'key',
  payment: 'pay',
  refund: 're',
  webhookEndpoint: 'we',
  delivery: 'del',
  settlement: 'stl',
  dispute: 'dp',
  message: 'msg',
  connection: 'conn',
} as const;

export type IdKind = keyof typeof idPrefixes;

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = 0;
let lastRandom: number[] = [];

function encodeTime(ms: number): string {
  let out = '';
  let value = ms;
  for (let i = 0; i < 10; i++) {
    out = alphabet[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

/** Random part, incremented within one millisecond so ids stay strictly increasing. */
function nextRandom(ms: number): number[] {
  if (ms === lastTime && lastRandom.length === 16) {
    const next = [...lastRandom];
    for (let i = 15; i >= 0; i--) {
      if (next[i]! < 31) {
        next[i]! += 1;
        break;
      }
      next[i] = 0;
    }
    lastRandom = next;
    return next;
  }
  const bytes = randomBytes(16);
  lastTime = ms;
  lastRandom = [...bytes].map((b) => b % 32);
  return lastRandom;
}

/**
 * Mints a new id for `kind`.
 *
 * @example newId('transfer') // "tr_01JD3S8Q4X9Z2K7M5N6P8R0T1V"
 */
export function newId(kind: IdKind, now: number = Date.now()): string {
  return mintId(idPrefixes[kind], now);
}

function mintId(prefix: string, now: number): string {
  const ms = Math.max(now, lastTime);
  const random = nextRandom(ms)
    .map((n) => alphabet[n])
    .join('');
  return `${prefix}_${encodeTime(ms)}${random}`;
}

/**
 * The least id of `kind` made at `ms` or later: every id made before `ms` sorts below it, so it
 * bounds a range query over time-sorted ids.
 *
 * @example store.query({ partition, sort: { op: '<', value: idTimeBound('event', Date.now() - 60_000) } })
 */
export function idTimeBound(kind: IdKind, ms: number): string {
  return `${idPrefixes[kind]}_${encodeTime(ms)}`;
}

/**
 * `ms` as the 10 characters of Crockford base32 that start every id: strings that sort as the
 * times do, for sort keys shorter than an ISO time (24 characters).
 *
 * @example timeSortKey(Date.UTC(2026, 11, 5)) // "01M9…"
 */
export function timeSortKey(ms: number): string {
  return encodeTime(ms);
}

/**
 * An id derived from what it names rather than minted: the same `seed` gives the same id, so a
 * retried job writes the same record (a conditional put then refuses the second one). `at` is its
 * time part, so derived ids still sort by the time they stand for.
 *
 * @example derivedId('settlement', Date.UTC(2026, 0, 1), 'mer_…:USD:2026-01-01:pay_…')
 */
export function derivedId(kind: IdKind, at: number, seed: string): string {
  const digest = createHash('sha256').update(`${kind}:${seed}`).digest();
  const random = [...digest.subarray(0, 16)].map((b) => alphabet[b % 32]).join('');
  return `${idPrefixes[kind]}_${encodeTime(at)}${random}`;
}

/** True when `id` is shaped like an id of `kind`. */
export function isId(kind: IdKind, id: string): boolean {
  return new RegExp(`^${idPrefixes[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`).test(id);
}

/**
 * A module's own id prefixes, so a new product mints ids without editing this file. The module
 * lists `prefixes` in its definition; `app/` checks that no prefix is claimed twice (nor clashes
 * with `idPrefixes`).
 *
 * @example
 * const commerceIds = defineIds({ product: 'prod', order: 'ord' });
 * commerceIds.newId('order') // "ord_01JD3S8Q4X9Z2K7M5N6P8R0T1V"
 */
export function defineIds<const T extends Record<string, string>>(prefixes: T) {
  return {
    prefixes,
    newId: (kind: keyof T & string, now: number = Date.now()): string => mintId(prefixes[kind]!, now),
    isId: (kind: keyof T & string, id: string): boolean =>
      new RegExp(`^${prefixes[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`).test(id),
  };
}

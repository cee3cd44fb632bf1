import type { WriteOperation } from './store.ts';

/**
 * The registry of key patterns: every partition key (an item's `pk`, or an index partition such
 * as `gsi1pk`) a module writes, as `#`-separated segments. A literal segment is a layout word,
 * always spelled in upper case (`PAY`, `EVENTS`); `*` stands for one value the code fills in (an
 * id, an email, a queue name), which is never a bare upper-case word; `{CODE}` for a currency code
 * (ISO 4217, or `COIN`); a last `**` for one or more segments (for a key ending in
 * text a client chose, which may itself hold `#`). A module claims its
 * patterns in its definition (`keys`); `app/` checks that no key can match two claims, so two
 * modules can never write into each other's items or index partitions.
 *
 * @example const paymentKeys = ['PAY#*', 'MER#PAYS#*'] as const satisfies readonly KeyPattern[];
 */
export type KeyPattern = string;

/** The partitions the platform itself writes (outbox, queues, idempotency, consumer dedupe, realtime, demo seed, applied migrations). */
export const platformKeyPatterns = [
  'EVT#*',
  'OUTBOX#PENDING',
  'OUTBOX#FAILED',
  'OUTBOX#CHECKPOINT',
  'OUTBOX#*#*',
  'MER#*#EVENTS',
  'MER#*#EVENTS#S#*',
  'DEDUPE#*#*',
  'IDEM#*',
  'IDEM#HASHED',
  'PAYMENTS#CONFIG',
  'QUEUE#*#*',
  'QUEUE#*#READY',
  'QUEUE#*#DEAD',
  'QUEUED#*#*',
  'QUEUED#PENDING',
  'WSCONN#*',
  'WSUSER#*',
  'WSCLOSE#*',
  'WSKEYS',
  'SEED#DEMO',
  'MAILBOX#*',
  'MIGRATIONS',
] as const satisfies readonly KeyPattern[];

const layoutWord = /^[A-Z][A-Z_]*$/;
const code = /^[A-Z]{3,4}$/;

/**
 * True when some key matches both patterns: segment by segment, the same word, or a `*` against
 * anything but a layout word (or another `*`); a `**` takes the rest.
 *
 * @example keyPatternsOverlap('MER#*#EVENTS', 'MER#mer_1#EVENTS') // true
 * @example keyPatternsOverlap('MER#*#EVENTS', 'MER#PAYS#*') // false: PAYS is a layout word, never an id
 */
export function keyPatternsOverlap(a: KeyPattern, b: KeyPattern): boolean {
  const left = a.split('#');
  const right = b.split('#');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === '**' || y === '**') return x !== undefined && y !== undefined;
    if (x === undefined || y === undefined) return false;
    if (!segmentsOverlap(x, y)) return false;
  }
  return true;
}

function segmentsOverlap(x: string, y: string): boolean {
  if (x === y) return true;
  if (x === '*' || y === '*') return x !== '{CODE}' && y !== '{CODE}' && !layoutWord.test(x === '*' ? y : x);
  if (x === '{CODE}') return code.test(y);
  if (y === '{CODE}') return code.test(x);
  return false;
}

/** Whether one segment of a real key fills one segment of a pattern. */
function segmentMatches(segment: string, part: string): boolean {
  if (part === '*') return segment !== '' && !layoutWord.test(segment);
  if (part === '{CODE}') return code.test(segment);
  return segment === part;
}

/**
 * True when the key (a real `pk` or index partition, not a pattern) matches the pattern, by the
 * rules above.
 *
 * @example keyMatchesPattern('LEDGER#CURRENCY#USD', 'LEDGER#CURRENCY#*') // true
 */
export function keyMatchesPattern(key: string, pattern: KeyPattern): boolean {
  const segments = key.split('#');
  const parts = pattern.split('#');
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === '**') return segments.length > i;
    if (segments[i] === undefined || !segmentMatches(segments[i]!, parts[i]!)) return false;
  }
  return segments.length === parts.length;
}

/**
 * The partitions a write puts an item in: its `pk`, and the index partitions (`gsi1pk`,
 * `gsi2pk`) it sets. What a module's store tests check against its key patterns.
 *
 * @example partitionsWritten({ type: 'put', item: { pk: 'PAY#pay_1', sk: 'PAY', gsi1pk: 'MER#PAYS#mer_1' } }) // ['PAY#pay_1', 'MER#PAYS#mer_1']
 */
export function partitionsWritten(operation: WriteOperation): string[] {
  const attributes: Record<string, unknown> =
    operation.type === 'put'
      ? operation.item
      : operation.type === 'update'
        ? { ...operation.key, ...operation.set }
        : { ...operation.key };
  return ['pk', 'gsi1pk', 'gsi2pk'].flatMap((name) => {
    const value = attributes[name];
    return typeof value === 'string' ? [value] : [];
  });
}

/**
 * The registry of key patterns: every partition key (an item's `pk`, or an index partition such
 * as `gsi1pk`) a module writes, as `#`-separated segments where `*` stands for one id. A module
 * claims its patterns in its definition (`keys`); `app/` checks that no key can match two claims,
 * so two modules can never write into each other's items or index partitions.
 *
 * @example const paymentKeys = ['PAY#*', 'MER#*#PAYMENTS'] as const satisfies readonly KeyPattern[];
 */
export type KeyPattern = string;

/** The partitions the platform itself writes (outbox, queues, idempotency, rate limits, health). */
export const platformKeyPatterns = [
  'EVT#*',
  'OUTBOX#PENDING',
  'QUEUED#PENDING',
  'MSG#*',
  'QUEUE#*',
  'QUEUE#*#READY',
  'QUEUE#*#DEAD',
  'IDEM#*',
  'DEDUPE#*#*',
  'RATE#*',
  'HEALTH',
  'PAYMENTS#CONFIG',
  'WSCONN#*',
  'USERCONN#*',
] as const satisfies readonly KeyPattern[];

/**
 * True when some key matches both patterns: the same number of segments, and in each place the
 * same text or a `*` on either side.
 *
 * @example keyPatternsOverlap('MER#*#EVENTS', 'MER#mer_1#EVENTS') // true
 */
export function keyPatternsOverlap(a: KeyPattern, b: KeyPattern): boolean {
  const left = a.split('#');
  const right = b.split('#');
  return left.length === right.length && left.every((segment, i) => segment === '*' || right[i] === '*' || segment === right[i]);
}

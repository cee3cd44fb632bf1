import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Clock } from '../../kernel/clock.ts';
import { createJsonLogger, type Logger } from '../../platform/logger.ts';
import {
  isTransactionCanceled,
  maxTransactionItems,
  type ItemKey,
  type Store,
  type WriteOperation,
} from '../../platform/store.ts';
import { tableSchema } from '../../platform/table-schema.ts';

/**
 * DynamoDB's TTL for the SQLite store: items whose `expires_at` (Unix seconds, a number) has
 * passed are deleted in the background, in bounded batches, through the store's writer like any
 * other delete. As on DynamoDB, deletion is lazy: an expired item stays readable until a sweep
 * reaches it, so readers that care compare `expires_at` with their clock themselves (and the
 * store contract pins that an expired item is still returned).
 *
 * DynamoDB's rules, kept here: only a Number attribute counts (a string or boolean `expires_at`
 * never expires the item), and an item whose TTL is more than five years in the past is left
 * alone (a value in milliseconds by mistake is far in the future, one in the wrong unit the
 * other way is far in the past: neither deletes data wholesale).
 */
/** DynamoDB ignores TTL values more than five years in the past. */
export const maxTtlAgeSeconds = 5 * 365 * 24 * 3600;

/**
 * Creates the partial index the sweeper reads (expiring items only, by expiry time), on the `ttl`
 * column the writer fills from a Number `expires_at` (`sqlite-codec.ts`).
 */
export function createExpiryIndex(db: DatabaseSync): void {
  db.exec('CREATE INDEX IF NOT EXISTS items_ttl ON items (ttl) WHERE ttl IS NOT NULL');
}

/**
 * The keys of up to `limit` items that expired at or before `nowSeconds`, soonest-expired first.
 *
 * @example const keys = findExpiredKeys(db, Math.floor(Date.now() / 1000), 500);
 */
export function findExpiredKeys(
  statement: StatementSync,
  nowSeconds: number,
  limit: number,
): Array<ItemKey & { expires_at: number }> {
  return (
    statement.all(nowSeconds - maxTtlAgeSeconds, nowSeconds, limit) as unknown as Array<
      ItemKey & { e: number }
    >
  ).map((row) => ({ pk: row.pk, sk: row.sk, expires_at: row.e }));
}

/** The statement `findExpiredKeys` runs; prepare it once per connection. */
export function prepareExpiredKeysQuery(db: DatabaseSync): StatementSync {
  // Only a Number `expires_at` fills the column (not true/false, which JSON would make 1/0).
  return db.prepare('SELECT pk, sk, ttl AS e FROM items WHERE ttl BETWEEN ? AND ? ORDER BY ttl LIMIT ?');
}

/** What the sweeper needs of the store: `SqliteStore` has both. */
export interface ExpiringStore extends Pick<Store, 'transact'> {
  /** Keys of items that expired at or before `nowSeconds`, at most `limit`. */
  expiredKeys(nowSeconds: number, limit: number): Promise<ItemKey[]>;
  /** Returns up to `pages` free pages to the file system, keeping `keepFree`; resolves to pages freed. */
  reclaimSpace?(pages: number, keepFree: number): Promise<number>;
}

export interface TtlSweeperOptions {
  store: ExpiringStore;
  clock: Clock;
  logger?: Logger;
  /** Items deleted per sweep, at most. Default 500. */
  batchSize?: number;
  /** Pause after a sweep that found less than a full batch. Default 1 s. */
  intervalMs?: number;
  /** Pause after a full batch, so a backlog drains without crowding out requests. Default 20 ms. */
  busyIntervalMs?: number;
  /** Free pages returned to the file system per sweep, at most (0: none). Default 512 (1 MB). */
  vacuumStepPages?: number;
  /** Free pages left on the freelist for inserts to reuse. Default 2048 (4 MB). */
  keepFreePages?: number;
}

/** What one sweep did. */
export interface SweepSummary {
  /** Expired items deleted. */
  deleted: number;
  /** Free pages given back to the file system. */
  reclaimedPages: number;
}

/**
 * Deletes expired items in the background.
 *
 * @example
 * const sweeper = new TtlSweeper({ store, clock: systemClock, logger });
 * sweeper.start();
 * // on shutdown, before the store closes
 * await sweeper.stop();
 */
export class TtlSweeper {
  readonly #store: ExpiringStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #batchSize: number;
  readonly #intervalMs: number;
  readonly #busyIntervalMs: number;
  readonly #vacuumStepPages: number;
  readonly #keepFreePages: number;
  #tail: Promise<unknown> = Promise.resolve();
  #loop: Promise<void> | undefined;
  #isStopping = false;
  #wake: (() => void) | undefined;

  constructor(options: TtlSweeperOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger ?? createJsonLogger();
    this.#batchSize = Math.max(1, options.batchSize ?? 500);
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#busyIntervalMs = options.busyIntervalMs ?? 20;
    this.#vacuumStepPages = options.vacuumStepPages ?? 512;
    this.#keepFreePages = options.keepFreePages ?? 2048;
  }

  /** One sweep: deletes up to a batch of expired items, then reclaims a step of free pages. */
  sweepOnce(): Promise<SweepSummary> {
    const sweep = this.#tail.then(() => this.#sweep());
    this.#tail = sweep.catch(() => undefined);
    return sweep;
  }

  /** Sweeps until a sweep finds nothing expired: everything expired by the clock's now is gone. */
  async drain(): Promise<SweepSummary> {
    const total: SweepSummary = { deleted: 0, reclaimedPages: 0 };
    for (;;) {
      const summary = await this.sweepOnce();
      total.deleted += summary.deleted;
      total.reclaimedPages += summary.reclaimedPages;
      if (summary.deleted < this.#batchSize) return total;
    }
  }

  start(): void {
    if (this.#loop) return;
    this.#isStopping = false;
    this.#loop = this.#run();
  }

  /** Stops once the sweep in flight has finished. */
  async stop(): Promise<void> {
    this.#isStopping = true;
    this.#wake?.();
    const loop = this.#loop;
    await loop;
    if (this.#loop === loop) this.#loop = undefined;
  }

  async #run(): Promise<void> {
    while (!this.#isStopping) {
      let isFull = false;
      try {
        isFull = (await this.sweepOnce()).deleted >= this.#batchSize;
      } catch (error) {
        this.#logger.error('TTL sweep failed', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (!this.#isStopping) await this.#pause(isFull ? this.#busyIntervalMs : this.#intervalMs);
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.#wake = done;
    });
  }

  async #sweep(): Promise<SweepSummary> {
    const nowSeconds = Math.floor(this.#clock.now() / 1000);
    const keys = await this.#store.expiredKeys(nowSeconds, this.#batchSize);
    let deleted = 0;
    for (let start = 0; start < keys.length; start += maxTransactionItems)
      deleted += await this.#deleteExpired(keys.slice(start, start + maxTransactionItems), nowSeconds);
    const reclaimedPages =
      this.#vacuumStepPages > 0 && this.#store.reclaimSpace
        ? await this.#store.reclaimSpace(this.#vacuumStepPages, this.#keepFreePages)
        : 0;
    return { deleted, reclaimedPages };
  }

  /**
   * Deletes `keys` in one transaction, each only while it is still expired: an item rewritten
   * since it was found (a session extended, a rate-limit window reused) is kept. Those refusals
   * cancel the transaction, so it is retried without them.
   */
  async #deleteExpired(keys: ItemKey[], nowSeconds: number): Promise<number> {
    let remaining = keys;
    while (remaining.length > 0) {
      const operations: WriteOperation[] = remaining.map((key) => ({
        type: 'delete',
        key: { pk: key.pk, sk: key.sk },
        condition: { compare: [tableSchema.ttlAttribute, '<=', nowSeconds] },
      }));
      try {
        await this.#store.transact(operations);
        return remaining.length;
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        remaining = remaining.filter((_, index) => error.reasonAt(index) === undefined);
      }
    }
    return 0;
  }
}

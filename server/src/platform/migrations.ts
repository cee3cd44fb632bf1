import { z } from 'zod';
import { isoTime } from '../kernel/clock.ts';
import type { ModuleDeps, ModuleMigration } from './module.ts';
import { isTransactionCanceled, type Item, type Store, type WriteOperation } from './store.ts';

/**
 * The record of applied migrations, one item per migration in one partition:
 * `MIGRATIONS` / `<module>#<version, zero-padded to 6 digits>`, with its description, when it
 * was applied and how many items it changed. One partition, read strongly consistent in one
 * query, so a process sees every module's records, including those of a module it does not
 * know (data a newer version of the code migrated).
 */
export const migrationsPartition = 'MIGRATIONS';

const migrationKey = (module: string, version: number) => ({
  pk: migrationsPartition,
  sk: `${module}#${String(version).padStart(6, '0')}`,
});

const migrationItemSchema = z.object({
  kind: z.literal('migration'),
  module: z.string(),
  version: z.number().int().positive(),
  description: z.string(),
  applied_at: z.string(),
  changed: z.number().int().nonnegative(),
  /** What applied it, where the runtime says (the AWS migrate function's version number). */
  applied_by: z.string().optional(),
});

/** One applied migration, as the store records it (`applied_at` is an ISO time). */
export type MigrationRecord = Omit<z.output<typeof migrationItemSchema>, 'kind'>;

/** A migration of one module, as the runner takes it: the catalogue's order, with its run. */
export type ModuleMigrationEntry = ModuleMigration & { module: string };

/** What one run of the migrations did. */
export interface MigrationSummary {
  /** The migrations this run applied and recorded, in order. */
  ran: MigrationRecord[];
  /** Migrations found applied (by an earlier run, or by a process that raced this one). */
  alreadyApplied: number;
}

/**
 * The store holds migrations of a version this code does not know: a newer version of the code
 * has migrated the data, and running older code on it could misread or undo the change.
 */
export class DataNewerThanCodeError extends Error {
  readonly newer: ReadonlyArray<{ module: string; storeVersion: number; codeVersion: number }>;
  constructor(newer: DataNewerThanCodeError['newer']) {
    super(
      `the stored data is newer than the code: ${newer
        .map(
          ({ module, storeVersion, codeVersion }) =>
            `${module} is migrated to version ${storeVersion}, this code knows ${codeVersion === 0 ? 'no migration of it' : `up to version ${codeVersion}`}`,
        )
        .join('; ')}. Run the newer code, or restore a backup taken before it migrated.`,
    );
    this.name = 'DataNewerThanCodeError';
    this.newer = newer;
  }
}

/**
 * Every applied migration the store records, by module then version.
 *
 * @example const records = await readMigrationRecords(store); // [{ module: 'payments', version: 1, … }]
 */
export async function readMigrationRecords(store: Pick<Store, 'query'>): Promise<MigrationRecord[]> {
  const records: MigrationRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ partition: migrationsPartition, ...(cursor ? { cursor } : {}) });
    records.push(...page.items.map(toRecord));
    cursor = page.cursor;
  } while (cursor);
  return records;
}

function toRecord(item: Item): MigrationRecord {
  const { kind: _kind, ...record } = migrationItemSchema.parse(item);
  return record;
}

/**
 * The write that records a migration applied, once: a second put of the same migration fails
 * its condition (`TransactionCanceledError`).
 */
export function migrationRecordPut(record: MigrationRecord): WriteOperation {
  return {
    type: 'put',
    item: { ...migrationKey(record.module, record.version), kind: 'migration', ...record },
    condition: { attributeNotExists: 'pk' },
  };
}

/**
 * Brings the store up to the code: refuses data newer than the code (`DataNewerThanCodeError`,
 * before changing anything), then runs each migration not yet recorded, in the order given
 * (the catalogue's: module by module, versions 1, 2, 3…), recording each as it completes. A
 * migration that throws stops the run, unrecorded, and the error propagates: the next run
 * starts again from it.
 *
 * No lock: two processes may run the same migration at once (two Lambda cold starts, a deploy
 * during a local start). That is safe because every migration is idempotent (each of its writes
 * is conditional on the old state, so the second changes nothing) and its record is a
 * conditional put, so it is recorded once; the loser counts it as already applied.
 *
 * @example const summary = await runMigrations(deps, migrationsOf(modules));
 */
export async function runMigrations(
  deps: ModuleDeps,
  migrations: readonly ModuleMigrationEntry[],
  options: { appliedBy?: string } = {},
): Promise<MigrationSummary> {
  const records = await readMigrationRecords(deps.store);
  const known = new Map<string, number>();
  for (const migration of migrations)
    known.set(migration.module, Math.max(known.get(migration.module) ?? 0, migration.version));
  const newest = new Map<string, number>();
  for (const record of records)
    newest.set(record.module, Math.max(newest.get(record.module) ?? 0, record.version));
  const newer = [...newest]
    .filter(([module, version]) => version > (known.get(module) ?? 0))
    .map(([module, storeVersion]) => ({ module, storeVersion, codeVersion: known.get(module) ?? 0 }));
  if (newer.length > 0) throw new DataNewerThanCodeError(newer);

  const applied = new Set(records.map((record) => `${record.module}#${record.version}`));
  const summary: MigrationSummary = { ran: [], alreadyApplied: 0 };
  for (const migration of migrations) {
    if (applied.has(`${migration.module}#${migration.version}`)) {
      summary.alreadyApplied++;
      continue;
    }
    const { changed } = await migration.run(deps);
    const record: MigrationRecord = {
      module: migration.module,
      version: migration.version,
      description: migration.description,
      applied_at: isoTime(deps.clock.now()),
      changed,
      ...(options.appliedBy !== undefined ? { applied_by: options.appliedBy } : {}),
    };
    try {
      await deps.store.transact([migrationRecordPut(record)]);
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      // Another process ran it too and recorded it first; this run's writes changed nothing more.
      summary.alreadyApplied++;
      continue;
    }
    deps.logger.info('migration applied', { ...record });
    summary.ran.push(record);
  }
  return summary;
}

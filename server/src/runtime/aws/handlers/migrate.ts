import { migrationsOf } from '../../../app/migrations.ts';
import {
  DataNewerThanCodeError,
  readMigrationRecords,
  runMigrations,
  type MigrationRecord,
  type MigrationSummary,
} from '../../../platform/migrations.ts';
import { awsPlatform, buildDuringInit } from '../platform.ts';

buildDuringInit(awsPlatform);

/**
 * The stored-data migrations, run by every deploy (a CDK trigger invokes a published version of
 * this function once the table exists, before the other functions change): applies those not yet
 * recorded in the table, in order, and records each with this function's version. Throws on data
 * newer than the code (`DataNewerThanCodeError`) or a migration that fails, which fails the
 * deploy; a deploy that runs it again continues from the first unrecorded migration. Safe to run
 * twice at once: migrations are idempotent and each record is a conditional put.
 *
 * One exception: when CloudFormation rolls a failed deploy back, it invokes the previous version
 * of this function again, after the new one may have migrated. Data migrated by a later version
 * of this very function (a higher version number) is that rollback: it is logged and passed, so
 * the rollback completes and the previous code runs on the migrated data (which is why a
 * migration must leave data the previous release can still read). Data newer than the code that
 * no later version of this function recorded (an old commit deployed over it, a restore) is
 * refused.
 *
 * @example
 * await handler(); // { ran: [{ module: 'payments', version: 1, … }], alreadyApplied: 0 }
 */
export async function handler(_event?: unknown): Promise<MigrationSummary & { rolledBack?: true }> {
  const platform = awsPlatform();
  // A published version's number; `$LATEST` when invoked unpublished (by hand).
  const functionVersion = process.env.AWS_LAMBDA_FUNCTION_VERSION;
  try {
    const summary = await runMigrations(
      platform.moduleDeps,
      migrationsOf(platform.modules),
      functionVersion ? { appliedBy: functionVersion } : {},
    );
    platform.logger.info('migrations ran', {
      ran: summary.ran.map(({ module, version, changed }) => ({ module, version, changed })),
      already_applied: summary.alreadyApplied,
    });
    return summary;
  } catch (error) {
    if (!(error instanceof DataNewerThanCodeError)) throw error;
    if (!isRollback(functionVersion, await readMigrationRecords(platform.store))) throw error;
    platform.logger.warn('migrations skipped: a rollback to an earlier version of the code', {
      function_version: functionVersion,
      newer: error.newer,
    });
    return { ran: [], alreadyApplied: 0, rolledBack: true };
  }
}

/** Whether a later version of this function recorded a migration: this run is its rollback. */
function isRollback(functionVersion: string | undefined, records: readonly MigrationRecord[]): boolean {
  const current = Number(functionVersion);
  if (!Number.isSafeInteger(current)) return false;
  return records.some((record) => Number(record.applied_by) > current);
}

import { migrationsOf } from '../../../app/migrations.ts';
import { runMigrations, type MigrationSummary } from '../../../platform/migrations.ts';
import { awsPlatform, buildDuringInit } from '../platform.ts';

buildDuringInit(awsPlatform);

/**
 * The stored-data migrations, run by every deploy (a CDK trigger invokes it once the table
 * exists): applies those not yet recorded in the table, in order, and records each. Throws on
 * data newer than the code (`DataNewerThanCodeError`) or a migration that fails, which fails the
 * deploy; a deploy that runs it again continues from the first unrecorded migration. Safe to run
 * twice at once: migrations are idempotent and each record is a conditional put.
 *
 * @example
 * await handler(); // { ran: [{ module: 'payments', version: 1, … }], alreadyApplied: 0 }
 */
export async function handler(_event?: unknown): Promise<MigrationSummary> {
  const platform = awsPlatform();
  const summary = await runMigrations(platform.moduleDeps, migrationsOf(platform.modules));
  platform.logger.info('migrations ran', {
    ran: summary.ran.map(({ module, version, changed }) => ({ module, version, changed })),
    already_applied: summary.alreadyApplied,
  });
  return summary;
}

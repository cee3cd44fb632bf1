import type { ModuleMigrationEntry } from '../platform/migrations.ts';
import type { SluiceModule } from '../platform/module.ts';

/**
 * Every module's migrations with their runs, in the order they run: the module list's order,
 * then versions 1, 2, 3… (the same order as `catalogOf(modules).migrations`). What both runtimes
 * hand to `runMigrations`.
 *
 * @example await runMigrations(deps, migrationsOf(modules));
 */
export function migrationsOf(modules: readonly SluiceModule[]): ModuleMigrationEntry[] {
  return modules.flatMap((module) =>
    (module.migrations ?? []).map((migration) => ({ ...migration, module: module.name })),
  );
}

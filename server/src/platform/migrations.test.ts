import { describe, expect, it } from 'vitest';
import { bothStores } from '../../../test/both-stores.ts';
import { createTestApp, type TestApp } from '../../../test/app-harness.ts';
import { migrationsOf } from '../app/migrations.ts';
import { moduleDepsOf } from '../app/module-deps.ts';
import { silentLogger } from './logger.ts';
import {
  DataNewerThanCodeError,
  migrationRecordPut,
  readMigrationRecords,
  runMigrations,
  type ModuleMigrationEntry,
} from './migrations.ts';
import { defineModule, type ModuleDeps, type ModuleMigration, type SluiceModule } from './module.ts';
import type { Store } from './store.ts';

const stores = bothStores('sluice-migrations');

/** A migration that notes each run in `log` (as `<name>`) and reports `changed`. */
function migration(log: string[], name: string, version: number, changed = 1): ModuleMigration {
  return {
    version,
    description: `migration ${name}`,
    run: async () => {
      log.push(name);
      return { changed };
    },
  };
}

function depsOf(t: TestApp, modules: readonly SluiceModule[]): ModuleDeps {
  const { store, clock, config, identity, queue } = t;
  return moduleDepsOf({ store, clock, config, logger: silentLogger, identity, queue }, modules);
}

async function withApp(makeStore: () => Promise<Store>, test: (t: TestApp) => Promise<void>): Promise<void> {
  const t = createTestApp({ store: await makeStore() });
  try {
    await test(t);
  } finally {
    await t.store.close();
  }
}

describe.each(stores)('runMigrations (%s)', (_name, makeStore) => {
  it('runs the pending migrations module by module, versions in order, and records each', async () => {
    await withApp(makeStore, async (t) => {
      const log: string[] = [];
      const modules = [
        defineModule({
          name: 'first',
          migrations: [migration(log, 'first-1', 1, 3), migration(log, 'first-2', 2, 0)],
        }),
        defineModule({ name: 'second', migrations: [migration(log, 'second-1', 1, 7)] }),
      ];

      const summary = await runMigrations(depsOf(t, modules), migrationsOf(modules));

      expect(log).toEqual(['first-1', 'first-2', 'second-1']);
      expect(summary.alreadyApplied).toBe(0);
      const appliedAt = new Date(t.clock.now()).toISOString();
      expect(summary.ran).toEqual([
        { module: 'first', version: 1, description: 'migration first-1', applied_at: appliedAt, changed: 3 },
        { module: 'first', version: 2, description: 'migration first-2', applied_at: appliedAt, changed: 0 },
        {
          module: 'second',
          version: 1,
          description: 'migration second-1',
          applied_at: appliedAt,
          changed: 7,
        },
      ]);
      expect(await readMigrationRecords(t.store)).toEqual(summary.ran);
    });
  });

  it('runs only the migrations a newer release added, once the earlier ones are recorded', async () => {
    await withApp(makeStore, async (t) => {
      const log: string[] = [];
      const release1 = [defineModule({ name: 'first', migrations: [migration(log, 'first-1', 1)] })];
      await runMigrations(depsOf(t, release1), migrationsOf(release1));
      const release2 = [
        defineModule({
          name: 'first',
          migrations: [migration(log, 'first-1', 1), migration(log, 'first-2', 2)],
        }),
      ];

      const summary = await runMigrations(depsOf(t, release2), migrationsOf(release2));

      expect(log).toEqual(['first-1', 'first-2']);
      expect(summary.ran.map((record) => record.version)).toEqual([2]);
      expect(summary.alreadyApplied).toBe(1);
    });
  });

  it('stops at a migration that fails, records nothing of it, and starts from it on the next run', async () => {
    await withApp(makeStore, async (t) => {
      const log: string[] = [];
      let broken = true;
      const flaky: ModuleMigration = {
        version: 2,
        description: 'fails the first time',
        run: async () => {
          log.push('first-2');
          if (broken) throw new Error('the store went away');
          return { changed: 1 };
        },
      };
      const modules = [
        defineModule({
          name: 'first',
          migrations: [migration(log, 'first-1', 1), flaky, migration(log, 'first-3', 3)],
        }),
      ];

      await expect(runMigrations(depsOf(t, modules), migrationsOf(modules))).rejects.toThrow(
        'the store went away',
      );
      expect(log).toEqual(['first-1', 'first-2']);
      expect((await readMigrationRecords(t.store)).map((record) => record.version)).toEqual([1]);

      broken = false;
      const summary = await runMigrations(depsOf(t, modules), migrationsOf(modules));
      expect(log).toEqual(['first-1', 'first-2', 'first-2', 'first-3']);
      expect(summary.ran.map((record) => record.version)).toEqual([2, 3]);
    });
  });

  it('refuses, before running anything, a store with migrations of a module this code does not know', async () => {
    await withApp(makeStore, async (t) => {
      const log: string[] = [];
      const modules = [defineModule({ name: 'first', migrations: [migration(log, 'first-1', 1)] })];
      await t.store.transact([
        migrationRecordPut({
          module: 'later',
          version: 1,
          description: 'a module of a later release',
          applied_at: '2027-01-01T00:00:00.000Z',
          changed: 4,
        }),
      ]);

      const refusal = await runMigrations(depsOf(t, modules), migrationsOf(modules)).catch(
        (error: unknown) => error,
      );

      expect(refusal).toBeInstanceOf(DataNewerThanCodeError);
      expect((refusal as Error).message).toContain(
        'later is migrated to version 1, this code knows no migration of it',
      );
      expect(log).toEqual([]);
    });
  });

  it('records a migration once when two processes run the migrations at the same time', async () => {
    await withApp(makeStore, async (t) => {
      const log: string[] = [];
      const modules = [defineModule({ name: 'first', migrations: [migration(log, 'first-1', 1)] })];
      const migrations: ModuleMigrationEntry[] = migrationsOf(modules);

      const [a, b] = await Promise.all([
        runMigrations(depsOf(t, modules), migrations),
        runMigrations(depsOf(t, modules), migrations),
      ]);

      expect(a.ran.length + b.ran.length).toBe(1);
      expect(a.ran.length + a.alreadyApplied).toBe(1);
      expect(b.ran.length + b.alreadyApplied).toBe(1);
      expect(await readMigrationRecords(t.store)).toHaveLength(1);
    });
  });

  it('keeps the record of the process that finished first when another records the same migration while this one runs', async () => {
    await withApp(makeStore, async (t) => {
      const theirs = {
        module: 'first',
        version: 1,
        description: 'raced',
        applied_at: '2026-01-01T00:00:00.000Z',
        changed: 5,
      };
      const modules = [
        defineModule({
          name: 'first',
          migrations: [
            {
              version: 1,
              description: 'raced',
              run: async () => {
                // The other process finishes and records it while this run is still working.
                await t.store.transact([migrationRecordPut(theirs)]);
                return { changed: 0 };
              },
            },
          ],
        }),
      ];

      const summary = await runMigrations(depsOf(t, modules), migrationsOf(modules));

      expect(summary).toEqual({ ran: [], alreadyApplied: 1 });
      expect(await readMigrationRecords(t.store)).toEqual([theirs]);
    });
  });
});

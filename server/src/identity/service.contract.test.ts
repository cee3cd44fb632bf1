import { ManualClock } from '../kernel/clock.ts';
import { runIdentityContract } from '../platform/identity-contract.ts';
import { silentLogger } from '../platform/logger.ts';
import { SqliteStore } from '../runtime/local/sqlite-store.ts';
import { createLocalIdentity } from './service.ts';

// Nothing is mocked: the local issuer on an in-memory SqliteStore, its time a manual clock.
runIdentityContract('local issuer (SqliteStore :memory:)', async (config) => {
  const store = new SqliteStore(':memory:');
  const clock = new ManualClock();
  return {
    identity: createLocalIdentity({ store, clock, config, logger: silentLogger }),
    advance: async (seconds) => clock.advance(seconds * 1000),
    cleanup: () => store.close(),
  };
});

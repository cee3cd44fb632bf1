import { ManualClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../platform/logger.ts';
import { runQueueContract, type ContractQueue } from '../../platform/queue-contract.ts';
import type { BatchHandler, ConsumeOptions, Queue } from '../../platform/queue.ts';
import { SqliteStore } from './sqlite-store.ts';
import { deadPartition, StoreQueue } from './store-queue.ts';

// Nothing is mocked: StoreQueue on an in-memory SqliteStore, its time a manual clock.
runQueueContract('StoreQueue (SqliteStore :memory:)', async () => {
  const store = new SqliteStore(':memory:');
  const clock = new ManualClock();
  const storeQueue = new StoreQueue({ store, clock, logger: silentLogger });
  const optionsOf = new Map<string, ConsumeOptions>();
  // The contract consumes through this, so a dying consumer can be given the same options.
  const queue: Queue = {
    send: (name, message) => storeQueue.send(name, message),
    consume(name, handler, options = {}) {
      storeQueue.consume(name, handler, options);
      optionsOf.set(name, options);
    },
    listDeadLetters: (name, options) => storeQueue.listDeadLetters(name, options),
    readDeadLetter: (name, id) => storeQueue.readDeadLetter(name, id),
    redriveDeadLetter: (name, id) => storeQueue.redriveDeadLetter(name, id),
    redriveDeadLetters: (name, options) => storeQueue.redriveDeadLetters(name, options),
  };

  return {
    queue,
    transactional: { queue: storeQueue, store },
    now: () => clock.now(),
    deliver: async () => void (await storeQueue.drain()),
    wait: async (seconds) => clock.advance(seconds * 1000),
    async abandon(name: ContractQueue) {
      // A second poller of the same store whose handler never returns: it holds the leases of what
      // it took, as a process that died mid-batch would, until their visibility timeout runs out.
      const dying = new StoreQueue({ store, clock, logger: silentLogger });
      let tookMessages!: () => void;
      const took = new Promise<void>((resolve) => (tookMessages = resolve));
      const hang: BatchHandler = () => {
        tookMessages();
        return new Promise(() => {});
      };
      dying.consume(name, hang, optionsOf.get(name));
      await Promise.race([took, dying.pollOnce()]);
    },
    async deadLetters(name: ContractQueue) {
      const page = await store.query({ index: 'gsi1', partition: deadPartition(name) });
      return page.items.map((item) => String(item.message_id)).toSorted();
    },
    cleanup: () => store.close(),
  };
});

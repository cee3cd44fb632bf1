/** What the in-process benches (`bench:writes`, `bench:disk`) share: waiting for the outbox, and running operations a few at a time. */
import { outboxBacklog } from '../server/src/platform/outbox.ts';
import type { LocalPlatform } from '../server/src/runtime/local/platform.ts';

/** Operations in flight at once. */
export const inFlight = 16;

/** Waits until the outbox has handed every event to the bus (30 s at most). */
export async function drained(platform: LocalPlatform): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const backlog = await outboxBacklog(platform.store, platform.clock.now());
    if (backlog.oldest_pending_at === null) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the outbox did not drain');
}

/** Runs `run(0)` … `run(count - 1)`, `inFlight` at a time. */
export async function parallel(count: number, run: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await run(next++);
    }),
  );
}

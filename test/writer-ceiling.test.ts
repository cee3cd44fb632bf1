import { describe, expect, it } from 'vitest';
import { measureWriterCeiling } from '../bench/writer-ceiling.ts';

// `npm run bench:writer` at a small size: the recording is faithful (every transaction the app
// committed commits again in the replay) and each pass measured what it says. No timing is asserted.
describe('writer ceiling bench', () => {
  it('replays every recorded payment transaction, with and without the event bookkeeping', async () => {
    const result = await measureWriterCeiling({ cycles: 60, merchants: 3 });
    expect(result.recorded.cycles).toBe(60);
    for (const pass of [result.baseline, result.ledger, result.everything]) {
      expect(pass.failed).toBe(0);
      expect(pass.units).toBeGreaterThan(0);
      expect(pass.wall_us).toBeGreaterThan(0);
    }
    // The event bookkeeping left is the dispatcher's checkpoint, about one write a second: nothing
    // per event (120 events here), which a "dispatched" mark per event would be.
    expect(result.ledger.transactions).toBeLessThanOrEqual(result.everything.transactions);
    expect(result.everything.transactions - result.ledger.transactions).toBeLessThan(12);
  });
});

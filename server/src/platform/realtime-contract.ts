import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Realtime, RealtimeMessage } from './realtime.ts';

/** One client connection, seen from the client's side. */
export interface RealtimeConnection {
  /** The pushed messages this connection has received so far, oldest first (no control messages). */
  received(): RealtimeMessage[];
  /** The client says goodbye: the runtime is told (a close handshake, API Gateway's `$disconnect`). */
  disconnect(): Promise<void>;
  /** The client is gone without a goodbye the adapter heard: only a push can find out. */
  vanish(): Promise<void>;
}

export interface RealtimeUnderTest {
  realtime: Realtime;
  /** Opens a connection authenticated as `userId`, ready to receive pushes. */
  connect(userId: string): Promise<RealtimeConnection>;
  /** The connections of `userId` the adapter would still push to. */
  openConnections(userId: string): Promise<number>;
  /** Resolves once every message pushed so far has reached the connections still open. */
  settle(): Promise<void>;
  cleanup?: () => Promise<void>;
}

/**
 * The behaviour every `Realtime` adapter must show, as one vitest suite: a push reaches every
 * open connection of the users it names, each once and in order, and nobody else's; it never
 * throws for a user without connections or for a connection that is gone, and a gone connection
 * is dropped. Each test gets a fresh adapter with no connections from `makeRealtime`.
 *
 * @example
 * runRealtimeContract('LocalRealtime', async () => startLocalRealtime());
 */
export function runRealtimeContract(name: string, makeRealtime: () => Promise<RealtimeUnderTest>): void {
  describe(`Realtime contract: ${name}`, () => {
    let subject: RealtimeUnderTest;
    let users: { ann: string; bob: string; cy: string };
    beforeEach(async () => {
      subject = await makeRealtime();
      const suffix = Math.random().toString(36).slice(2, 10);
      users = { ann: `usr_ann_${suffix}`, bob: `usr_bob_${suffix}`, cy: `usr_cy_${suffix}` };
    });
    afterEach(async () => {
      await subject.cleanup?.();
    });

    it('pushes a message to every open connection of the user, exactly as given', async () => {
      const [phone, laptop] = [await subject.connect(users.ann), await subject.connect(users.ann)];
      const message = aMessage({
        data: {
          amount: 1500,
          currency: 'USD',
          nested: { list: [1, 'two', null, true] },
          note: 'Zoë “quoted” ✓',
        },
      });
      await subject.realtime.push([users.ann], message);
      await subject.settle();
      expect(phone.received()).toEqual([message]);
      expect(laptop.received()).toEqual([message]);
    });

    it('pushes to the users named and to nobody else', async () => {
      const ann = await subject.connect(users.ann);
      const bob = await subject.connect(users.bob);
      const message = aMessage();
      await subject.realtime.push([users.ann], message);
      await subject.settle();
      expect(ann.received()).toEqual([message]);
      expect(bob.received()).toEqual([]);
    });

    it('pushes to several users in one call, once per connection even when a user is named twice', async () => {
      const ann = await subject.connect(users.ann);
      const bob = await subject.connect(users.bob);
      const cy = await subject.connect(users.cy);
      const message = aMessage();
      await subject.realtime.push([users.ann, users.bob, users.ann], message);
      await subject.settle();
      expect(ann.received()).toEqual([message]);
      expect(bob.received()).toEqual([message]);
      expect(cy.received()).toEqual([]);
    });

    it('delivers successive pushes to a connection in the order they were made', async () => {
      const ann = await subject.connect(users.ann);
      const messages = [1, 2, 3, 4].map((n) => aMessage({ data: { n } }));
      for (const message of messages) await subject.realtime.push([users.ann], message);
      await subject.settle();
      expect(ann.received()).toEqual(messages);
    });

    it('answers a push for users without connections, or for nobody, quietly', async () => {
      const bob = await subject.connect(users.bob);
      await expect(subject.realtime.push([users.ann], aMessage())).resolves.toBeUndefined();
      await expect(subject.realtime.push([], aMessage())).resolves.toBeUndefined();
      await subject.settle();
      expect(bob.received()).toEqual([]);
    });

    it('stops pushing to a connection once its client has disconnected', async () => {
      const phone = await subject.connect(users.ann);
      const laptop = await subject.connect(users.ann);
      await phone.disconnect();
      await expect.poll(() => subject.openConnections(users.ann)).toBe(1);
      const message = aMessage();
      await subject.realtime.push([users.ann], message);
      await subject.settle();
      expect(phone.received()).toEqual([]);
      expect(laptop.received()).toEqual([message]);
    });

    it('drops a connection that went away unannounced, still reaching the user’s other connections', async () => {
      const phone = await subject.connect(users.ann);
      const laptop = await subject.connect(users.ann);
      expect(await subject.openConnections(users.ann)).toBe(2);
      await phone.vanish();

      const first = aMessage();
      await expect(subject.realtime.push([users.ann], first)).resolves.toBeUndefined();
      await subject.settle();
      expect(laptop.received()).toEqual([first]);
      expect(phone.received()).toEqual([]);
      await expect.poll(() => subject.openConnections(users.ann)).toBe(1);

      const second = aMessage();
      await subject.realtime.push([users.ann], second);
      await subject.settle();
      expect(laptop.received()).toEqual([first, second]);
    });
  });
}

let sequence = 0;
/** A pushed event as `toRealtimeMessage` shapes it. */
function aMessage(overrides: Partial<RealtimeMessage> = {}): RealtimeMessage {
  sequence += 1;
  return {
    id: `evt_contract_${sequence}`,
    type: 'wallet.balance.changed',
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)).toISOString(),
    data: { currency: 'USD' },
    ...overrides,
  };
}

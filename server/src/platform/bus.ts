import type { EventEnvelope } from '../kernel/events.ts';
import { compilePattern, type EventMatcher, type EventPattern } from './event-pattern.ts';

/**
 * The Events port: consumers subscribe with an EventBridge pattern, the outbox dispatcher
 * publishes. Delivery is at-least-once: a handler can see the same event more than once (after a
 * crash between its success and the dispatcher recording it, or after it timed out but went on),
 * so consumers dedupe by `event.id` (see `consumer-dedupe.ts`).
 *
 * Adapters: `InProcessBus` (below) locally; on AWS, rules on an EventBridge bus play the
 * subscriptions and EventBridge owns per-target retries.
 */
export interface EventBus {
  /**
   * Calls `handler` for every published event that matches `pattern`. `name` identifies the
   * subscription in delivery records, so it must be unique and stable across deploys.
   * Throws `InvalidEventPatternError` for a malformed pattern.
   *
   * @example
   * bus.subscribe('coins.award-on-transfer', { type: ['transfer.created'] }, async (event) => { … });
   */
  subscribe(name: string, pattern: EventPattern, handler: EventHandler): void;
  /**
   * Delivers `events` in order and reports, per event, which subscribers succeeded and which
   * failed. Never throws for a failing handler: the result says so.
   */
  publish(events: EventEnvelope[], options?: PublishOptions): Promise<PublishResult>;
}

export type EventHandler = (event: EventEnvelope) => Promise<void>;

export interface PublishOptions {
  /**
   * Subscribers to leave out, per event id: those an earlier attempt already delivered to. This
   * is how a retry reaches only the subscribers that failed.
   */
  skip?: ReadonlyMap<string, readonly string[]>;
}

export interface PublishResult {
  /** One entry per published event, in the order given. */
  deliveries: EventDelivery[];
}

export interface EventDelivery {
  eventId: string;
  /** Subscribers whose handler succeeded in this call. */
  delivered: string[];
  /** Subscribers whose handler threw or timed out in this call. */
  failed: DeliveryFailure[];
}

export interface DeliveryFailure {
  subscriber: string;
  error: unknown;
}

export interface InProcessBusOptions {
  /**
   * A handler still running after this long counts as failed, so one stuck consumer cannot
   * stall the dispatcher. It may still finish later: one more reason consumers dedupe.
   * Default 30 s; 0 turns the limit off.
   */
  handlerTimeoutMs?: number;
}

interface Subscription {
  name: string;
  matches: EventMatcher;
  handler: EventHandler;
}

/**
 * The local bus: runs matching handlers in this process. The deliveries of one `publish` run
 * concurrently, handlers starting in event order; the handlers of an event share one frozen copy
 * of it, so none can change what another sees (on AWS each gets its own parsed copy). Like EventBridge, it promises no order of completion:
 * consumers dedupe and do not rely on seeing events in order.
 *
 * @example
 * const bus = new InProcessBus();
 * bus.subscribe('realtime.push', { type: [{ prefix: 'payment.' }] }, pushToSockets);
 * const { deliveries } = await bus.publish([event]);
 */
export class InProcessBus implements EventBus {
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #handlerTimeoutMs: number;

  constructor(options: InProcessBusOptions = {}) {
    this.#handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
  }

  subscribe(name: string, pattern: EventPattern, handler: EventHandler): void {
    if (name === '') throw new Error('a subscription needs a name');
    if (this.#subscriptions.has(name)) throw new Error(`a subscription named "${name}" already exists`);
    this.#subscriptions.set(name, { name, matches: compilePattern(pattern), handler });
  }

  async publish(events: EventEnvelope[], options: PublishOptions = {}): Promise<PublishResult> {
    // Every delivery of the batch runs at once, as EventBridge's targets do: a consumer that
    // writes to the store waits for a commit, and its writes for the whole batch share one.
    const pending = events.map(async (event): Promise<EventDelivery> => {
      const skip = new Set(options.skip?.get(event.id) ?? []);
      const targets = [...this.#subscriptions.values()].filter((s) => !skip.has(s.name) && s.matches(event));
      // One frozen copy for every handler of the event, rather than a clone each: a handler cannot
      // change what another (or the publisher) sees, and one that tries fails loudly. Copied
      // through JSON, as EventBridge hands events over on AWS (and at about half the cost of
      // `structuredClone` for an event's plain data).
      const shared =
        targets.length > 0 ? deepFreeze(JSON.parse(JSON.stringify(event)) as EventEnvelope) : event;
      const outcomes = await Promise.all(targets.map((target) => this.#deliver(target, shared)));
      const delivery: EventDelivery = { eventId: event.id, delivered: [], failed: [] };
      targets.forEach((target, index) => {
        const outcome = outcomes[index]!;
        if (outcome.ok) delivery.delivered.push(target.name);
        else delivery.failed.push({ subscriber: target.name, error: outcome.error });
      });
      return delivery;
    });
    return { deliveries: await Promise.all(pending) };
  }

  async #deliver(
    subscription: Subscription,
    event: EventEnvelope,
  ): Promise<{ ok: true } | { ok: false; error: unknown }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // Through a promise so a handler that throws synchronously is caught like a rejection.
      const run = Promise.resolve().then(() => subscription.handler(event));
      if (this.#handlerTimeoutMs > 0) {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(`handler "${subscription.name}" timed out after ${this.#handlerTimeoutMs} ms`),
              ),
            this.#handlerTimeoutMs,
          );
        });
        await Promise.race([run, timeout]);
      } else {
        await run;
      }
      return { ok: true };
    } catch (error) {
      return { ok: false, error };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `value` with every object and array in it frozen, in place. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

import type { EventBus } from '../../server/src/platform/bus.ts';
import type { EventPattern } from '../../server/src/platform/event-pattern.ts';
import { subscribeRealtime } from '../../server/src/platform/realtime.ts';
import { subscribeWallet } from '../../server/src/wallet/events.ts';
import { subscribeWebhooks } from '../../server/src/webhooks/events.ts';

/** One bus subscription as the modules declare it. */
export interface RecordedSubscription {
  name: string;
  pattern: EventPattern;
}

/**
 * The bus subscriptions with their patterns, taken from the modules' own `subscribe*` functions
 * through a bus that only records: the EventBridge rules then match exactly what the local bus
 * matches, and no pattern is copied into the infrastructure. The handlers never run, so the
 * dependencies passed are empty.
 *
 * @example recordSubscriptions().find((s) => s.name === 'realtime.push')?.pattern
 */
export function recordSubscriptions(): RecordedSubscription[] {
  const recorded: RecordedSubscription[] = [];
  const bus: EventBus = {
    subscribe(name, pattern) {
      recorded.push({ name, pattern });
    },
    publish() {
      throw new Error('the recording bus only records subscriptions');
    },
  };
  subscribeWallet(bus, {} as never);
  subscribeRealtime(bus, {} as never);
  subscribeWebhooks(bus, {} as never);
  return recorded;
}

/**
 * The EventBridge rule pattern of a subscription: the dispatcher puts the Sluice envelope as the
 * event's `detail`, so the module's pattern applies below `detail`.
 */
export function ruleEventPattern(pattern: EventPattern): { detail: EventPattern } {
  return { detail: pattern };
}

import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll } from 'vitest';
import { ruleEventPattern } from '../../../../infra/lib/subscriptions.ts';
import {
  InProcessBus,
  type EventBus,
  type EventDelivery,
  type PublishOptions,
  type PublishResult,
} from '../../platform/bus.ts';
import { runEventBusContract } from '../../platform/bus-contract.ts';
import { compilePattern, type EventMatcher } from '../../platform/event-pattern.ts';
import { EventBridgePublisher, envelopeFromEventBridge } from './eventbridge-bus.ts';

// EventBridge has no local server (no emulator on npm runs its rules offline), so its client is
// the one mocked edge here: a fake bus that accepts PutEvents, wraps each entry into an
// EventBridge event and hands it to every rule whose pattern matches, as an SQS message body.
// The fake matches rules with platform/event-pattern.ts, the project's implementation of
// EventBridge's pattern language (checked against EventBridge's documented examples in
// event-pattern.test.ts). Everything else is the AWS path itself: `EventBridgePublisher` builds
// the entries, infra's `ruleEventPattern` builds each rule, `envelopeFromEventBridge` reads the
// message, and each subscription runs alone on the runtime's bus, as `awsPlatform().runSubscription`
// does in the event-consumer Lambda.
const eventBridge = mockClient(EventBridgeClient);
afterAll(() => eventBridge.restore());

interface Rule {
  subscription: string;
  matches: EventMatcher;
  /** The SQS queue the rule targets: EventBridge events as message bodies. */
  queue: string[];
}

/**
 * The Events port as it runs on AWS, assembled from its parts: subscriptions become rules (and
 * stay registered on an in-process bus, where the event-consumer Lambda runs them one at a time);
 * `publish` is PutEvents, then one event-consumer batch per subscription queue.
 */
class EventBridgeBusUnderTest implements EventBus {
  readonly #rules: Rule[] = [];
  readonly #consumers = new InProcessBus({ handlerTimeoutMs: 20_000 });
  readonly #publisher = new EventBridgePublisher({
    client: new EventBridgeClient({ region: 'us-east-1' }),
    eventBusName: 'sluice-test',
  });

  constructor() {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => this.#putEvents(input));
  }

  subscribe(...[name, pattern, handler]: Parameters<EventBus['subscribe']>): void {
    this.#consumers.subscribe(name, pattern, handler);
    this.#rules.push({ subscription: name, matches: compilePattern(ruleEventPattern(pattern)), queue: [] });
  }

  async publish(
    events: Parameters<EventBus['publish']>[0],
    options: PublishOptions = {},
  ): Promise<PublishResult> {
    const { failedEventIds } = await this.#publisher.publish(events);
    if (failedEventIds.length > 0) throw new Error(`PutEvents refused ${failedEventIds.join(', ')}`);
    const deliveries = new Map<string, EventDelivery>(
      events.map((event) => [event.id, { eventId: event.id, delivered: [], failed: [] }]),
    );
    await Promise.all(
      this.#rules.map(async (rule) => {
        for (const body of rule.queue.splice(0)) {
          const envelope = envelopeFromEventBridge(JSON.parse(body) as { detail: unknown });
          // An earlier attempt already reached this subscriber: its queue message was deleted then.
          if (options.skip?.get(envelope.id)?.includes(rule.subscription)) continue;
          const others = this.#rules
            .map((other) => other.subscription)
            .filter((name) => name !== rule.subscription);
          const [outcome] = (
            await this.#consumers.publish([envelope], { skip: new Map([[envelope.id, others]]) })
          ).deliveries;
          const delivery = deliveries.get(envelope.id)!;
          delivery.delivered.push(...(outcome?.delivered ?? []));
          delivery.failed.push(...(outcome?.failed ?? []));
        }
      }),
    );
    return { deliveries: events.map((event) => deliveries.get(event.id)!) };
  }

  #putEvents(input: PutEventsCommandInput) {
    const entries = input.Entries ?? [];
    const ids = entries.map(() => randomUUID());
    entries.forEach((entry, index) => {
      const event = {
        version: '0',
        id: ids[index],
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: '123456789012',
        time: (entry.Time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: 'us-east-1',
        resources: entry.Resources ?? [],
        detail: JSON.parse(entry.Detail ?? '{}') as unknown,
      };
      for (const rule of this.#rules) if (rule.matches(event)) rule.queue.push(JSON.stringify(event));
    });
    return { FailedEntryCount: 0, Entries: ids.map((EventId) => ({ EventId })) };
  }
}

runEventBusContract('EventBridge (PutEvents mocked; rules, publisher and consumer for real)', async () => ({
  bus: new EventBridgeBusUnderTest(),
}));

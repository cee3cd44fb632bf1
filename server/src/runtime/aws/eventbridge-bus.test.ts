import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createEvent, type EventEnvelope } from '../../kernel/events.ts';
import {
  EventBridgePublisher,
  entrySize,
  envelopeFromEventBridge,
  maxPutEventsBytes,
} from './eventbridge-bus.ts';

// EventBridge is a mocked cloud edge (aws-sdk-client-mock): these tests check what we send and
// how we read its answers, not EventBridge itself.
const eventBridge = mockClient(EventBridgeClient);
afterAll(() => eventBridge.restore());
beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, index) => ({ EventId: `eb-${index}` })),
  }));
});

let sequence = 0;
function anEvent(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  sequence += 1;
  return {
    ...createEvent({
      type: 'transfer.created',
      source: 'sluice.wallet',
      subject: `tr_${sequence}`,
      audience: ['usr_1'],
      data: { amount: 100 * sequence, currency: 'USD' },
      now: Date.UTC(2026, 0, 1, 0, 0, sequence),
    }),
    ...overrides,
  };
}

const publisher = () =>
  new EventBridgePublisher({
    client: new EventBridgeClient({ region: 'us-east-1' }),
    eventBusName: 'sluice-test',
  });
const putCalls = () =>
  eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);

describe('EventBridgePublisher (EventBridge mocked)', () => {
  it('sends each envelope whole as the detail, with source, type and time on the entry', async () => {
    const event = anEvent();
    const result = await publisher().publish([event]);
    expect(result).toEqual({ failedEventIds: [] });
    expect(putCalls()).toEqual([
      [
        {
          EventBusName: 'sluice-test',
          Source: 'sluice.wallet',
          DetailType: 'transfer.created',
          Detail: JSON.stringify(event),
          Time: new Date(event.time),
        },
      ],
    ]);
    expect(envelopeFromEventBridge({ detail: JSON.parse(putCalls()[0]![0]!.Detail!) as unknown })).toEqual(
      event,
    );
  });

  it('splits 25 events into calls of at most 10, in order', async () => {
    const events = Array.from({ length: 25 }, () => anEvent());
    const result = await publisher().publish(events);
    expect(result.failedEventIds).toEqual([]);
    const calls = putCalls();
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 5]);
    expect(calls.flat().map((entry) => (JSON.parse(entry.Detail!) as EventEnvelope).id)).toEqual(
      events.map((e) => e.id),
    );
  });

  it('keeps every call under 256 KB', async () => {
    const big = 'x'.repeat(100 * 1024);
    const events = Array.from({ length: 5 }, () => anEvent({ data: { blob: big } }));
    const result = await publisher().publish(events);
    expect(result.failedEventIds).toEqual([]);
    const calls = putCalls();
    expect(calls.map((entries) => entries.length)).toEqual([2, 2, 1]);
    for (const entries of calls)
      expect(entries.reduce((sum, entry) => sum + entrySize(entry), 0)).toBeLessThanOrEqual(
        maxPutEventsBytes,
      );
  });

  it('reports an event too large for any call as failed without sending it', async () => {
    const tooBig = anEvent({ data: { blob: 'x'.repeat(maxPutEventsBytes) } });
    const fine = anEvent();
    const result = await publisher().publish([tooBig, fine]);
    expect(result.failedEventIds).toEqual([tooBig.id]);
    expect(
      putCalls()
        .flat()
        .map((entry) => entry.DetailType),
    ).toEqual(['transfer.created']);
    expect(putCalls().flat()).toHaveLength(1);
  });

  it('reports the entries EventBridge refused, by event id', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 2,
      Entries: [
        { EventId: 'a' },
        { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' },
        { EventId: 'c' },
        { ErrorCode: 'ThrottlingException' },
      ],
    });
    const events = Array.from({ length: 4 }, () => anEvent());
    const result = await publisher().publish(events);
    expect(result.failedEventIds).toEqual([events[1]!.id, events[3]!.id]);
  });

  it('fails every event of a call that threw, and only those', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 0,
        Entries: Array.from({ length: 10 }, (_, i) => ({ EventId: `e${i}` })),
      })
      .rejectsOnce(new Error('ServiceUnavailable'))
      .resolvesOnce({
        FailedEntryCount: 0,
        Entries: Array.from({ length: 5 }, (_, i) => ({ EventId: `e${i}` })),
      });
    const events = Array.from({ length: 25 }, () => anEvent());
    const result = await publisher().publish(events);
    expect(result.failedEventIds).toEqual(events.slice(10, 20).map((e) => e.id));
  });

  it('publishes nothing for no events', async () => {
    expect(await publisher().publish([])).toEqual({ failedEventIds: [] });
    expect(putCalls()).toEqual([]);
  });
});

describe('envelopeFromEventBridge', () => {
  it('returns the envelope of an EventBridge event', () => {
    const event = anEvent({ merchant: 'mer_1' });
    expect(envelopeFromEventBridge({ detail: structuredClone(event) })).toEqual(event);
  });

  it.each([
    ['no detail', {}],
    ['a string detail', { detail: 'hello' }],
    ['an array detail', { detail: [] }],
    ['a missing id', { detail: { type: 't', source: 's', time: 't', subject: 's', data: {} } }],
    ['an empty type', { detail: { id: 'e', type: '', source: 's', time: 't', subject: 's', data: {} } }],
    ['a numeric time', { detail: { id: 'e', type: 't', source: 's', time: 1, subject: 's', data: {} } }],
    [
      'data that is not an object',
      { detail: { id: 'e', type: 't', source: 's', time: 't', subject: 's', data: 'x' } },
    ],
    [
      'an audience of numbers',
      { detail: { id: 'e', type: 't', source: 's', time: 't', subject: 's', data: {}, audience: [1] } },
    ],
    [
      'a numeric merchant',
      { detail: { id: 'e', type: 't', source: 's', time: 't', subject: 's', data: {}, merchant: 7 } },
    ],
  ])('refuses %s', (_, garbage) => {
    expect(() => envelopeFromEventBridge(garbage as { detail: unknown })).toThrow(/not a Sluice event/);
  });

  it('refuses null', () => {
    expect(() => envelopeFromEventBridge(null as unknown as { detail: unknown })).toThrow(
      /not a Sluice event/,
    );
  });
});

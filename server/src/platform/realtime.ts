import type { EventEnvelope } from '../kernel/events.ts';
import type { EventBus } from './bus.ts';
import type { EventPattern } from './event-pattern.ts';
import { defineModule } from './module.ts';

/**
 * What a client receives on its socket. Events carry their `id` (for the client to drop
 * duplicates: delivery is at-least-once) and `time`; control messages (`ready`, `pong`) do not.
 */
export interface RealtimeMessage {
  type: string;
  data: unknown;
  id?: string;
  time?: string;
}

/**
 * The Realtime port: pushes a message to every open socket of the given users. Best effort: a
 * user with no open socket simply misses it (clients reload state when they reconnect), and a
 * socket that cannot take the message is dropped rather than failing the push.
 *
 * Adapters: `LocalRealtime` (`runtime/local/realtime.ts`, `ws` on the HTTP server) locally; on
 * AWS, API Gateway WebSocket connections kept as table items and reached with
 * `PostToConnection`.
 *
 * @example
 * await realtime.push([userId], { type: 'wallet.balance.changed', data: { currency: 'USD' } });
 */
export interface Realtime {
  push(userIds: string[], message: RealtimeMessage): Promise<void>;
}

/**
 * The realtime audience of a merchant's stream (`sluice listen`, `sluice logs tail`): sockets
 * authenticated with the merchant's API key, or its owner's token naming it, are registered under
 * this id instead of a user id, so a push to it reaches that merchant's streams and nobody else.
 * User ids (`usr_…`) can never take this form.
 *
 * @example
 * await realtime.push([merchantAudience('mer_123')], { type: 'request', data: line });
 */
export function merchantAudience(merchantId: string): string {
  return `merchant:${merchantId}`;
}

/** What a merchant stream receives: each of its events as webhooks deliver them, and its API request log lines. */
export const merchantStreamMessageTypes = { event: 'event', request: 'request' } as const;

/** The bus subscription that feeds realtime; stable, because delivery records name it. */
export const realtimeSubscriptionName = 'realtime.push';

/**
 * Every event that names an audience. `exists: true` matches a field holding at least one leaf
 * value, so an empty `audience` array counts as absent and is not pushed to anyone.
 */
export const realtimeEventPattern: EventPattern = { audience: [{ exists: true }] };

/**
 * Pushes every event that has an `audience` to exactly the users in it, as
 * `{ id, type, time, data }`. Nobody else receives it: the audience is the whole access check,
 * so an event without one is never pushed.
 *
 * @example
 * const bus = new InProcessBus();
 * subscribeRealtime(bus, realtime);
 */
export function subscribeRealtime(bus: EventBus, realtime: Realtime): void {
  bus.subscribe(realtimeSubscriptionName, realtimeEventPattern, pushToAudience(realtime));
}

function pushToAudience(realtime: Realtime) {
  return async (event: EventEnvelope) => {
    const audience = audienceOf(event);
    if (audience.length === 0) return;
    await realtime.push(audience, toRealtimeMessage(event));
  };
}

/**
 * Realtime as a module: the push subscription, and `/v1/realtime`, which each runtime serves
 * itself (a `ws` upgrade locally, API Gateway's WebSocket API on AWS) and which checks its own
 * token, so it is public to the HTTP app.
 */
export const realtimeModule = defineModule({
  name: 'realtime',
  http: { paths: [{ exact: '/v1/realtime', auth: 'public' }] },
  subscriptions: [
    {
      name: realtimeSubscriptionName,
      pattern: realtimeEventPattern,
      handler: (deps) => pushToAudience(deps.realtime),
    },
  ],
});

/** The message an event becomes on the wire: no `source`, `subject` or `audience`. */
export function toRealtimeMessage(event: EventEnvelope): RealtimeMessage {
  return { id: event.id, type: event.type, time: event.time, data: event.data };
}

/** The distinct user ids an event is for; anything that is not a non-empty string is ignored. */
function audienceOf(event: EventEnvelope): string[] {
  const audience: unknown = event.audience;
  if (!Array.isArray(audience)) return [];
  return [...new Set(audience.filter((id): id is string => typeof id === 'string' && id !== ''))];
}

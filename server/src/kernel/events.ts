import { newId } from './ids.ts';
import { isoTime } from './clock.ts';

/**
 * The event envelope shared by the outbox, the bus, webhooks and realtime.
 * `type` reads like `transfer.created`; `subject` names the object it is about;
 * `audience` lists the user ids that may see it (realtime uses it, webhooks ignore it);
 * `merchant` names the sandbox merchant whose event it is (webhooks and `GET /v1/events` use it).
 */
export interface EventEnvelope<TData = Record<string, unknown>> {
  id: string;
  type: string;
  source: string;
  time: string;
  subject: string;
  audience?: string[];
  merchant?: string;
  data: TData;
}

export function createEvent<TData extends Record<string, unknown>>(input: {
  type: string;
  source: string;
  subject: string;
  data: TData;
  audience?: string[];
  merchant?: string;
  now: number;
}): EventEnvelope<TData> {
  const event: EventEnvelope<TData> = {
    id: newId('event', input.now),
    type: input.type,
    source: input.source,
    time: isoTime(input.now),
    subject: input.subject,
    data: input.data,
  };
  if (input.audience) event.audience = input.audience;
  if (input.merchant) event.merchant = input.merchant;
  return event;
}

/**
 * Whether `Listed` names every key of `Map`. With `satisfies readonly (keyof Map)[]` on a module's
 * event-type list, `EventTypesCheck<ListsEvery<…>>` makes the list and its event-data map agree
 * both ways: a type added to the map alone fails the type check.
 */
export type ListsEvery<Map, Listed extends PropertyKey> = [Exclude<keyof Map, Listed>] extends [never]
  ? true
  : false;
/** Compiles only for `true`: checked when the program is type-checked, nothing at run time. */
export type EventTypesCheck<T extends true> = T;

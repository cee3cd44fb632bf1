import { modules } from '../../server/src/app/modules.ts';
import { subscriptionsOf } from '../../server/src/app/registry.ts';
import type { EventPattern } from '../../server/src/platform/event-pattern.ts';
import type { SluiceModule } from '../../server/src/platform/module.ts';

/** One bus subscription as the modules declare it. */
export interface RecordedSubscription {
  name: string;
  pattern: EventPattern;
}

/**
 * The bus subscriptions with their patterns, from the modules' own definitions: the EventBridge
 * rules then match exactly what the local bus matches, and no pattern is copied into the
 * infrastructure.
 *
 * @example recordSubscriptions().find((s) => s.name === 'realtime.push')?.pattern
 */
export function recordSubscriptions(list: readonly SluiceModule[] = modules): RecordedSubscription[] {
  return subscriptionsOf(list).map(({ name, pattern }) => ({ name, pattern }));
}

/**
 * The EventBridge rule pattern of a subscription: the dispatcher puts the Sluice envelope as the
 * event's `detail`, so the module's pattern applies below `detail`.
 */
export function ruleEventPattern(pattern: EventPattern): { detail: EventPattern } {
  return { detail: pattern };
}

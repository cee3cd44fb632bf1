import { isoTime } from '../kernel/clock.ts';
import type { PaymentMethodType, Provider } from './connectors/connector.ts';
import type { HubDeps } from './deps.ts';
import type { Routing } from './model.ts';
import { checkRouting } from './routing.ts';
import { merchantConnectors, readRouting, routingPut } from './store.ts';

/** The merchant's routing table as the API shows it (empty until set). */
export async function getRouting(deps: HubDeps, merchantId: string) {
  const routing = await readRouting(deps.store, merchantId);
  return {
    object: 'routing' as const,
    rules: routing?.rules ?? [],
    default: routing?.default ?? [],
    updated_at: routing?.updated_at ?? null,
  };
}

/** Replaces the merchant's routing table, once it names only providers it has connectors for. */
export async function setRouting(deps: HubDeps, merchantId: string, routing: Routing) {
  const connected = new Map<Provider, readonly PaymentMethodType[]>(
    (await merchantConnectors(deps.store, merchantId)).map((c) => [
      c.provider,
      deps.connectors[c.provider].methods,
    ]),
  );
  checkRouting(routing, connected);
  const updated_at = isoTime(deps.clock.now());
  await deps.store.transact([routingPut(merchantId, { ...routing, updated_at })]);
  return { object: 'routing' as const, ...routing, updated_at };
}

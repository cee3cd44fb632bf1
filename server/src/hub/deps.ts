import type { Clock } from '../kernel/clock.ts';
import type { ModuleDeps } from '../platform/module.ts';
import type { Secrets } from '../platform/secrets.ts';
import type { Store } from '../platform/store.ts';
import type { ModuleMetrics } from '../platform/telemetry.ts';
import { defaultBreakerSettings, type BreakerSettings } from './breaker.ts';
import { achConnector } from './connectors/ach.ts';
import type { Connector, Provider } from './connectors/connector.ts';
import { paypalConnector } from './connectors/paypal.ts';
import { sandboxCardConnector } from './connectors/sandbox-card.ts';
import { stripeConnector, type StripeEndpoint } from './connectors/stripe.ts';
import { walletConnector, type WalletApproval } from './connectors/wallet.ts';

/** What tests lay over the hub's defaults (`ModuleDeps.testHooks.hub`). */
export interface HubTestHooks {
  /** Points the Stripe SDK at a local Stripe-compatible server. */
  stripe?: StripeEndpoint;
  /** Points the PayPal SDK at a local PayPal-compatible server (its base URL). */
  paypal?: string;
  /** The first failover wait; doubled per attempt, plus jitter up to as much again (default 50 ms). */
  backoffBaseMs?: number;
  breaker?: Partial<BreakerSettings>;
  /** Draws fault rates and jitter (default Math.random). */
  random?: () => number;
}

export interface HubDeps {
  store: Store;
  clock: Clock;
  /** Holds the key credentials are sealed under (`credentials.ts`). */
  secrets: Secrets;
  /** Counts breaker openings, which the module's `breaker-open` alarm watches. */
  moduleMetrics: ModuleMetrics;
  connectors: Readonly<Record<Provider, Connector>> & { wallet: Connector & WalletApproval };
  breaker: BreakerSettings;
  backoff: { baseMs: number; capMs: number };
  random: () => number;
}

export function hubDeps(
  deps: Pick<
    ModuleDeps,
    'store' | 'clock' | 'config' | 'identity' | 'logger' | 'testHooks' | 'secrets' | 'moduleMetrics'
  >,
): HubDeps {
  const hooks = (deps.testHooks?.hub ?? {}) as HubTestHooks;
  const payments = { store: deps.store, clock: deps.clock };
  return {
    store: deps.store,
    clock: deps.clock,
    secrets: deps.secrets,
    moduleMetrics: deps.moduleMetrics,
    connectors: {
      sandbox_card: sandboxCardConnector(payments),
      wallet: walletConnector({
        ...payments,
        config: deps.config,
        users: deps.identity,
        logger: deps.logger,
      }),
      stripe: stripeConnector(hooks.stripe ? { endpoint: hooks.stripe } : {}),
      paypal: paypalConnector(hooks.paypal ? { endpoint: hooks.paypal } : {}),
      ach: achConnector({ ...payments, secrets: deps.secrets }),
    },
    breaker: { ...defaultBreakerSettings, ...hooks.breaker },
    backoff: { baseMs: hooks.backoffBaseMs ?? 50, capMs: 2_000 },
    random: hooks.random ?? Math.random,
  };
}

import type { MerchantPrincipal, Principal } from '../kernel/principal.ts';
import type { Idempotency } from './idempotency.ts';

/** The Hono environment every Sluice route shares. */
export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    merchant: MerchantPrincipal;
    /** Set by the idempotency middleware on a POST carrying an `Idempotency-Key`. */
    idempotency: Idempotency | undefined;
  };
}

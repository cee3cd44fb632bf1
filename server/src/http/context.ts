import type { Idempotency } from './idempotency.ts';

/** Who is calling. Routes read it from `c.var.principal` after an auth middleware ran. */
export type Principal = {
  kind: 'user';
  userId: string;
  email: string;
  groups: string[];
};

/** The Hono environment every Sluice route shares. */
export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    /** Set by the idempotency middleware on a POST carrying an `Idempotency-Key`. */
    idempotency: Idempotency | undefined;
  };
}

import { Hono } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { AppError, errorCodes, type ErrorCode } from '../kernel/errors.ts';
import { requireMerchant, type MerchantAuthDeps } from './merchant-auth.ts';

/**
 * Authenticates a realtime merchant stream (`sluice listen`, `logs tail`) with exactly the merchant
 * API's rules: the credential goes through `requireMerchant` itself (an `sk_test_` key, or a user
 * token plus the merchant it names, rate limit included), so a socket admits whom the API admits
 * and no one else. Answers the merchant's id, or throws the refusal as its `AppError`.
 *
 * @example
 * new LocalRealtime({ identity, authenticateMerchant: merchantAuthenticator({ store, clock, identity, rateLimiter }) });
 */
export function merchantAuthenticator(deps: MerchantAuthDeps) {
  const gate = new Hono<AppEnv>();
  gate.use('*', requireMerchant(deps));
  gate.get('*', (c) => c.json({ merchant: c.var.merchant.merchantId }));
  return async (token: string, merchantId: string | undefined): Promise<string> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (merchantId !== undefined) headers['sluice-merchant'] = merchantId;
    const response = await gate.request('/v1/realtime', { headers });
    const body = (await response.json()) as {
      merchant?: string;
      error?: { code?: string; message?: string };
    };
    if (response.ok && typeof body.merchant === 'string') return body.merchant;
    const message = body.error?.message ?? 'the credential was refused';
    // Ours, not the caller's (the store unreachable): thrown as a plain error, so it is a 500.
    if (response.status >= 500) throw new Error(`merchant authentication failed: ${message}`);
    const code = body.error?.code ?? '';
    throw new AppError(isKernelCode(code) ? code : 'invalid_token', message);
  };
}

function isKernelCode(code: string): code is ErrorCode {
  return (errorCodes as readonly string[]).includes(code);
}

/** A signed-in person. Routes read it from `c.var.principal` after `requireUser` ran. */
export type Principal = {
  kind: 'user';
  userId: string;
  email: string;
  groups: string[];
  /** The identity's session the access token was minted for, when the issuer names it (the local one does). */
  sessionId?: string | undefined;
  /** Signed in with a second factor (a TOTP or recovery code) as well as the password. */
  mfa?: boolean | undefined;
};

/**
 * A merchant calling the sandbox API: with a secret API key (`Authorization: Bearer sk_test_…`),
 * or as its owner signed in with a JWT who names the merchant in `Sluice-Merchant` (the dashboard).
 * Routes of the merchant API read it from `c.var.merchant` after `requireMerchant` ran.
 */
export type MerchantPrincipal = {
  kind: 'merchant';
  merchantId: string;
  /** The API key used, when the caller authenticated with one. */
  apiKeyId: string | undefined;
  /** The user who owns the merchant. */
  ownerId: string;
};

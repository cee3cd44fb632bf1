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
  /**
   * The caller's role in the merchant's team. An API key acts as `owner` (it was made by an
   * owner or admin and holds the merchant's full API); a person acts with their member role.
   */
  role: MerchantRole;
  /** The person acting (dashboard), or undefined for an API key. */
  userId: string | undefined;
  /** That person's email (for audit trails), or undefined for an API key. */
  email?: string | undefined;
};

/** A team member's role in a merchant, from most to least powerful (`approver` only approves). */
export const merchantRoles = ['owner', 'admin', 'developer', 'approver', 'viewer'] as const;
export type MerchantRole = (typeof merchantRoles)[number];

/** Settings shared by both runtimes; each runtime fills them from its environment. */
export interface Config {
  /** The issuer (`iss`) of access tokens minted by the local identity provider. */
  issuer: string;
  /** The audience (`aud`) access tokens are minted for and checked against. */
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Sign-up bonus for a new wallet, in minor units of `walletCurrency`. */
  signupBonus: number;
  walletCurrency: 'USD';
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Failed-or-not login attempts allowed per email and per client address in a window. */
  loginAttemptsPerWindow: number;
  loginWindowSeconds: number;
  /** Emails that get the `admin` group at sign-up. */
  adminEmails: string[];
  /**
   * Which private addresses webhook URLs may resolve to (`SLUICE_WEBHOOK_ALLOW_PRIVATE`):
   * `none` (the default on AWS), `loopback` (the local default, so a developer's own receiver
   * works) or `all`.
   */
  webhookAllowPrivate: 'none' | 'loopback' | 'all';
}

export const defaultConfig: Config = {
  issuer: 'https://sluice.local',
  audience: 'sluice-api',
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  signupBonus: 2000,
  walletCurrency: 'USD',
  maxBodyBytes: 64 * 1024,
  loginAttemptsPerWindow: 10,
  loginWindowSeconds: 60,
  adminEmails: [],
  webhookAllowPrivate: 'loopback',
};

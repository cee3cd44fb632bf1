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
  /**
   * The most ever paid in sign-up bonuses, in minor units of `walletCurrency`: the promotions
   * account is funded with it from issuance once, when it is first needed; later changes do not
   * top it up. Once it is spent, new wallets open without a bonus.
   */
  signupBonusBudget: number;
  walletCurrency: 'USD';
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /**
   * Login attempts (failed or not) allowed per email from one client address in a window: the
   * limit a guesser meets, without locking the owner out at their own address.
   */
  loginAttemptsPerWindow: number;
  /** Login attempts allowed per client address across all emails in a window. */
  loginAttemptsPerAddressPerWindow: number;
  /**
   * Login attempts allowed per email from all addresses together: a much higher backstop against
   * guessing spread over many addresses (reaching it takes that many addresses' worth of tries).
   */
  loginAttemptsPerEmailPerWindow: number;
  loginWindowSeconds: number;
  /** Sign-ups allowed per client address in a window (each pays a bonus while the budget lasts). */
  signUpsPerAddressPerWindow: number;
  signUpWindowSeconds: number;
  /**
   * Whether a new user must verify their email (a code mailed at sign-up) before money can leave
   * their wallet or they can create merchants; the sign-up bonus is paid on verification. When
   * false, sign-up counts the email as verified at once (tests and scripts that drive many users).
   */
  requireEmailVerification: boolean;
  /** Whether admin routes need a session opened with a second factor (TOTP), not only the password. */
  requireMfaForAdmins: boolean;
  /** Emails that get the `admin` group at sign-up. */
  adminEmails: string[];
  /**
   * A bearer token a Prometheus scraper may present at `/metrics` (`SLUICE_METRICS_TOKEN`);
   * without one, only an admin's access token reads it.
   */
  metricsToken?: string;
  /**
   * Which private addresses webhook URLs may resolve to (`SLUICE_WEBHOOK_ALLOW_PRIVATE`):
   * `none` (the default on AWS), `loopback` (the local default, so a developer's own receiver
   * works) or `all`.
   */
  webhookAllowPrivate: 'none' | 'loopback' | 'all';
  /**
   * How long the webhook delivery worker waits for a POST before it answers its queue batch and
   * lets the POST finish in the background, so a hanging endpoint does not hold the batch (the
   * local queue's next round waits for it). Unset: the webhooks module's default. `null` on AWS,
   * where Lambda freezes what runs on after the handler returns: every POST is awaited there.
   */
  webhookDeliveryHoldMs?: number | null;
  /**
   * How long an idempotency record is kept, in seconds (`SLUICE_IDEMPOTENCY_RETENTION_SECONDS`,
   * at least 24 h as the API documents; default 48 h). Past it, the key may be used afresh.
   */
  idempotencyRetentionSeconds: number;
  /**
   * How long an event record is kept once it needs no more delivery, in seconds
   * (`SLUICE_EVENT_RETENTION_SECONDS`, default 30 days, as Stripe keeps events): `GET /v1/events`
   * and webhook redelivery answer 410 `event_expired` past it. Events still pending or parked are
   * kept; the ledger's audit and history read its own items, never events.
   */
  eventRetentionSeconds: number;
}

export const defaultConfig: Config = {
  issuer: 'https://sluice.local',
  audience: 'sluice-api',
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  signupBonus: 2000,
  signupBonusBudget: 10_000_000,
  walletCurrency: 'USD',
  maxBodyBytes: 64 * 1024,
  loginAttemptsPerWindow: 10,
  loginAttemptsPerAddressPerWindow: 30,
  loginAttemptsPerEmailPerWindow: 100,
  loginWindowSeconds: 60,
  signUpsPerAddressPerWindow: 30,
  signUpWindowSeconds: 3600,
  requireEmailVerification: true,
  requireMfaForAdmins: false,
  adminEmails: [],
  webhookAllowPrivate: 'loopback',
  idempotencyRetentionSeconds: 48 * 3600,
  eventRetentionSeconds: 30 * 24 * 3600,
};

/** The shortest idempotency retention the API allows: its documented minimum. */
export const minIdempotencyRetentionSeconds = 24 * 3600;

/** The shortest retentions `SLUICE_TEST_RETENTIONS=1` allows. */
const testRetentionFloorSeconds = 60;

/**
 * The retention settings given in the environment (`SLUICE_IDEMPOTENCY_RETENTION_SECONDS`,
 * `SLUICE_EVENT_RETENTION_SECONDS`), for both runtimes; a value out of range stops the start.
 *
 * @example const config = { ...defaultConfig, ...retentionConfigFromEnv(process.env) };
 */
export function retentionConfigFromEnv(
  env: Record<string, string | undefined>,
): Partial<Pick<Config, 'idempotencyRetentionSeconds' | 'eventRetentionSeconds'>> {
  const read = (name: string, min: number): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < min)
      throw new Error(`${name} must be a whole number of seconds, at least ${min}, not ${text}`);
    return value;
  };
  // Soaks and tests (`SLUICE_TEST_RETENTIONS=1`) may keep both for as little as a minute, to watch
  // the data dir level off within a run; a client retrying past that window would act twice.
  const testing = env.SLUICE_TEST_RETENTIONS === '1';
  const idempotency = read(
    'SLUICE_IDEMPOTENCY_RETENTION_SECONDS',
    testing ? testRetentionFloorSeconds : minIdempotencyRetentionSeconds,
  );
  const events = read('SLUICE_EVENT_RETENTION_SECONDS', testing ? testRetentionFloorSeconds : 3600);
  return {
    ...(idempotency !== undefined ? { idempotencyRetentionSeconds: idempotency } : {}),
    ...(events !== undefined ? { eventRetentionSeconds: events } : {}),
  };
}

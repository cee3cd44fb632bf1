/**
 * The Secrets port: reads a secret (an API key, a signing key) by name at run time, so secrets
 * live in the runtime's secret store and never in code, config files or logs.
 *
 * Names use the Secrets Manager alphabet: letters, digits and `/_+=.@-`, e.g.
 * `sluice/stripe-api-key`. An empty value counts as missing, so a half-configured environment
 * fails loudly instead of signing with an empty key. Errors name the secret, never its value.
 *
 * Adapters: `EnvSecrets` (runtime/local, environment variables) and `SecretsManagerSecrets`
 * (runtime/aws, cached with a TTL). Both pass `runSecretsContract`.
 */
export interface Secrets {
  /**
   * The secret's current value. Throws `SecretNotFoundError` when it does not exist.
   *
   * @example
   * const apiKey = await secrets.get('sluice/stripe-api-key');
   */
  get(name: string): Promise<string>;
}

/** No secret of that name (or an empty one). The message names the secret and nothing else. */
export class SecretNotFoundError extends Error {
  readonly secretName: string;
  /** `where` tells the operator where to set it, e.g. `the environment variable SLUICE_X`. */
  constructor(secretName: string, options: { where?: string; cause?: unknown } = {}) {
    super(
      `secret ${JSON.stringify(secretName)} is not set${options.where ? ` (set ${options.where})` : ''}`,
      { cause: options.cause },
    );
    this.name = 'SecretNotFoundError';
    this.secretName = secretName;
  }
}

const secretName = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/**
 * Refuses a name Secrets Manager would refuse, so a typo fails the same way on both runtimes.
 *
 * @example
 * assertSecretName('sluice/stripe-api-key'); // fine
 * assertSecretName('stripe api key'); // throws TypeError
 */
export function assertSecretName(name: string): void {
  if (typeof name !== 'string' || !secretName.test(name)) {
    throw new TypeError(
      `invalid secret name ${JSON.stringify(name)}: use 1 to 512 letters, digits and /_+=.@-`,
    );
  }
}

import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { systemClock, type Clock } from '../../kernel/clock.ts';
import { assertSecretName, SecretNotFoundError, type Secrets } from '../../platform/secrets.ts';

export interface SecretsManagerSecretsOptions {
  client: SecretsManagerClient;
  /** How long a value is reused before it is read again. Default 300 s. */
  ttlSeconds?: number;
  clock?: Clock;
  /**
   * Put before every name sent to Secrets Manager, so that stages sharing an account keep apart:
   * with `sluice-prod/`, `hub/credentials-key` is read from `sluice-prod/hub/credentials-key`.
   * Errors still name the secret as asked. Default: none.
   */
  namePrefix?: string;
}

export const defaultSecretTtlSeconds = 300;

/**
 * The Secrets port on AWS Secrets Manager (`GetSecretValue`, the `AWSCURRENT` version).
 *
 * A Lambda container serves many requests, so values are cached for `ttlSeconds`: a rotated
 * secret reaches every container within one TTL (rotate with an overlap at least that long).
 * Concurrent reads of a name share one request, so a cold container under load sends one
 * `GetSecretValue`, not one per request. Failures are not cached: the next read tries again.
 *
 * Only `SecretString` is supported; a binary secret is refused by name. `ResourceNotFoundException`
 * becomes `SecretNotFoundError`; other SDK errors (access denied, KMS) are rethrown as they are,
 * since they carry no secret value.
 *
 * @example
 * const secrets = new SecretsManagerSecrets({ client: new SecretsManagerClient({}) });
 * const key = await secrets.get('sluice/stripe-api-key');
 */
export class SecretsManagerSecrets implements Secrets {
  readonly #client: SecretsManagerClient;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #prefix: string;
  readonly #cache = new Map<string, { value: string; expiresAt: number }>();
  readonly #inFlight = new Map<string, Promise<string>>();

  constructor(options: SecretsManagerSecretsOptions) {
    this.#client = options.client;
    this.#ttlMs = (options.ttlSeconds ?? defaultSecretTtlSeconds) * 1000;
    this.#clock = options.clock ?? systemClock;
    this.#prefix = options.namePrefix ?? '';
  }

  async get(name: string): Promise<string> {
    assertSecretName(name);
    const cached = this.#cache.get(name);
    if (cached && this.#clock.now() < cached.expiresAt) return cached.value;
    const pending = this.#inFlight.get(name);
    if (pending) return pending;
    const read = this.#read(name).finally(() => this.#inFlight.delete(name));
    this.#inFlight.set(name, read);
    return read;
  }

  async #read(name: string): Promise<string> {
    const secretId = `${this.#prefix}${name}`;
    let output;
    try {
      output = await this.#client.send(new GetSecretValueCommand({ SecretId: secretId }));
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') {
        throw new SecretNotFoundError(name, { where: `${secretId} in AWS Secrets Manager`, cause: error });
      }
      throw error;
    }
    if (output.SecretString === undefined && output.SecretBinary !== undefined) {
      throw new Error(`secret ${JSON.stringify(name)} is binary; only string secrets are supported`);
    }
    if (!output.SecretString)
      throw new SecretNotFoundError(name, { where: `a value for ${secretId} in AWS Secrets Manager` });
    this.#cache.set(name, { value: output.SecretString, expiresAt: this.#clock.now() + this.#ttlMs });
    return output.SecretString;
  }
}

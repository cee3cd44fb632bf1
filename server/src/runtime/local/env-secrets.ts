import { assertSecretName, SecretNotFoundError, type Secrets } from '../../platform/secrets.ts';

/**
 * The Secrets port for the local runtime: values come from environment variables, read once when
 * the adapter is built (restart to pick up a change, as a Lambda picks up a new secret version
 * only when its cache expires). A secret's variable is its name in upper case with every other
 * character than a letter or digit replaced by `_`: `sluice/stripe-api-key` is read from
 * `SLUICE_STRIPE_API_KEY`.
 *
 * @example
 * const secrets = new EnvSecrets(process.env);
 * const key = await secrets.get('sluice/stripe-api-key'); // $SLUICE_STRIPE_API_KEY
 */
export class EnvSecrets implements Secrets {
  readonly #values: ReadonlyMap<string, string>;

  constructor(env: Record<string, string | undefined> = process.env) {
    this.#values = new Map(
      Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  }

  async get(name: string): Promise<string> {
    assertSecretName(name);
    const variable = envVariableFor(name);
    const value = this.#values.get(variable);
    if (!value) throw new SecretNotFoundError(name, { where: `the environment variable ${variable}` });
    return value;
  }
}

/**
 * The environment variable a secret is read from.
 *
 * @example
 * envVariableFor('sluice/stripe-api-key'); // 'SLUICE_STRIPE_API_KEY'
 */
export function envVariableFor(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

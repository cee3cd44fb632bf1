import { describe, expect, it } from 'vitest';
import { runSecretsContract } from '../../platform/secrets-contract.ts';
import { SecretNotFoundError } from '../../platform/secrets.ts';
import { envVariableFor, EnvSecrets } from './env-secrets.ts';

runSecretsContract('EnvSecrets', async (stored) => ({
  secrets: new EnvSecrets(
    Object.fromEntries(Object.entries(stored).map(([name, value]) => [envVariableFor(name), value])),
  ),
}));

describe('EnvSecrets', () => {
  it('reads a secret from its upper-case, underscore-separated variable', async () => {
    const secrets = new EnvSecrets({
      SLUICE_STRIPE_API_KEY: 'sk_test_1',
      'sluice/stripe-api-key': 'not this one',
    });
    expect(await secrets.get('sluice/stripe-api-key')).toBe('sk_test_1');
  });

  it('tells the operator which variable to set when a secret is missing', async () => {
    const error = await new EnvSecrets({})
      .get('sluice/webhook-signing-key')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect((error as Error).message).toBe(
      'secret "sluice/webhook-signing-key" is not set (set the environment variable SLUICE_WEBHOOK_SIGNING_KEY)',
    );
  });

  it('keeps the values it was built with, unaffected by later changes to the map', async () => {
    const env: Record<string, string | undefined> = { SLUICE_KEY: 'first' };
    const secrets = new EnvSecrets(env);
    env.SLUICE_KEY = 'second';
    expect(await secrets.get('sluice/key')).toBe('first');
  });
});

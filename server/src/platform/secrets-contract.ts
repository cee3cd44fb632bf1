import { afterEach, describe, expect, it } from 'vitest';
import { SecretNotFoundError, type Secrets } from './secrets.ts';

export interface SecretsUnderTest {
  secrets: Secrets;
  cleanup?: () => Promise<void>;
}

/**
 * The behaviour every `Secrets` adapter must show, as one vitest suite. `makeSecrets` builds an
 * adapter whose backing store holds exactly `stored` (name → value).
 *
 * @example
 * runSecretsContract('EnvSecrets', async (stored) => ({ secrets: new EnvSecrets(envFor(stored)) }));
 */
export function runSecretsContract(
  name: string,
  makeSecrets: (stored: Record<string, string>) => Promise<SecretsUnderTest>,
): void {
  describe(`Secrets contract: ${name}`, () => {
    const stored = {
      'sluice/stripe-api-key': 'sk_live_51HxTOPSECRET',
      'sluice/webhook-signing-key': 'whsec_0123456789abcdef',
      'sluice/empty': '',
    };
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });
    const setup = async () => {
      const subject = await makeSecrets(stored);
      cleanup = subject.cleanup;
      return subject.secrets;
    };

    it('returns the value stored under a name', async () => {
      const secrets = await setup();
      expect(await secrets.get('sluice/stripe-api-key')).toBe('sk_live_51HxTOPSECRET');
      expect(await secrets.get('sluice/webhook-signing-key')).toBe('whsec_0123456789abcdef');
    });

    it('returns the same value to repeated and concurrent readers', async () => {
      const secrets = await setup();
      const values = await Promise.all(Array.from({ length: 5 }, () => secrets.get('sluice/stripe-api-key')));
      expect(values).toEqual(Array.from({ length: 5 }, () => 'sk_live_51HxTOPSECRET'));
      expect(await secrets.get('sluice/stripe-api-key')).toBe('sk_live_51HxTOPSECRET');
    });

    it('reports a missing secret by name, without any secret value in the message', async () => {
      const secrets = await setup();
      const error = await secrets.get('sluice/missing').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SecretNotFoundError);
      expect(error).toMatchObject({ secretName: 'sluice/missing' });
      expect((error as Error).message).toContain('sluice/missing');
      for (const value of Object.values(stored).filter(Boolean))
        expect((error as Error).message).not.toContain(value);
    });

    it('treats an empty value as missing', async () => {
      const secrets = await setup();
      await expect(secrets.get('sluice/empty')).rejects.toBeInstanceOf(SecretNotFoundError);
    });

    it('refuses a name the secret store could not hold', async () => {
      const secrets = await setup();
      for (const bad of ['', 'stripe api key', 'x'.repeat(513)])
        await expect(secrets.get(bad)).rejects.toBeInstanceOf(TypeError);
    });
  });
}

import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  type GetSecretValueCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../kernel/clock.ts';
import { runSecretsContract } from '../../platform/secrets-contract.ts';
import { SecretNotFoundError } from '../../platform/secrets.ts';
import { SecretsManagerSecrets } from './secrets-manager.ts';

// Secrets Manager cannot run here, so the client is mocked with aws-sdk-client-mock and answers
// like the service: the current SecretString for a known SecretId, ResourceNotFoundException
// ("Secrets Manager can't find the specified secret.") for any other.
const secretsManager = mockClient(SecretsManagerClient);
const client = () =>
  new SecretsManagerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

function fakeService(stored: Record<string, string>): void {
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand).callsFake(async (input: GetSecretValueCommandInput) => {
    const name = input.SecretId ?? '';
    if (!(name in stored))
      throw new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: {},
      });
    return {
      ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`,
      Name: name,
      SecretString: stored[name],
      VersionId: 'v1',
      VersionStages: ['AWSCURRENT'],
    };
  });
}

afterEach(() => {
  secretsManager.reset();
});

runSecretsContract('SecretsManagerSecrets (mocked Secrets Manager)', async (stored) => {
  fakeService(stored);
  return { secrets: new SecretsManagerSecrets({ client: client() }) };
});

// A stage's secrets: the names asked for are read under the stage's prefix.
runSecretsContract('SecretsManagerSecrets with a name prefix (mocked Secrets Manager)', async (stored) => {
  fakeService(
    Object.fromEntries(Object.entries(stored).map(([name, value]) => [`sluice-prod/${name}`, value])),
  );
  return { secrets: new SecretsManagerSecrets({ client: client(), namePrefix: 'sluice-prod/' }) };
});

describe('SecretsManagerSecrets', () => {
  const calls = () => secretsManager.commandCalls(GetSecretValueCommand).length;

  it('reads a secret once and reuses it until the TTL passes', async () => {
    fakeService({ 'sluice/key': 'v1' });
    const clock = new ManualClock();
    const secrets = new SecretsManagerSecrets({ client: client(), ttlSeconds: 60, clock });
    expect(await secrets.get('sluice/key')).toBe('v1');
    clock.advance(59_999);
    expect(await secrets.get('sluice/key')).toBe('v1');
    expect(calls()).toBe(1);

    fakeService({ 'sluice/key': 'v2' }); // rotated
    clock.advance(1);
    expect(await secrets.get('sluice/key')).toBe('v2');
    expect(calls()).toBe(1); // fakeService reset the call log: one read after the TTL
  });

  it('sends one request for concurrent reads of the same name, one per name', async () => {
    fakeService({ 'sluice/a': 'A', 'sluice/b': 'B' });
    const secrets = new SecretsManagerSecrets({ client: client() });
    const values = await Promise.all([
      secrets.get('sluice/a'),
      secrets.get('sluice/a'),
      secrets.get('sluice/b'),
      secrets.get('sluice/a'),
    ]);
    expect(values).toEqual(['A', 'A', 'B', 'A']);
    expect(
      secretsManager
        .commandCalls(GetSecretValueCommand)
        .map((call) => call.args[0].input.SecretId)
        .sort(),
    ).toEqual(['sluice/a', 'sluice/b']);
  });

  it('does not cache a failure: the next read asks again', async () => {
    secretsManager.reset();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    secretsManager.on(GetSecretValueCommand).rejectsOnce(throttled).resolves({ SecretString: 'value' });
    const secrets = new SecretsManagerSecrets({ client: client() });
    await expect(secrets.get('sluice/key')).rejects.toBe(throttled);
    expect(await secrets.get('sluice/key')).toBe('value');
    expect(calls()).toBe(2);
  });

  it('reports a missing secret by name, with the SDK error as the cause', async () => {
    fakeService({});
    const error = await new SecretsManagerSecrets({ client: client() })
      .get('sluice/missing')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect((error as Error).message).toBe(
      'secret "sluice/missing" is not set (set sluice/missing in AWS Secrets Manager)',
    );
    expect((error as Error).cause).toBeInstanceOf(ResourceNotFoundException);
  });

  it('names the secret as asked and where it was looked for under a prefix', async () => {
    fakeService({});
    const error = await new SecretsManagerSecrets({ client: client(), namePrefix: 'sluice-dev/' })
      .get('hub/credentials-key')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ secretName: 'hub/credentials-key' });
    expect((error as Error).message).toBe(
      'secret "hub/credentials-key" is not set (set sluice-dev/hub/credentials-key in AWS Secrets Manager)',
    );
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({
      SecretId: 'sluice-dev/hub/credentials-key',
    });
  });

  it('refuses a binary secret without echoing its bytes', async () => {
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new TextEncoder().encode('hunter2') });
    const error = await new SecretsManagerSecrets({ client: client() })
      .get('sluice/binary')
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      'secret "sluice/binary" is binary; only string secrets are supported',
    );
    expect((error as Error).message).not.toContain('hunter2');
  });
});

import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  type GetSecretValueCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { hubDeps } from '../../hub/index.ts';
import { sealCredentials, unsealCredentials } from '../../hub/credentials.ts';
import { createLocalIdentity } from '../../identity/index.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../platform/logger.ts';
import { SqliteStore } from '../local/sqlite-store.ts';
import { awsEnvironment } from './functions.ts';
import { createAwsPlatform } from './platform.ts';

// The AWS composition root gives modules Secrets Manager under the stage's prefix, as the CDK app
// names the secrets (`sluice-<stage>/<name>`). Secrets Manager cannot run here: its client is
// mocked with aws-sdk-client-mock, answering like the service for the one secret the stage has.
const secretsManager = mockClient(SecretsManagerClient);
secretsManager.on(GetSecretValueCommand).callsFake(async (input: GetSecretValueCommandInput) => {
  if (input.SecretId !== 'sluice-test/hub/credentials-key')
    throw new ResourceNotFoundException({
      message: "Secrets Manager can't find the specified secret.",
      $metadata: {},
    });
  return {
    Name: input.SecretId,
    SecretString: 'Generated64LettersAndDigits0123456789abcdefABCDEF0123456789abcdef',
  };
});
const store = new SqliteStore(':memory:');
afterAll(async () => {
  secretsManager.restore();
  await store.close();
});

describe('the AWS platform: module secrets', () => {
  const platform = createAwsPlatform({
    env: {
      AWS_REGION: 'us-east-1',
      [awsEnvironment.stage]: 'test',
      [awsEnvironment.tableName]: 'sluice-test',
      [awsEnvironment.queueUrls]: '{}',
      [awsEnvironment.eventBusName]: 'sluice-test',
      [awsEnvironment.websocketEndpoint]: 'https://ws0123.execute-api.us-east-1.amazonaws.com/test',
      [awsEnvironment.secretsPrefix]: 'sluice-test/',
    },
    overrides: {
      clients: { secretsManager: new SecretsManagerClient({ region: 'us-east-1' }) },
      store,
      identity: createLocalIdentity,
      clock: new ManualClock(Date.UTC(2026, 0, 15)),
      logger: silentLogger,
    },
  });

  it("reads a module's secret under the stage's prefix, and the hub seals with it", async () => {
    const deps = hubDeps(platform.moduleDeps);
    const sealed = await sealCredentials(deps, { secret_key: 'sk_live_TOPSECRET' });
    expect(await unsealCredentials(deps, sealed)).toEqual({ secret_key: 'sk_live_TOPSECRET' });
    const asked = secretsManager
      .commandCalls(GetSecretValueCommand)
      .map((call) => call.args[0].input.SecretId);
    expect(new Set(asked)).toEqual(new Set(['sluice-test/hub/credentials-key']));
    expect(asked.length).toBe(1); // cached for the container
  });

  it('names a missing secret as the module asked for it, and where it was looked for', async () => {
    await expect(platform.moduleDeps.secrets.get('billing/other')).rejects.toThrow(
      'secret "billing/other" is not set (set sluice-test/billing/other in AWS Secrets Manager)',
    );
  });
});

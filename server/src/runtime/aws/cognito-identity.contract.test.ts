import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, inject } from 'vitest';
import { runIdentityContract } from '../../platform/identity-contract.ts';
import { dynamoLocalClientConfig } from '../../../../test/dynamodb-local.ts';
import { cognitoOnFakePool } from './cognito-identity-fake-pool.ts';

// The shared identity contract on the Cognito adapter: the Cognito API is the one mocked edge
// (the fake user pool of cognito-identity-fake-pool.ts, which says why no offline Cognito will
// do), the table is DynamoDB Local (a fresh one per test), and access tokens are RS256 JWTs
// checked by aws-jwt-verify.
const dynamo = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: inject('dynamoEndpoint') });
const cognito = mockClient(CognitoIdentityProviderClient);
afterAll(() => {
  dynamo.destroy();
  cognito.restore();
});

runIdentityContract(
  'Cognito (user pool mocked, table on DynamoDB Local, tokens checked by aws-jwt-verify)',
  (config) => cognitoOnFakePool(cognito, dynamo, config),
  {
    gaps: {
      passwordChangeKeepsSession:
        'Cognito cannot sign out all but one session: a password change ends every session (AdminUserGlobalSignOut)',
      recoveryCodes:
        'Cognito’s SOFTWARE_TOKEN_MFA challenge takes authenticator codes only; an admin resets a lost authenticator',
    },
  },
);

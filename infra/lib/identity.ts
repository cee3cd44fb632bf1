import { Duration, type Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { StageConfig } from './stage.ts';

/**
 * The Cognito user pool, its app client and the Admins group, shaped for the Cognito identity
 * adapter (`server/src/runtime/aws/cognito-identity.ts`): the username is the Sluice user id,
 * email is an alias, the client signs in with USER_PASSWORD_AUTH, rotates and revokes refresh
 * tokens, and `Admins` maps to the app's `admin` group.
 */
export function createIdentity(
  scope: Stack,
  stage: StageConfig,
): { userPool: cognito.UserPool; userPoolClient: cognito.UserPoolClient } {
  const prefix = stage.prefix;
  const userPool = new cognito.UserPool(scope, 'UserPool', {
    userPoolName: prefix,
    selfSignUpEnabled: true,
    // The username is the Sluice user id (the access token's `username` claim); people sign in
    // with their email as an alias. No verification mail: the adapter confirms and verifies, as
    // the local identity does (runtime/aws/cognito-identity.ts).
    signInAliases: { username: true, email: true },
    autoVerify: { email: false },
    standardAttributes: {
      email: { required: true, mutable: true },
      fullname: { required: false, mutable: true },
    },
    // The app's rules (identity/model.ts passwordSchema: 8 to 128 characters, no composition
    // rules), so a password accepted locally is accepted here.
    passwordPolicy: {
      minLength: 8,
      requireLowercase: false,
      requireUppercase: false,
      requireDigits: false,
      requireSymbols: false,
    },
    mfa: cognito.Mfa.OPTIONAL,
    mfaSecondFactor: { otp: true, sms: false },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    deletionProtection: stage.isProtected,
    removalPolicy: stage.removalPolicy,
  });
  const userPoolClient = userPool.addClient('Client', {
    userPoolClientName: `${prefix}-api`,
    generateSecret: false,
    authFlows: { userPassword: true },
    accessTokenValidity: Duration.minutes(15),
    idTokenValidity: Duration.minutes(15),
    refreshTokenValidity: Duration.days(30),
    enableTokenRevocation: true,
    // Rotation makes refresh tokens single-use, as locally (GetTokensFromRefreshToken).
    refreshTokenRotationGracePeriod: Duration.seconds(10),
    preventUserExistenceErrors: true,
  });
  userPool.addGroup('Admins', {
    groupName: 'Admins',
    description: "Sluice administrators (the app's `admin` group)",
  });
  return { userPool, userPoolClient };
}

import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  AliasExistsException,
  AssociateSoftwareTokenCommand,
  ChangePasswordCommand,
  CodeMismatchException,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  EnableSoftwareTokenMFAException,
  ForgotPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserAttributeVerificationCodeCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  InvalidPasswordException,
  NotAuthorizedException,
  ResourceNotFoundException,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  UnsupportedTokenTypeException,
  UsernameExistsException,
  VerifySoftwareTokenCommand,
  VerifyUserAttributeCommand,
  type AdminUserGlobalSignOutCommandInput,
  type AssociateSoftwareTokenCommandInput,
  type ChangePasswordCommandInput,
  type ConfirmForgotPasswordCommandInput,
  type ForgotPasswordCommandInput,
  type GetUserAttributeVerificationCodeCommandInput,
  type GlobalSignOutCommandInput,
  type RespondToAuthChallengeCommandInput,
  type SetUserMFAPreferenceCommandInput,
  type VerifySoftwareTokenCommandInput,
  type VerifyUserAttributeCommandInput,
  type AdminAddUserToGroupCommandInput,
  type AdminConfirmSignUpCommandInput,
  type AdminDeleteUserCommandInput,
  type AdminUpdateUserAttributesCommandInput,
  type GetTokensFromRefreshTokenCommandInput,
  type InitiateAuthCommandInput,
  type RevokeTokenCommandInput,
  type SignUpCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { Secret, TOTP } from 'otpauth';
import { vi } from 'vitest';
import { ManualClock } from '../../kernel/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { IdentityUnderTest } from '../../platform/identity-contract.ts';
import { silentLogger } from '../../platform/logger.ts';
import { createCognitoAccessTokenVerifier, createCognitoIdentity } from './cognito-identity.ts';
import { createTableIfMissing, DynamoStore } from '../dynamodb/dynamo-store.ts';

// The Cognito API is the one mocked edge (aws-sdk-client-mock): a fake user pool that answers like ours
// does as infra/lib/identity.ts configures it. Everything else is real: the table is DynamoDB
// Local (test/global-setup.ts), a fresh one per test, and access tokens are RS256 JWTs signed by
// the fake and checked by aws-jwt-verify against the fake's JWKS.
//
// Not cognito-local (npm, 5.3.0), which runs offline but cannot play our pool: it refuses a
// sign-up whose username is not an email unless the pool signs in by username only, so signing
// in with the email as an alias of the Sluice user id fails either way; its
// AdminUpdateUserAttributes refuses `email_verified` without `email`; and it has no
// GetTokensFromRefreshToken, the only refresh call that works with refresh-token rotation.
//
// The account-security calls (ForgotPassword, VerifyUserAttribute, AssociateSoftwareToken,
// RespondToAuthChallenge, GlobalSignOut…) are answered by the same fake: codes it "mails" are kept
// on the pool user for `mailedCode`, TOTP codes are checked with otpauth as Cognito's authenticator
// check would. So the shared contract runs here against a mocked client, not a wire-compatible
// server: none on npm plays these calls for our pool (see cognito-local above).
//
// Time: `advance` moves the adapter's clock, the fake's, and `Date` (aws-jwt-verify checks `exp`
// against `Date.now()`); only `Date` is faked, timers stay real.

/** The mocked Cognito client every `CognitoIdentityProviderClient` of the test file sends through. */
export type CognitoStub = AwsClientStub<CognitoIdentityProviderClient>;

/** The adapter under the contract, with the table, the clock and the pool it runs on. */
export interface CognitoOnFakePool extends IdentityUnderTest {
  store: DynamoStore;
  tableName: string;
  clock: ManualClock;
  pool: FakeUserPool;
  advance(seconds: number): Promise<void>;
  cleanup(): Promise<void>;
}

export const userPoolId = 'us-east-1_ContractPool';
export const clientId = 'sluicecontractclient';
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;
const jwksUri = `${issuer}/.well-known/jwks.json`;
/** As infra/lib/identity.ts: 15-minute access tokens, refresh-token rotation with a 10 s grace period. */
const accessTokenSeconds = 900;
export const rotationGraceSeconds = 10;
const minPasswordLength = 8;

interface PoolUser {
  username: string;
  password: string;
  email: string;
  isEmailVerified: boolean;
  isConfirmed: boolean;
  groups: Set<string>;
  /** The codes the pool "mailed", newest last. */
  verificationCode?: string | undefined;
  resetCode?: string | undefined;
  /** The authenticator secret once associated, and whether sign-in asks for it. */
  totpSecret?: string | undefined;
  isMfaEnabled?: boolean;
}

interface IssuedRefreshToken {
  username: string;
  isRevoked: boolean;
  /** When a refresh rotated it out; it stays usable for the grace period after. */
  rotatedAt?: number;
}

/** A user pool with the email as a sign-in alias, token revocation and refresh-token rotation. */
export class FakeUserPool {
  readonly #cognito: CognitoStub;
  readonly #clock: ManualClock;
  readonly #signingKey: CryptoKey;
  readonly #kid: string;
  readonly #users = new Map<string, PoolUser>();
  readonly #refreshTokens = new Map<string, IssuedRefreshToken>();
  #refreshGate: (() => Promise<void>) | undefined;

  constructor(cognito: CognitoStub, clock: ManualClock, signingKey: CryptoKey, kid: string) {
    this.#cognito = cognito;
    this.#clock = clock;
    this.#signingKey = signingKey;
    this.#kid = kid;
  }

  install(): void {
    const cognito = this.#cognito;
    cognito.reset();
    cognito.on(SignUpCommand).callsFake((input: SignUpCommandInput) => this.#signUp(input));
    cognito
      .on(AdminConfirmSignUpCommand)
      .callsFake(
        (input: AdminConfirmSignUpCommandInput) => void (this.#user(input.Username).isConfirmed = true),
      );
    cognito
      .on(AdminUpdateUserAttributesCommand)
      .callsFake((input: AdminUpdateUserAttributesCommandInput) => this.#updateAttributes(input));
    cognito
      .on(AdminAddUserToGroupCommand)
      .callsFake(
        (input: AdminAddUserToGroupCommandInput) =>
          void this.#user(input.Username).groups.add(input.GroupName!),
      );
    cognito
      .on(AdminDeleteUserCommand)
      .callsFake(
        (input: AdminDeleteUserCommandInput) => void this.#users.delete(this.#user(input.Username).username),
      );
    cognito.on(InitiateAuthCommand).callsFake((input: InitiateAuthCommandInput) => this.#initiateAuth(input));
    cognito
      .on(GetTokensFromRefreshTokenCommand)
      .callsFake(async (input: GetTokensFromRefreshTokenCommandInput) => {
        await this.#refreshGate?.();
        return this.#refresh(input);
      });
    cognito.on(RevokeTokenCommand).callsFake((input: RevokeTokenCommandInput) => this.#revoke(input));
    cognito
      .on(GetUserAttributeVerificationCodeCommand)
      .callsFake((input: GetUserAttributeVerificationCodeCommandInput) => {
        this.#caller(input.AccessToken).verificationCode = sixDigits();
        return { CodeDeliveryDetails: { DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
      });
    cognito.on(VerifyUserAttributeCommand).callsFake((input: VerifyUserAttributeCommandInput) => {
      const user = this.#caller(input.AccessToken);
      if (!user.verificationCode || user.verificationCode !== input.Code)
        throw new CodeMismatchException({
          message: 'Invalid verification code provided, please try again.',
          $metadata: {},
        });
      if (this.#byAlias(user.email))
        throw new AliasExistsException({
          message: 'An account with the given email already exists.',
          $metadata: {},
        });
      user.isEmailVerified = true;
      user.verificationCode = undefined;
      return {};
    });
    cognito.on(ForgotPasswordCommand).callsFake((input: ForgotPasswordCommandInput) => {
      this.#checkClient(input.ClientId);
      const user = this.#user(input.Username);
      if (!user.isEmailVerified)
        throw new InvalidParameterException({
          message:
            'Cannot reset password for the user as there is no registered/verified email or phone_number',
          $metadata: {},
        });
      user.resetCode = sixDigits();
      return { CodeDeliveryDetails: { DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
    });
    cognito.on(ConfirmForgotPasswordCommand).callsFake((input: ConfirmForgotPasswordCommandInput) => {
      this.#checkClient(input.ClientId);
      const user = this.#user(input.Username);
      if (!user.resetCode || user.resetCode !== input.ConfirmationCode)
        throw new CodeMismatchException({
          message: 'Invalid verification code provided, please try again.',
          $metadata: {},
        });
      user.password = input.Password ?? '';
      user.resetCode = undefined;
      return {};
    });
    cognito.on(ChangePasswordCommand).callsFake((input: ChangePasswordCommandInput) => {
      const user = this.#caller(input.AccessToken);
      if (user.password !== input.PreviousPassword)
        throw new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} });
      user.password = input.ProposedPassword ?? '';
      return {};
    });
    cognito
      .on(AdminUserGlobalSignOutCommand)
      .callsFake((input: AdminUserGlobalSignOutCommandInput) =>
        this.#signOutEverywhere(this.#user(input.Username)),
      );
    cognito
      .on(GlobalSignOutCommand)
      .callsFake((input: GlobalSignOutCommandInput) =>
        this.#signOutEverywhere(this.#caller(input.AccessToken)),
      );
    cognito.on(AssociateSoftwareTokenCommand).callsFake((input: AssociateSoftwareTokenCommandInput) => {
      const user = this.#caller(input.AccessToken);
      user.totpSecret = new Secret({ size: 20 }).base32;
      return { SecretCode: user.totpSecret };
    });
    cognito.on(VerifySoftwareTokenCommand).callsFake((input: VerifySoftwareTokenCommandInput) => {
      const user = this.#caller(input.AccessToken);
      if (!user.totpSecret || !this.#isTotpValid(user.totpSecret, input.UserCode))
        throw new EnableSoftwareTokenMFAException({ message: 'Code mismatch', $metadata: {} });
      return { Status: 'SUCCESS' };
    });
    cognito.on(SetUserMFAPreferenceCommand).callsFake((input: SetUserMFAPreferenceCommandInput) => {
      const user = this.#caller(input.AccessToken);
      user.isMfaEnabled = input.SoftwareTokenMfaSettings?.Enabled === true;
      return {};
    });
    cognito
      .on(RespondToAuthChallengeCommand)
      .callsFake((input: RespondToAuthChallengeCommandInput) => this.#respondToChallenge(input));
  }

  /**
   * Holds the next `count` refreshes until all of them have reached the pool, so that they are
   * answered together: concurrent refreshes, each inside the rotation grace period of the others.
   */
  answerRefreshesTogether(count: number): void {
    let arrived = 0;
    let release!: () => void;
    const everyone = new Promise<void>((resolve) => (release = resolve));
    this.#refreshGate = async () => {
      arrived += 1;
      if (arrived >= count) {
        this.#refreshGate = undefined;
        release();
      }
      await everyone;
    };
  }

  /** The code the pool mailed to `email` for `purpose`, as the user would read it. */
  mailedCode(email: string, purpose: 'verify' | 'reset'): string | undefined {
    const user = [...this.#users.values()].find((candidate) => candidate.email === email);
    return purpose === 'verify' ? user?.verificationCode : user?.resetCode;
  }

  /** The user an access token was issued to (Cognito checks the token; the fake trusts its own). */
  #caller(accessToken: string | undefined): PoolUser {
    const username = decodeJwt(accessToken ?? '').username;
    return this.#user(typeof username === 'string' ? username : undefined);
  }

  #signOutEverywhere(user: PoolUser) {
    for (const issued of this.#refreshTokens.values())
      if (issued.username === user.username) issued.isRevoked = true;
    return {};
  }

  #isTotpValid(secret: string, code: string | undefined): boolean {
    const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
    return totp.validate({ token: code ?? '', timestamp: this.#clock.now(), window: 1 }) !== null;
  }

  readonly #challenges = new Map<string, string>();

  async #respondToChallenge(input: RespondToAuthChallengeCommandInput) {
    this.#checkClient(input.ClientId);
    const username = this.#challenges.get(input.Session ?? '');
    if (
      !username ||
      input.ChallengeName !== 'SOFTWARE_TOKEN_MFA' ||
      input.ChallengeResponses?.USERNAME !== username
    )
      throw new NotAuthorizedException({ message: 'Invalid session for the user.', $metadata: {} });
    const user = this.#user(username);
    if (!this.#isTotpValid(user.totpSecret ?? '', input.ChallengeResponses?.SOFTWARE_TOKEN_MFA_CODE))
      throw new CodeMismatchException({ message: 'Invalid code received for user', $metadata: {} });
    this.#challenges.delete(input.Session!);
    return {
      AuthenticationResult: {
        ...(await this.#tokens(user)),
        RefreshToken: this.#issueRefreshToken(username),
      },
    };
  }

  #checkClient(id: string | undefined): void {
    if (id !== clientId)
      throw new ResourceNotFoundException({ message: 'User pool client does not exist.', $metadata: {} });
  }

  #user(username: string | undefined): PoolUser {
    const user = this.#users.get(username ?? '');
    if (!user) throw new NotAuthorizedException({ message: 'User does not exist.', $metadata: {} });
    return user;
  }

  #signUp(input: SignUpCommandInput) {
    this.#checkClient(input.ClientId);
    const username = input.Username ?? '';
    if (this.#users.has(username))
      throw new UsernameExistsException({ message: 'User already exists', $metadata: {} });
    if ((input.Password ?? '').length < minPasswordLength) {
      throw new InvalidPasswordException({
        message: 'Password did not conform with policy: Password not long enough',
        $metadata: {},
      });
    }
    const email = input.UserAttributes?.find((attribute) => attribute.Name === 'email')?.Value ?? '';
    this.#users.set(username, {
      username,
      password: input.Password!,
      email,
      isEmailVerified: false,
      isConfirmed: false,
      groups: new Set(),
    });
    return { UserConfirmed: false, UserSub: randomUUID() };
  }

  #updateAttributes(input: AdminUpdateUserAttributesCommandInput) {
    const user = this.#user(input.Username);
    for (const attribute of input.UserAttributes ?? []) {
      if (attribute.Name === 'email_verified' && attribute.Value === 'true') {
        // An alias belongs to one user: verifying an email another user has verified is refused.
        if (this.#byAlias(user.email))
          throw new AliasExistsException({
            message: 'An account with the given email already exists.',
            $metadata: {},
          });
        user.isEmailVerified = true;
      }
    }
    return {};
  }

  /** The user whose verified email alias this is; Cognito matches aliases case-insensitively. */
  #byAlias(email: string): PoolUser | undefined {
    return [...this.#users.values()].find(
      (user) => user.isEmailVerified && user.email.toLowerCase() === email.toLowerCase(),
    );
  }

  async #initiateAuth(input: InitiateAuthCommandInput) {
    this.#checkClient(input.ClientId);
    if (input.AuthFlow !== 'USER_PASSWORD_AUTH')
      throw new NotAuthorizedException({ message: 'Auth flow not enabled for this client', $metadata: {} });
    const name = input.AuthParameters?.USERNAME ?? '';
    const user = this.#users.get(name) ?? this.#byAlias(name);
    // PreventUserExistenceErrors: an unknown user reads like a wrong password.
    if (!user || user.password !== input.AuthParameters?.PASSWORD)
      throw new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} });
    if (!user.isConfirmed)
      throw new NotAuthorizedException({ message: 'User is not confirmed.', $metadata: {} });
    if (user.isMfaEnabled) {
      const session = randomBytes(32).toString('base64url');
      this.#challenges.set(session, user.username);
      return { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: session, ChallengeParameters: {} };
    }
    const refreshToken = this.#issueRefreshToken(user.username);
    return {
      ChallengeParameters: {},
      AuthenticationResult: { ...(await this.#tokens(user)), RefreshToken: refreshToken },
    };
  }

  async #refresh(input: GetTokensFromRefreshTokenCommandInput) {
    this.#checkClient(input.ClientId);
    const issued = this.#refreshTokens.get(input.RefreshToken ?? '');
    const now = this.#clock.now();
    if (
      !issued ||
      issued.isRevoked ||
      (issued.rotatedAt !== undefined && now > issued.rotatedAt + rotationGraceSeconds * 1000)
    ) {
      throw new NotAuthorizedException({ message: 'Invalid Refresh Token', $metadata: {} });
    }
    const user = this.#user(issued.username);
    issued.rotatedAt ??= now;
    return {
      AuthenticationResult: {
        ...(await this.#tokens(user)),
        RefreshToken: this.#issueRefreshToken(user.username),
      },
    };
  }

  #revoke(input: RevokeTokenCommandInput) {
    this.#checkClient(input.ClientId);
    const issued = this.#refreshTokens.get(input.Token ?? '');
    if (!issued) throw new UnsupportedTokenTypeException({ message: 'Invalid token', $metadata: {} });
    issued.isRevoked = true;
    return {};
  }

  #issueRefreshToken(username: string): string {
    // Cognito's are opaque (an encrypted JWE); only their being unguessable matters here.
    const token = `eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.${randomBytes(48).toString('base64url')}`;
    this.#refreshTokens.set(token, { username, isRevoked: false });
    return token;
  }

  /** An access token shaped like Cognito's (and an ID token, which the adapter ignores). */
  async #tokens(user: PoolUser) {
    const now = Math.floor(this.#clock.now() / 1000);
    const accessToken = await new SignJWT({
      sub: randomUUID(),
      ...(user.groups.size > 0 ? { 'cognito:groups': [...user.groups] } : {}),
      iss: issuer,
      client_id: clientId,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: now,
      iat: now,
      exp: now + accessTokenSeconds,
      jti: randomUUID(),
      username: user.username,
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.#kid })
      .sign(this.#signingKey);
    return {
      AccessToken: accessToken,
      IdToken: 'id-token-unused',
      ExpiresIn: accessTokenSeconds,
      TokenType: 'Bearer',
    };
  }
}

const keyPair = generateKeyPair('RS256', { extractable: true });
const sixDigits = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/**
 * A Cognito adapter on a fresh table of `dynamo` and a fresh fake pool answering through
 * `cognito`, with `Date` faked (call `cleanup` after each test).
 *
 * @example
 * const subject = await cognitoOnFakePool(mockClient(CognitoIdentityProviderClient), dynamo, contractIdentityConfig);
 */
export async function cognitoOnFakePool(
  cognito: CognitoStub,
  dynamo: DynamoDBClient,
  config: Config,
): Promise<CognitoOnFakePool> {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  const clock = new ManualClock(Date.now());
  const tableName = `sluice-cognito-contract-${randomUUID()}`;
  await createTableIfMissing(dynamo, tableName);
  const store = new DynamoStore({ client: dynamo, tableName });
  const { privateKey, publicKey } = await keyPair;
  const kid = `contract-${randomUUID()}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const pool = new FakeUserPool(cognito, clock, privateKey, kid);
  pool.install();

  const verifier = createCognitoAccessTokenVerifier({
    userPoolId,
    clientId,
    // The pool's JWKS, loaded up front: there is no pool to fetch it from.
    jwksCache: new SimpleJwksCache({
      fetcher: {
        fetch: async () => {
          throw new Error('no network in tests');
        },
      },
    }),
  });
  verifier.cacheJwks({ keys: [publicJwk as Record<string, string>] } as never);
  const fetchJwks: typeof fetch = async (url) =>
    String(url) === jwksUri
      ? Response.json({ keys: [publicJwk] })
      : new Response('not found', { status: 404 });

  const identity = createCognitoIdentity({
    client: new CognitoIdentityProviderClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
    userPoolId,
    clientId,
    store,
    clock,
    config,
    logger: silentLogger,
    verifier,
    fetch: fetchJwks,
  });
  return {
    identity,
    store,
    tableName,
    clock,
    pool,
    async advance(seconds: number) {
      clock.advance(seconds * 1000);
      vi.setSystemTime(clock.now());
    },
    now: () => clock.now(),
    mailedCode: async (email: string, purpose: 'verify' | 'reset') => pool.mailedCode(email, purpose),
    async cleanup() {
      vi.useRealTimers();
      await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
}

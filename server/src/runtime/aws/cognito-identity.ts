import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import {
  FetchError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwtExpiredError,
} from 'aws-jwt-verify/error';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import { decodeJwt } from 'jose';
import type { Principal } from '../../kernel/principal.ts';
import type { Clock } from '../../kernel/clock.ts';
import { AppError, isAppError } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import type { Config } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { isTransactionCanceled, type Store } from '../../platform/store.ts';
import {
  enforceLoginLimits,
  enforceSignUpLimits,
  groups as knownGroups,
  normalizeEmail,
  newUser,
  queryUsers,
  readUser,
  readUserIdByEmail,
  signUpEmailIndex,
  signUpWrites,
  type AuthResponse,
  type Identity,
  type Jwks,
  type User,
} from '../../identity/index.ts';

/** The Cognito group whose members are Sluice admins (`cognito:groups` → `admin`). */
export const cognitoAdminGroup = 'Admins';

/** Checks an access token's signature and claims and returns its claims. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<Record<string, unknown>>;
}

export interface CognitoIdentityOptions {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  /** The app client: no secret, `ALLOW_USER_PASSWORD_AUTH` and `ALLOW_REFRESH_TOKEN_AUTH`, token revocation on. */
  clientId: string;
  store: Store;
  clock: Clock;
  config: Config;
  logger: Logger;
  /** Default: `createCognitoAccessTokenVerifier` for this pool and client. */
  verifier?: AccessTokenVerifier;
  /** Fetches the pool's JWKS for `jwks()`. Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** How long `jwks()` serves the pool's keys before fetching them again (Cognito rotates rarely). */
const jwksCacheMs = 3600_000;
const jwksFetchTimeoutMs = 3_000;
/** Cognito's longest access-token validity (an app client setting, 5 minutes to 1 day). */
const cognitoMaxAccessTokenSeconds = 24 * 3600;
/** Tolerated clock skew between Cognito and this process. */
const clockToleranceSeconds = 5;
/** Profiles remembered per process by `verifyAccessToken`: a user's id and email never change. */
const profileCacheSize = 10_000;

/**
 * The verifier for the pool's access tokens: aws-jwt-verify with the issuer of `userPoolId`,
 * `token_use: access`, the app client's `client_id`, and RS256 only (Cognito signs with RS256;
 * the check is explicit so no other algorithm passes even with a JWK that names none). The JWKS
 * is fetched from the pool and cached by the verifier.
 *
 * @example
 * const verifier = createCognitoAccessTokenVerifier({ userPoolId: 'us-east-1_AbC', clientId: '1example' });
 * const claims = await verifier.verify(accessToken);
 */
export function createCognitoAccessTokenVerifier(options: {
  userPoolId: string;
  clientId: string;
  jwksCache?: JwksCache;
}) {
  const verifier = CognitoJwtVerifier.create(
    {
      userPoolId: options.userPoolId,
      tokenUse: 'access',
      clientId: options.clientId,
      customJwtCheck: ({ header, payload }) => {
        if (header.alg !== 'RS256') throw new Error(`unexpected signature algorithm ${String(header.alg)}`);
        // aws-jwt-verify checks exp and nbf, not iat: as the local issuer does, refuse a token
        // minted in the future or living longer than the pool can issue (as its own clock does).
        const { iat, exp } = payload;
        if (typeof iat !== 'number' || iat > Date.now() / 1000 + clockToleranceSeconds)
          throw new Error('the token is issued in the future');
        if (typeof exp !== 'number' || exp - iat > cognitoMaxAccessTokenSeconds)
          throw new Error('the token outlives what the pool issues');
      },
    },
    options.jwksCache ? { jwksCache: options.jwksCache } : undefined,
  );
  return {
    verify: async (token: string): Promise<Record<string, unknown>> => ({
      ...(await verifier.verify(token)),
    }),
    /** Loads the pool's JWKS without fetching it (tests, or a copy bundled at deploy time). */
    cacheJwks: (jwks: Parameters<typeof verifier.cacheJwks>[0]) => verifier.cacheJwks(jwks),
  };
}

/**
 * The Identity port on a Cognito user pool. Cognito holds passwords, sessions and signing keys;
 * the table holds the same user profile, email pointer and `user.signed_up` event as the local
 * identity writes, so `getUser`, `findUserByEmail` and `listUsers` behave identically and the
 * wallet opens the account from the same event.
 *
 * - Sign-up creates the Cognito user with our user id as its username (so the access token's
 *   `username` claim is the Sluice user id; the pool signs in by its email alias), confirms it and
 *   marks the email verified (no verification mail, as locally), puts admins in `Admins`, signs in,
 *   then commits the profile. A failure before that commit deletes the Cognito user again.
 * - Sign-up applies the local identity's per-address sign-up limit before asking Cognito.
 * - Log-in applies the same login limits as the local identity (per email and address, per
 *   address, per email) before asking Cognito; every wrong-credential answer is `invalid_credentials`.
 * - Refresh uses `GetTokensFromRefreshToken`, which works with refresh-token rotation on the app
 *   client and without it (the InitiateAuth `REFRESH_TOKEN_AUTH` flow refuses clients with
 *   rotation). Only with rotation enabled does Cognito return a new refresh token and refuse the
 *   old one (after its grace period); without it the same refresh token is handed back and stays
 *   valid until it expires, unlike the local identity's single-use tokens.
 * - Log-out revokes the refresh token (and the access tokens minted from it, for Cognito's own
 *   APIs; our verifier checks signatures only, so those stay accepted here until they expire).
 * - Access tokens are checked with aws-jwt-verify; the principal's email comes from the profile.
 * - `jwks()` serves the pool's own public keys (fetched from its JWKS URL, cached for an hour), so
 *   `/.well-known/jwks.json` keeps listing the keys that sign the tokens we hand out.
 *
 * @example
 * const identity = createCognitoIdentity({ client: new CognitoIdentityProviderClient({}), userPoolId, clientId, store, clock, config, logger });
 * const { access_token } = await identity.logIn({ email, password, client_ip: '203.0.113.7' });
 */
export function createCognitoIdentity(options: CognitoIdentityOptions): Identity {
  const { client, userPoolId, clientId, store, clock, config, logger } = options;
  const verifier = options.verifier ?? createCognitoAccessTokenVerifier({ userPoolId, clientId });
  const fetchJwks = options.fetch ?? fetch;
  const adminEmails = new Set(config.adminEmails.map(normalizeEmail));
  const profiles = new Map<string, { email: string }>();
  let jwksCache: { jwks: Jwks; fetchedAt: number } | undefined;

  async function userOfTokens(result: AuthenticationResultType | undefined): Promise<{
    username: string;
    user: User | undefined;
    tokens: { access: string; refresh: string | undefined; expiresIn: number };
  }> {
    if (!result?.AccessToken)
      throw new AppError('service_unavailable', 'the identity provider returned no tokens');
    // Straight from Cognito over TLS: decoding is enough to read whom it was issued to.
    const claim = decodeJwt(result.AccessToken).username;
    const username = typeof claim === 'string' ? claim : '';
    const user = username !== '' ? await readUser(store, username) : undefined;
    return {
      username,
      user,
      tokens: {
        access: result.AccessToken,
        refresh: result.RefreshToken,
        expiresIn: result.ExpiresIn ?? config.accessTokenTtlSeconds,
      },
    };
  }

  function respond(user: User, access: string, refresh: string, expiresIn: number): AuthResponse {
    return {
      user: { id: user.id, email: user.email, name: user.name, groups: user.groups },
      access_token: access,
      refresh_token: refresh,
      expires_in: expiresIn,
    };
  }

  async function deleteCognitoUser(id: string): Promise<void> {
    try {
      await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: id }));
    } catch (error) {
      logger.error('could not delete the Cognito user of a failed sign-up', {
        user_id: id,
        error: errorName(error),
      });
    }
  }

  async function signInWithPassword(username: string, password: string): Promise<AuthenticationResultType> {
    const output = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    if (output.ChallengeName || !output.AuthenticationResult) {
      // MFA, a forced new password…: steps this API does not offer, so the sign-in cannot finish.
      throw new AppError(
        'invalid_credentials',
        'this account needs a sign-in step the API does not support',
        { details: { challenge: output.ChallengeName } },
      );
    }
    return output.AuthenticationResult;
  }

  return {
    async signUp(input) {
      await enforceSignUpLimits({ store, clock, config }, input.client_ip);
      const now = clock.now();
      const id = newId('user', now);
      const user = newUser(input, id, now, adminEmails);
      const email = user.email;
      if ((await readUserIdByEmail(store, email)) !== undefined) throw emailTaken();
      try {
        await client.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: id,
            Password: input.password,
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'name', Value: user.name },
            ],
          }),
        );
      } catch (error) {
        throw translateCognitoError(error, 'signUp');
      }
      let tokens: AuthenticationResultType;
      try {
        await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: id }));
        // An alias signs in only once verified; like the local identity, no verification mail is sent.
        await client.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: userPoolId,
            Username: id,
            UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
          }),
        );
        if (user.groups.includes(knownGroups.admin)) {
          await client.send(
            new AdminAddUserToGroupCommand({
              UserPoolId: userPoolId,
              Username: id,
              GroupName: cognitoAdminGroup,
            }),
          );
        }
        tokens = await signInWithPassword(id, input.password);
        if (!tokens.AccessToken)
          throw new AppError('service_unavailable', 'the identity provider returned no tokens');
        await store.transact(signUpWrites(user, now));
      } catch (error) {
        await deleteCognitoUser(id);
        if (isTransactionCanceled(error) && error.reasonAt(signUpEmailIndex)) throw emailTaken();
        throw translateCognitoError(error, 'signUp');
      }
      logger.info('user signed up', { user_id: id });
      return respond(
        user,
        tokens.AccessToken,
        tokens.RefreshToken ?? '',
        tokens.ExpiresIn ?? config.accessTokenTtlSeconds,
      );
    },

    async logIn(input) {
      const email = normalizeEmail(input.email);
      await enforceLoginLimits({ store, clock, config }, email, input.client_ip);
      let result: AuthenticationResultType;
      try {
        result = await signInWithPassword(email, input.password);
      } catch (error) {
        throw translateCognitoError(error, 'logIn');
      }
      const { username, user, tokens } = await userOfTokens(result);
      if (!user) {
        // A Cognito user without a profile: a sign-up whose clean-up failed. It is no account.
        logger.warn('Cognito user without a profile signed in', { user_id: username });
        throw new AppError('invalid_credentials', 'the email or password is incorrect');
      }
      return respond(user, tokens.access, tokens.refresh ?? '', tokens.expiresIn);
    },

    async refresh(refreshToken) {
      let result: AuthenticationResultType | undefined;
      try {
        result = (
          await client.send(
            new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken }),
          )
        ).AuthenticationResult;
      } catch (error) {
        throw translateCognitoError(error, 'refresh');
      }
      const { user, tokens } = await userOfTokens(result);
      if (!user) throw new AppError('invalid_token', 'the refresh token is invalid');
      return respond(user, tokens.access, tokens.refresh ?? refreshToken, tokens.expiresIn);
    },

    async logOut(refreshToken) {
      try {
        await client.send(new RevokeTokenCommand({ ClientId: clientId, Token: refreshToken }));
      } catch (error) {
        const translated = translateCognitoError(error, 'logOut');
        // An unknown or already revoked token is ignored, as RFC 7009 says and the local identity does.
        if (isAppError(translated) && translated.code === 'invalid_token') return;
        throw translated;
      }
    },

    async verifyAccessToken(token) {
      let claims: Record<string, unknown>;
      try {
        claims = await verifier.verify(token);
      } catch (error) {
        if (error instanceof JwtExpiredError)
          throw new AppError('token_expired', 'the access token has expired');
        if (isJwksUnavailable(error))
          logger.warn('could not load the user pool JWKS', { error: errorName(error) });
        throw new AppError('invalid_token', 'the access token is invalid');
      }
      const userId = claims.username;
      if (typeof userId !== 'string' || userId === '')
        throw new AppError('invalid_token', 'the access token names no user');
      let profile = profiles.get(userId);
      if (!profile) {
        const user = await readUser(store, userId);
        if (!user) throw new AppError('invalid_token', 'the access token names an unknown user');
        profile = { email: user.email };
        if (profiles.size >= profileCacheSize) profiles.delete(profiles.keys().next().value!);
        profiles.set(userId, profile);
      }
      const cognitoGroups = claims['cognito:groups'];
      const isAdmin = Array.isArray(cognitoGroups) && cognitoGroups.includes(cognitoAdminGroup);
      return {
        kind: 'user',
        userId,
        email: profile.email,
        groups: isAdmin ? [knownGroups.admin] : [],
      } satisfies Principal;
    },

    getUser: (userId) => readUser(store, userId),

    async findUserByEmail(email) {
      const userId = await readUserIdByEmail(store, normalizeEmail(email));
      return userId === undefined ? undefined : readUser(store, userId);
    },

    async jwks() {
      const now = clock.now();
      if (jwksCache && now - jwksCache.fetchedAt < jwksCacheMs) return jwksCache.jwks;
      const { jwksUri } = CognitoJwtVerifier.parseUserPoolId(userPoolId);
      try {
        const response = await fetchJwks(jwksUri, { signal: AbortSignal.timeout(jwksFetchTimeoutMs) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        jwksCache = { jwks: publicJwks(await response.json()), fetchedAt: now };
        return jwksCache.jwks;
      } catch (error) {
        logger.warn('could not fetch the user pool JWKS', { error: errorName(error) });
        // Stale keys beat none: Cognito keeps old keys listed long after a rotation.
        if (jwksCache) return jwksCache.jwks;
        throw new AppError('service_unavailable', 'the signing keys are unavailable; try again later');
      }
    },

    async listUsers({ limit, cursor }) {
      const page = await queryUsers(store, { limit, ...(cursor ? { cursor } : {}) });
      return { users: page.users, next_cursor: page.cursor };
    },
  };
}

const emailTaken = () =>
  new AppError('email_taken', 'an account with this email already exists', { param: 'email' });

/**
 * Cognito's answers as the port's errors. Every "wrong email or password" answer is the same
 * `invalid_credentials` (the pool should also have PreventUserExistenceErrors on); everything
 * not listed passes through unchanged (a 500, logged by the HTTP layer).
 */
function translateCognitoError(
  error: unknown,
  operation: 'signUp' | 'logIn' | 'refresh' | 'logOut',
): unknown {
  if (isAppError(error)) return error;
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
    case 'LimitExceededException':
      // Cognito names no wait; its quotas are per second.
      return new AppError('rate_limited', 'too many requests; try again later', {
        details: { retry_after: 1 },
        cause: error,
      });
    case 'AliasExistsException':
    case 'UsernameExistsException':
      return emailTaken();
    case 'InvalidPasswordException':
    case 'PasswordHistoryPolicyViolationException':
      return new AppError('validation_failed', message, { param: 'password', cause: error });
  }
  if (
    operation === 'logIn' &&
    [
      'NotAuthorizedException',
      'UserNotFoundException',
      'UserNotConfirmedException',
      'PasswordResetRequiredException',
    ].includes(name)
  ) {
    return new AppError('invalid_credentials', 'the email or password is incorrect', { cause: error });
  }
  if (
    (operation === 'refresh' || operation === 'logOut') &&
    [
      'NotAuthorizedException',
      'UserNotFoundException',
      'RefreshTokenReuseException',
      'UnsupportedTokenTypeException',
      'InvalidParameterException',
    ].includes(name)
  ) {
    return new AppError('invalid_token', 'the refresh token is invalid', { cause: error });
  }
  if (operation === 'signUp' && name === 'InvalidParameterException')
    return new AppError('validation_failed', message, { cause: error });
  return error;
}

function isJwksUnavailable(error: unknown): boolean {
  return (
    error instanceof FetchError ||
    error instanceof JwksNotAvailableInCacheError ||
    error instanceof JwksValidationError
  );
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** Only the public members of each key, whatever else the document holds. */
function publicJwks(document: unknown): Jwks {
  const keys: unknown = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error('the JWKS has no keys');
  return {
    keys: keys
      .filter(
        (key): key is Record<string, unknown> =>
          typeof key === 'object' && key !== null && typeof (key as { kty?: unknown }).kty === 'string',
      )
      .map((key) => {
        const publicKey: Record<string, string> = {};
        for (const member of ['kty', 'kid', 'alg', 'use', 'n', 'e', 'crv', 'x', 'y']) {
          if (typeof key[member] === 'string') publicKey[member] = key[member];
        }
        return publicKey as Jwks['keys'][number];
      }),
  };
}

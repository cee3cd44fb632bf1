import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  AssociateSoftwareTokenCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserAttributeVerificationCodeCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
  VerifyUserAttributeCommand,
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
import type { MfaChallenge, SignedIn } from '../../platform/identity.ts';
import type { Clock } from '../../kernel/clock.ts';
import { AppError, isAppError } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import type { Config } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { isTransactionCanceled, type Store, type WriteOperation } from '../../platform/store.ts';
import {
  checkPasswordPolicy,
  emailVerifiedWrites,
  enforceLoginLimits,
  enforceResetConfirmLimits,
  enforceResetRequestLimits,
  enforceSecondFactorLimit,
  enforceSignUpLimits,
  enforceVerificationMailLimit,
  identityErrors,
  mfaEnabledUpdate,
  totpUri,
  groups as knownGroups,
  normalizeEmail,
  newUser,
  queryUsers,
  readUser,
  readUserIdByEmail,
  createSessionRevocations,
  deviceOf,
  foreignSessionRevocation,
  sessionsCutOff,
  signUpEmailIndex,
  signUpWrites,
  type AuthResponse,
  type Identity,
  type Jwks,
  type User,
} from '../../identity/index.ts';
import { createCognitoSessions } from './cognito-identity-sessions.ts';

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
 *   rotation). Without rotation the same refresh token is handed back and stays valid until it
 *   expires, unlike the local identity's single-use tokens.
 * - With rotation (as infra/lib/identity.ts sets it up) refresh tokens are single-use as locally:
 *   every sign-in records a session and each refresh token's SHA-256 (`cognito-identity-sessions.ts`);
 *   a rotation spends the old token's record in a conditional write, and a spent token presented
 *   again, inside Cognito's grace period or after it, or by the loser of two concurrent refreshes,
 *   is refused with `invalid_token` and ends the session (see `refuseReuse`).
 * - Log-out revokes the refresh token (and the access tokens minted from it, for Cognito's own
 *   APIs) and its session in the table; the access tokens of the sign-in it names are refused here.
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
  // Cognito asks every sign-in of a user with MFA on for a code, so `mfa_enabled` stands for
  // "signed in with a second factor"; the entry is dropped here when this process changes it.
  const profiles = new Map<string, { email: string; mfaEnabled: boolean }>();
  let jwksCache: { jwks: Jwks; fetchedAt: number } | undefined;
  const revocations = createSessionRevocations({ store, clock });
  const sessions = createCognitoSessions({
    store,
    clock,
    ttlSeconds: config.refreshTokenTtlSeconds,
    accessTokenMaxSeconds: cognitoMaxAccessTokenSeconds,
  });

  /**
   * Cognito's global sign-outs (password change and reset, "sign out everywhere") revoke refresh
   * tokens only; recording the moment on the profile lets `verifyAccessToken` refuse the access
   * tokens issued before it too (those of the same whole second pass, unless `at` says otherwise).
   */
  async function recordSignOut(userId: string, at = clock.now()): Promise<void> {
    await store.transact([sessionsCutOff(userId, new Date(at).toISOString())]);
  }

  /** Revokes a refresh token at Cognito (and its access tokens, for Cognito's own APIs), whatever it answers. */
  async function revokeQuietly(refreshToken: string): Promise<void> {
    try {
      await client.send(new RevokeTokenCommand({ ClientId: clientId, Token: refreshToken }));
    } catch (error) {
      logger.warn('Cognito did not revoke a refresh token', { error: errorName(error) });
    }
  }

  /** The writes that record the session a sign-in opened (none if Cognito sent no refresh token). */
  function sessionOpening(
    userId: string,
    tokens: { refresh: string | undefined; access: string },
    device: string | undefined,
  ): WriteOperation[] {
    if (!tokens.refresh) return [];
    const accessId = accessIdOf(tokens.access);
    const shownDevice = deviceOf(device);
    return sessions.open({
      userId,
      refreshToken: tokens.refresh,
      ...(accessId !== undefined ? { accessId } : {}),
      ...(shownDevice !== undefined ? { device: shownDevice } : {}),
    });
  }

  /** Cognito's global sign-out has ended every session: the table's list says so too. */
  async function signedOutEverywhere(userId: string, at?: number): Promise<void> {
    await recordSignOut(userId, at);
    await sessions.revokeAll(userId);
  }

  /**
   * A spent refresh token came back: a copy exists somewhere, so the session it belongs to ends,
   * as locally, and the token is refused. Cognito cannot revoke one family of refresh tokens (the
   * live one is held by whoever refreshed last, and the table keeps hashes only), so the user's
   * every session ends at Cognito (AdminUserGlobalSignOut) and every access token issued up to
   * then is refused: the cut-off is the next whole second after the sign-out, so that tokens
   * minted in the same second (which `iat` cannot tell apart) are refused too. A session ended
   * already is only refused again: a replayed stolen token cannot sign the user out over and over.
   */
  async function refuseReuse(userId: string, sessionId: string): Promise<never> {
    if (await sessions.revoke(sessionId)) {
      logger.warn('refresh token reused; every session of the user ended', {
        user_id: userId,
        session_id: sessionId,
      });
      try {
        await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: userId }));
      } catch (error) {
        // The cut-off below still refuses the access tokens; the refresh tokens stay live at Cognito.
        logger.error('could not sign the user out at Cognito after a refresh token reuse', {
          user_id: userId,
          error: errorName(error),
        });
      }
      await signedOutEverywhere(userId, (Math.floor(clock.now() / 1000) + 1) * 1000);
    }
    throw new AppError('invalid_token', 'the refresh token is invalid');
  }

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

  async function sendVerificationCode(accessToken: string): Promise<void> {
    try {
      await client.send(
        new GetUserAttributeVerificationCodeCommand({ AccessToken: accessToken, AttributeName: 'email' }),
      );
    } catch (error) {
      logger.warn('Cognito did not send the verification code', { error: errorName(error) });
      throw translateCognitoError(error, 'code');
    }
  }

  /** Runs a user API call (one that takes the caller's access token), its errors translated. */
  async function asCaller<T>(operation: CognitoOperation, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw translateCognitoError(error, operation);
    }
  }

  async function signedInUser(caller: SignedIn): Promise<User> {
    const user = await readUser(store, caller.userId);
    if (!user) throw new AppError('invalid_token', 'the access token names an unknown user');
    return user;
  }

  async function signInWithPassword(
    username: string,
    password: string,
  ): Promise<AuthenticationResultType | MfaChallenge> {
    const output = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    if (output.ChallengeName === 'SOFTWARE_TOKEN_MFA' && output.Session) {
      return { mfa_required: true, mfa_token: encodeMfaToken(username, output.Session) };
    }
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
      checkPasswordPolicy(input.password, { email: input.email, param: 'password' });
      await enforceSignUpLimits({ store, clock, config }, input.client_ip);
      const now = clock.now();
      const id = newId('user', now);
      const isVerified = input.email_verified === true || !config.requireEmailVerification;
      const user = newUser(input, id, now, adminEmails, isVerified);
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
        // Confirmed at once: an unverified user may sign in (by user id: an alias signs in only
        // once verified), just not send money out, as with the local identity.
        await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: id }));
        if (isVerified) {
          await client.send(
            new AdminUpdateUserAttributesCommand({
              UserPoolId: userPoolId,
              Username: id,
              UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
            }),
          );
        }
        if (user.groups.includes(knownGroups.admin)) {
          await client.send(
            new AdminAddUserToGroupCommand({
              UserPoolId: userPoolId,
              Username: id,
              GroupName: cognitoAdminGroup,
            }),
          );
        }
        const signedIn = await signInWithPassword(id, input.password);
        if ('mfa_required' in signedIn)
          throw new AppError('service_unavailable', 'a new user was asked for a second factor');
        tokens = signedIn;
        if (!tokens.AccessToken)
          throw new AppError('service_unavailable', 'the identity provider returned no tokens');
        await store.transact([
          ...signUpWrites(user, now),
          ...sessionOpening(id, { refresh: tokens.RefreshToken, access: tokens.AccessToken }, input.device),
        ]);
      } catch (error) {
        await deleteCognitoUser(id);
        if (isTransactionCanceled(error) && error.reasonAt(signUpEmailIndex)) throw emailTaken();
        throw translateCognitoError(error, 'signUp');
      }
      logger.info('user signed up', { user_id: id });
      // Cognito mails the code itself (through SES, as the pool is configured); the sign-up stands
      // without it: the user can ask again.
      if (!isVerified) await sendVerificationCode(tokens.AccessToken).catch(() => undefined);
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
      let result: AuthenticationResultType | MfaChallenge;
      try {
        // By user id when the email is ours: an unverified email is no sign-in alias yet.
        result = await signInWithPassword((await readUserIdByEmail(store, email)) ?? email, input.password);
      } catch (error) {
        throw translateCognitoError(error, 'logIn');
      }
      if ('mfa_required' in result) return result;
      const { username, user, tokens } = await userOfTokens(result);
      if (!user) {
        // A Cognito user without a profile: a sign-up whose clean-up failed. It is no account.
        logger.warn('Cognito user without a profile signed in', { user_id: username });
        throw new AppError('invalid_credentials', 'the email or password is incorrect');
      }
      await store.transact(sessionOpening(user.id, tokens, input.device));
      return respond(user, tokens.access, tokens.refresh ?? '', tokens.expiresIn);
    },

    async refresh(refreshToken) {
      // Refused before Cognito is asked: within its grace period Cognito would still accept it.
      const record = await sessions.find(refreshToken);
      if (record?.used_at !== undefined) return refuseReuse(record.user_id, record.session_id);
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
      // Without rotation on the app client Cognito hands the same token back: nothing is spent.
      if (tokens.refresh !== undefined && tokens.refresh !== refreshToken) {
        const accessId = accessIdOf(tokens.access);
        const outcome = await sessions.recordRotation({
          spent: refreshToken,
          record,
          next: tokens.refresh,
          ...(accessId !== undefined ? { accessId } : {}),
          userId: user.id,
        });
        if (outcome.kind !== 'rotated') {
          // Lost to a concurrent refresh with the same token, or the session has ended: the
          // tokens Cognito just minted are handed to no one, and their refresh token is revoked.
          await revokeQuietly(tokens.refresh);
          if (outcome.kind === 'reused') return refuseReuse(user.id, outcome.sessionId);
          throw new AppError('invalid_token', 'the refresh token is invalid');
        }
      }
      return respond(user, tokens.access, tokens.refresh ?? refreshToken, tokens.expiresIn);
    },

    async logOut(refreshToken, caller) {
      try {
        await client.send(new RevokeTokenCommand({ ClientId: clientId, Token: refreshToken }));
      } catch (error) {
        const translated = translateCognitoError(error, 'logOut');
        // An unknown or already revoked token is ignored, as RFC 7009 says and the local identity does.
        if (!(isAppError(translated) && translated.code === 'invalid_token')) throw translated;
      }
      // The session leaves the list; its other refresh tokens and its newest access token are refused here.
      const record = await sessions.find(refreshToken);
      if (record) await sessions.revoke(record.session_id);
      // The access token sent with the log-out names its sign-in (`origin_jti`), whichever of the
      // session's access tokens it is: those of that sign-in are refused from then on.
      if (caller?.sessionId !== undefined) {
        const now = clock.now();
        await store.transact([
          foreignSessionRevocation({
            id: caller.sessionId,
            user_id: caller.userId,
            at: new Date(now).toISOString(),
            expires_at: Math.ceil(now / 1000) + cognitoMaxAccessTokenSeconds,
          }),
        ]);
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
        profile = { email: user.email, mfaEnabled: user.mfa_enabled };
        if (profiles.size >= profileCacheSize) profiles.delete(profiles.keys().next().value!);
        profiles.set(userId, profile);
      }
      // Issued in a second before the user's last global sign-out: revoked (a token of that same
      // second is let through, as `iat` has whole seconds).
      const signedOutAt = await revocations.signedOutAt(userId);
      if (
        signedOutAt !== undefined &&
        typeof claims.iat === 'number' &&
        claims.iat < Math.floor(signedOutAt / 1000)
      )
        throw new AppError('invalid_token', 'the session of this access token has ended');
      // `origin_jti` names the sign-in the token descends from: ended by a log-out that sent it.
      const sessionId = typeof claims.origin_jti === 'string' ? claims.origin_jti : undefined;
      if (sessionId !== undefined && (await revocations.sessionState(sessionId)) === 'revoked')
        throw new AppError('invalid_token', 'the session of this access token has ended');
      const cognitoGroups = claims['cognito:groups'];
      const isAdmin = Array.isArray(cognitoGroups) && cognitoGroups.includes(cognitoAdminGroup);
      return {
        kind: 'user',
        userId,
        email: profile.email,
        groups: isAdmin ? [knownGroups.admin] : [],
        ...(sessionId !== undefined ? { sessionId } : {}),
        mfa: profile.mfaEnabled,
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

    async completeMfaLogIn(input) {
      const { mfa_token, code } = input;
      const challenge = decodeMfaToken(mfa_token);
      if (!challenge)
        throw new AppError('invalid_token', 'the sign-in step has expired or was used; sign in again');
      await enforceSecondFactorLimit({ store, clock }, challenge.username);
      const output = await asCaller('challenge', () =>
        client.send(
          new RespondToAuthChallengeCommand({
            ClientId: clientId,
            ChallengeName: 'SOFTWARE_TOKEN_MFA',
            Session: challenge.session,
            ChallengeResponses: { USERNAME: challenge.username, SOFTWARE_TOKEN_MFA_CODE: code.trim() },
          }),
        ),
      );
      const { user, tokens } = await userOfTokens(output.AuthenticationResult);
      if (!user)
        throw new AppError('invalid_token', 'the sign-in step has expired or was used; sign in again');
      await store.transact(sessionOpening(user.id, tokens, input.device));
      return respond(user, tokens.access, tokens.refresh ?? '', tokens.expiresIn);
    },

    async resendEmailVerification(caller) {
      const user = await signedInUser(caller);
      if (user.email_verified) return;
      await enforceVerificationMailLimit({ store, clock }, user.id);
      await sendVerificationCode(caller.accessToken);
    },

    async verifyEmail(caller, code) {
      const user = await signedInUser(caller);
      if (user.email_verified) return user;
      // Cognito limits code attempts itself too; this is the same per-user ceiling as locally.
      await enforceSecondFactorLimit({ store, clock }, user.id);
      await asCaller('code', () =>
        client.send(
          new VerifyUserAttributeCommand({
            AccessToken: caller.accessToken,
            AttributeName: 'email',
            Code: code.trim(),
          }),
        ),
      );
      try {
        await store.transact(emailVerifiedWrites(user, clock.now()));
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error; // verified meanwhile: quiet
      }
      return { ...user, email_verified: true };
    },

    async requestPasswordReset({ email, client_ip }) {
      await enforceResetRequestLimits({ store, clock }, email, client_ip);
      const userId = await readUserIdByEmail(store, email);
      if (userId === undefined) return;
      try {
        await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: userId }));
      } catch (error) {
        // An unverified email gets no code from Cognito; the answer stays the same.
        logger.warn('Cognito sent no password reset code', { user_id: userId, error: errorName(error) });
      }
    },

    async confirmPasswordReset({ email, code, new_password, client_ip }) {
      await enforceResetConfirmLimits({ store, clock }, client_ip);
      checkPasswordPolicy(new_password, { email, param: 'new_password' });
      const userId = await readUserIdByEmail(store, email);
      if (userId === undefined) throw invalidCode();
      await asCaller('reset', () =>
        client.send(
          new ConfirmForgotPasswordCommand({
            ClientId: clientId,
            Username: userId,
            ConfirmationCode: code.trim(),
            Password: new_password,
          }),
        ),
      );
      await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: userId }));
      await signedOutEverywhere(userId);
      logger.info('password reset; every session revoked', { user_id: userId });
    },

    async changePassword(caller, { current_password, new_password }) {
      const user = await signedInUser(caller);
      checkPasswordPolicy(new_password, { email: user.email, param: 'new_password' });
      await asCaller('changePassword', () =>
        client.send(
          new ChangePasswordCommand({
            AccessToken: caller.accessToken,
            PreviousPassword: current_password,
            ProposedPassword: new_password,
          }),
        ),
      );
      // Cognito cannot end sessions one by one: every session ends, this one too.
      await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: user.id }));
      await signedOutEverywhere(user.id);
    },

    async startTotpEnrolment(caller) {
      const user = await signedInUser(caller);
      if (user.mfa_enabled)
        throw identityErrors.error(
          'mfa_already_enabled',
          'two-factor sign-in is on already; turn it off first',
        );
      const output = await asCaller('accessToken', () =>
        client.send(new AssociateSoftwareTokenCommand({ AccessToken: caller.accessToken })),
      );
      if (!output.SecretCode)
        throw new AppError('service_unavailable', 'the identity provider returned no secret');
      return { secret: output.SecretCode, otpauth_url: totpUri(output.SecretCode, user.email, 'Sluice') };
    },

    async confirmTotp(caller, code) {
      const user = await signedInUser(caller);
      if (user.mfa_enabled)
        throw identityErrors.error('mfa_already_enabled', 'two-factor sign-in is on already');
      await enforceSecondFactorLimit({ store, clock }, user.id);
      const output = await asCaller('totp', () =>
        client.send(
          new VerifySoftwareTokenCommand({ AccessToken: caller.accessToken, UserCode: code.trim() }),
        ),
      );
      if (output.Status !== 'SUCCESS') throw invalidCode();
      await asCaller('accessToken', () =>
        client.send(
          new SetUserMFAPreferenceCommand({
            AccessToken: caller.accessToken,
            SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
          }),
        ),
      );
      await store.transact([mfaEnabledUpdate(user.id, true)]);
      profiles.delete(user.id);
      // Cognito's challenge takes authenticator codes only: no recovery codes (an admin resets MFA).
      return { recovery_codes: [] };
    },

    // Known gap: Cognito's SetUserMFAPreference takes no code and the secret stays with Cognito,
    // so the code the port asks for is not checked here (the caller's access token is).
    async disableTotp(caller) {
      const user = await signedInUser(caller);
      if (!user.mfa_enabled) throw identityErrors.error('mfa_not_enabled', 'two-factor sign-in is off');
      await asCaller('accessToken', () =>
        client.send(
          new SetUserMFAPreferenceCommand({
            AccessToken: caller.accessToken,
            SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
          }),
        ),
      );
      await store.transact([mfaEnabledUpdate(user.id, false)]);
      profiles.delete(user.id);
    },

    // Cognito keeps no list of a user's sessions: the table's (recorded at sign-in) is shown.
    listSessions: (caller) => sessions.list(caller.userId, accessIdOf(caller.accessToken)),

    /**
     * Ends one session in the table: its refresh tokens are refused here (the next refresh with
     * one has Cognito's fresh tokens revoked again) and its newest access token within 2 s.
     * Cognito itself cannot revoke a refresh token it is not shown, so one used directly against
     * Cognito's API (not through Sluice) still refreshes there until it expires.
     */
    async endSession(caller, sessionId) {
      // Someone else's session reads like one that does not exist.
      if (!(await sessions.findOpen(caller.userId, sessionId)) || !(await sessions.revoke(sessionId)))
        throw new AppError('not_found', 'no such session', { param: 'id' });
    },

    async endAllSessions(caller) {
      await asCaller('accessToken', () =>
        client.send(new GlobalSignOutCommand({ AccessToken: caller.accessToken })),
      );
      await signedOutEverywhere(caller.userId);
    },
  };
}

/** Cognito's name for the sign-in an access token descends from (`origin_jti`), when it has one. */
function accessIdOf(accessToken: string): string | undefined {
  try {
    const claim = decodeJwt(accessToken).origin_jti;
    return typeof claim === 'string' ? claim : undefined;
  } catch {
    return undefined;
  }
}

const invalidCode = () =>
  identityErrors.error('invalid_code', 'the code is wrong, used already, or was never sent', {
    param: 'code',
  });

/** The second step of a Cognito log-in: whom it is for and Cognito's session, as one opaque token. */
function encodeMfaToken(username: string, session: string): string {
  return `cmfa_${Buffer.from(JSON.stringify({ u: username, s: session })).toString('base64url')}`;
}

function decodeMfaToken(token: string): { username: string; session: string } | undefined {
  if (!token.startsWith('cmfa_')) return undefined;
  try {
    const { u, s } = JSON.parse(Buffer.from(token.slice(5), 'base64url').toString()) as {
      u?: unknown;
      s?: unknown;
    };
    return typeof u === 'string' && typeof s === 'string' ? { username: u, session: s } : undefined;
  } catch {
    return undefined;
  }
}

const emailTaken = () =>
  new AppError('email_taken', 'an account with this email already exists', { param: 'email' });

/**
 * Cognito's answers as the port's errors. Every "wrong email or password" answer is the same
 * `invalid_credentials` (the pool should also have PreventUserExistenceErrors on); everything
 * not listed passes through unchanged (a 500, logged by the HTTP layer).
 */
type CognitoOperation =
  | 'signUp'
  | 'logIn'
  | 'refresh'
  | 'logOut'
  /** A code check: email verification. */
  | 'code'
  | 'reset'
  | 'totp'
  | 'challenge'
  | 'changePassword'
  /** Any other user API call made with the caller's access token. */
  | 'accessToken';

function translateCognitoError(error: unknown, operation: CognitoOperation): unknown {
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
      return operation === 'signUp'
        ? new AppError('validation_failed', message, { param: 'password', cause: error })
        : identityErrors.error('weak_password', message, { param: 'new_password', cause: error });
    case 'CodeMismatchException':
    case 'EnableSoftwareTokenMFAException':
      return identityErrors.error('invalid_code', 'the code is wrong, used already, or was never sent', {
        param: 'code',
        cause: error,
      });
    case 'ExpiredCodeException':
      return identityErrors.error('code_expired', 'the code has expired; ask for a new one', {
        param: 'code',
        cause: error,
      });
  }
  if (operation === 'changePassword' && name === 'NotAuthorizedException')
    return new AppError('invalid_credentials', 'the current password is incorrect', {
      param: 'current_password',
      cause: error,
    });
  if (operation === 'challenge' && ['NotAuthorizedException', 'UserNotFoundException'].includes(name))
    return new AppError('invalid_token', 'the sign-in step has expired or was used; sign in again', {
      param: 'mfa_token',
      cause: error,
    });
  if (operation === 'reset' && ['UserNotFoundException', 'NotAuthorizedException'].includes(name))
    return identityErrors.error('invalid_code', 'the code is wrong, used already, or was never sent', {
      param: 'code',
      cause: error,
    });
  if (['code', 'totp', 'accessToken'].includes(operation) && name === 'NotAuthorizedException')
    return new AppError('invalid_token', 'the access token is invalid', { cause: error });
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

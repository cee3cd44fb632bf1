import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWTVerifyGetKey,
} from 'jose';
import type { Principal } from '../kernel/principal.ts';
import type { Clock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import type { Config } from '../platform/config.ts';
import type { Store } from '../platform/store.ts';
import type { Jwks } from './model.ts';
import { putSigningKeyOnce, readSigningKey, type StoredSigningKey } from './store.ts';

const algorithm = 'ES256';
/** RFC 9068: marks the JWT as an access token, so no other JWT we might sign later passes as one. */
const tokenType = 'at+jwt';
/** Verified tokens remembered per process. */
const verifiedCacheSize = 10_000;

/** Tolerated clock skew between the minting and the verifying process. */
const clockToleranceSeconds = 5;

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwks: Jwks;
  keySet: JWTVerifyGetKey;
}

export interface AccessTokenSubject {
  userId: string;
  email: string;
  groups: string[];
  /** The session the token is minted for (the `sid` claim, OpenID Connect's name for it). */
  sessionId: string;
  /** The session was opened with a second factor: `amr` lists `otp` (RFC 8176). */
  mfa: boolean;
}

export interface AccessTokens {
  sign(subject: AccessTokenSubject): Promise<string>;
  verify(token: string): Promise<Principal>;
  jwks(): Promise<Jwks>;
}

/**
 * Mints and checks ES256 access tokens with one key pair kept in the store, created by whichever
 * process gets there first (a conditional put), so every process signs and verifies alike.
 * The private JWK sits in the store item: acceptable for the local runtime, whose store is a file
 * beside the process. On AWS, Cognito owns the keys and this module is not used.
 */
export function createAccessTokens(deps: { store: Store; clock: Clock; config: Config }): AccessTokens {
  const { store, clock, config } = deps;
  let loading: Promise<SigningKey> | undefined;

  function signingKey(): Promise<SigningKey> {
    loading ??= loadOrCreateKey(store, clock).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  }

  const verified = new Map<string, { principal: Principal; exp: number }>();
  return {
    async sign(subject) {
      const key = await signingKey();
      const now = Math.floor(clock.now() / 1000);
      return new SignJWT({
        email: subject.email,
        groups: subject.groups,
        sid: subject.sessionId,
        amr: subject.mfa ? ['pwd', 'otp'] : ['pwd'],
      })
        .setProtectedHeader({ alg: algorithm, kid: key.kid, typ: tokenType })
        .setIssuer(config.issuer)
        .setAudience(config.audience)
        .setSubject(subject.userId)
        .setIssuedAt(now)
        .setExpirationTime(now + config.accessTokenTtlSeconds)
        .setJti(randomUUID())
        .sign(key.privateKey);
    },

    async verify(token) {
      // A token's signature and claims never change, so a verified token is remembered until it
      // expires: the hot path skips the ECDSA check. Bounded, oldest entries evicted first.
      const cached = verified.get(token);
      if (cached) {
        if (clock.now() / 1000 - clockToleranceSeconds >= cached.exp) {
          verified.delete(token);
          throw new AppError('token_expired', 'the access token has expired');
        }
        return cached.principal;
      }
      const key = await signingKey();
      let payload;
      try {
        ({ payload } = await jwtVerify(token, key.keySet, {
          // Fixed, never read from the token: no `none`, no HS256 keyed with our public key.
          algorithms: [algorithm],
          typ: tokenType,
          issuer: config.issuer,
          audience: config.audience,
          clockTolerance: clockToleranceSeconds,
          currentDate: new Date(clock.now()),
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
          // Also refuses an `iat` in the future (beyond the tolerance): nobody mints tokens ahead of time.
          maxTokenAge: config.accessTokenTtlSeconds,
        }));
      } catch (error) {
        // jose checks the signature before the claims, so only a genuine token can be "expired".
        if (error instanceof errors.JWTExpired)
          throw new AppError('token_expired', 'the access token has expired');
        throw new AppError('invalid_token', 'the access token is invalid');
      }
      const { sub, email, groups, sid, amr } = payload;
      // We never issue a longer lifetime: a token that claims one was not minted by `sign`.
      const isLongLived = payload.exp! - payload.iat! > config.accessTokenTtlSeconds;
      if (isLongLived || typeof sub !== 'string' || typeof email !== 'string' || !isStringArray(groups)) {
        throw new AppError('invalid_token', 'the access token is invalid');
      }
      const principal: Principal = {
        kind: 'user',
        userId: sub,
        email,
        groups,
        ...(typeof sid === 'string' ? { sessionId: sid } : {}),
        mfa: Array.isArray(amr) && amr.includes('otp'),
      };
      if (verified.size >= verifiedCacheSize) verified.delete(verified.keys().next().value!);
      verified.set(token, { principal, exp: payload.exp! });
      return principal;
    },

    async jwks() {
      return (await signingKey()).jwks;
    },
  };
}

async function loadOrCreateKey(store: Store, clock: Clock): Promise<SigningKey> {
  const existing = await readSigningKey(store);
  if (existing) return importSigningKey(existing);
  const pair = await generateKeyPair(algorithm, { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  const privateJwk = await exportJWK(pair.privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  // Another process may create one first: then it is theirs that every process uses.
  return importSigningKey(
    await putSigningKeyOnce(store, {
      kid,
      alg: algorithm,
      public_jwk: publicJwk,
      private_jwk: privateJwk,
      created_at: new Date(clock.now()).toISOString(),
    }),
  );
}

async function importSigningKey({
  kid,
  public_jwk: publicJwk,
  private_jwk: privateJwk,
}: StoredSigningKey): Promise<SigningKey> {
  const privateKey = await importJWK(privateJwk, algorithm);
  if (privateKey instanceof Uint8Array) throw new Error('the stored signing key is not an EC key');
  const jwks: Jwks = { keys: [{ ...publicJwk, kty: 'EC', kid, alg: algorithm, use: 'sig' }] };
  return { kid, privateKey, jwks, keySet: createLocalJWKSet(jwks) };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

import type { Principal } from '../kernel/principal.ts';

/** Someone who has signed up, as the API shows them. */
export interface User {
  id: string;
  email: string;
  name: string;
  groups: string[];
  /** ISO 8601. */
  created_at: string;
}

/** The user a sign-in answers with. */
export type AuthUser = Omit<User, 'created_at'>;

export interface AuthResponse {
  user: AuthUser;
  /** A JWT to send as `Authorization: Bearer <token>`. */
  access_token: string;
  /** Single use: each refresh returns a new one. */
  refresh_token: string;
  /** Seconds until the access token expires. */
  expires_in: number;
}

export interface SignUpInput {
  email: string;
  password: string;
  name: string;
}

export interface LogInInput {
  email: string;
  password: string;
}

/** A public JSON Web Key as served at `/.well-known/jwks.json`. */
export interface Jwk {
  kty: string;
  crv?: string | undefined;
  x?: string | undefined;
  y?: string | undefined;
  n?: string | undefined;
  e?: string | undefined;
  kid?: string | undefined;
  alg?: string | undefined;
  use?: string | undefined;
}

export interface Jwks {
  keys: Jwk[];
}

/**
 * The Identity port: sign-up, sign-in, sessions and access tokens. Adapters: the local issuer
 * (`identity/service.ts`, ES256 tokens signed with keys in the store) and Cognito
 * (`runtime/aws/cognito-identity.ts`).
 *
 * @example
 * const { access_token } = await identity.signUp({ email: 'ann@example.com', password: '…', name: 'Ann' });
 * const principal = await identity.verifyAccessToken(access_token);
 */
export interface Identity {
  /**
   * Creates a user and a session. Throws `email_taken` (409) when the email is in use, and
   * `rate_limited` (with `details.retry_after`) past the sign-ups allowed per `client_ip`
   * (not limited when absent: seeds and scripts).
   */
  signUp(input: SignUpInput & { client_ip?: string }): Promise<AuthResponse>;
  /**
   * Opens a session. Throws `invalid_credentials` for an unknown email or a wrong password alike,
   * and `rate_limited` (with `details.retry_after` in seconds) past the per-email or per-address limit.
   */
  logIn(input: LogInInput & { client_ip: string }): Promise<AuthResponse>;
  /** Spends a refresh token and returns fresh tokens. Throws `invalid_token`; a reused token also revokes its session. */
  refresh(refreshToken: string): Promise<AuthResponse>;
  /** Revokes the session (every refresh token of its family) that `refreshToken` belongs to. */
  logOut(refreshToken: string): Promise<void>;
  /** Throws `invalid_token` or `token_expired`. */
  verifyAccessToken(token: string): Promise<Principal>;
  getUser(userId: string): Promise<User | undefined>;
  findUserByEmail(email: string): Promise<User | undefined>;
  /** The public keys access tokens are signed with, for `/.well-known/jwks.json`. */
  jwks(): Promise<Jwks>;
  /** Everyone, newest first, a page at a time (for admins). */
  listUsers(options: {
    limit: number;
    cursor?: string;
  }): Promise<{ users: User[]; next_cursor: string | undefined }>;
}

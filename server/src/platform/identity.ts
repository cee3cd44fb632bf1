import type { Principal } from '../kernel/principal.ts';

/** Someone who has signed up, as the API shows them. */
export interface User {
  id: string;
  email: string;
  name: string;
  groups: string[];
  /** ISO 8601. */
  created_at: string;
  /** False until the user proves they read mail at `email`: no money goes out until then. */
  email_verified: boolean;
  /** Whether sign-in asks for a second factor (TOTP). */
  mfa_enabled: boolean;
}

/** The user a sign-in answers with. */
export type AuthUser = Pick<User, 'id' | 'email' | 'name' | 'groups'>;

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

/** Where a session was opened from, as the sessions list shows it. */
export interface SessionOrigin {
  /** The client's own description (its User-Agent), shortened. */
  device?: string | undefined;
}

/** A log-in that needs a second factor: finish it with `completeMfaLogIn`. */
export interface MfaChallenge {
  mfa_required: true;
  /** Single use, short-lived; stands for the password step already passed. */
  mfa_token: string;
}

/** True when a log-in answered with a challenge rather than a session. */
export function isMfaChallenge(answer: AuthResponse | MfaChallenge): answer is MfaChallenge {
  return 'mfa_required' in answer;
}

/**
 * The signed-in caller of an account-security operation: Cognito acts with the user's own
 * access token (its user APIs take one), the local issuer with the id and the session.
 */
export interface SignedIn {
  userId: string;
  accessToken: string;
  /** The session the access token was minted for, when the issuer says (the local one does). */
  sessionId?: string | undefined;
}

/** An open session, as its user sees it. */
export interface Session {
  id: string;
  device: string | null;
  /** ISO 8601. */
  created_at: string;
  /** ISO 8601: the last refresh (or the sign-in). */
  last_used_at: string;
  /** The session the listing access token belongs to. */
  current: boolean;
}

/** What TOTP enrolment answers: shown once, to put in an authenticator app. */
export interface TotpEnrolment {
  /** Base32. */
  secret: string;
  otpauth_url: string;
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
  signUp(
    input: SignUpInput &
      SessionOrigin & {
        client_ip?: string;
        /** Trusted callers only (the demo seed): the email counts as verified at once. */
        email_verified?: boolean;
      },
  ): Promise<AuthResponse>;
  /**
   * Opens a session, or, for a user with two-factor sign-in, answers an `MfaChallenge`. Throws
   * `invalid_credentials` for an unknown email or a wrong password alike, and `rate_limited`
   * (with `details.retry_after` in seconds) past the per-email or per-address limit.
   */
  logIn(input: LogInInput & SessionOrigin & { client_ip: string }): Promise<AuthResponse | MfaChallenge>;
  /**
   * Finishes a challenged log-in with a TOTP code or a recovery code. Throws `invalid_code`
   * (wrong, replayed or used code), `invalid_token` (unknown, used or expired `mfa_token`) and
   * `rate_limited` past the attempts allowed.
   */
  completeMfaLogIn(input: { mfa_token: string; code: string } & SessionOrigin): Promise<AuthResponse>;
  /** Spends a refresh token and returns fresh tokens. Throws `invalid_token`; a reused token also revokes its session. */
  refresh(refreshToken: string): Promise<AuthResponse>;
  /**
   * Revokes the session (every refresh token of its family) that `refreshToken` belongs to. With
   * `caller` (the access token sent with the log-out), its session's access tokens are refused
   * too where the issuer cannot tell the session from an opaque refresh token (Cognito).
   */
  logOut(refreshToken: string, caller?: { userId: string; sessionId?: string | undefined }): Promise<void>;
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

  /** Sends a new email-verification code (the previous one stops working). `rate_limited` past the resends allowed. */
  resendEmailVerification(caller: SignedIn): Promise<void>;
  /**
   * Marks the email verified with the code mailed at sign-up and emits `user.email_verified`.
   * Throws `invalid_code`, `code_expired`, `rate_limited` (attempts spent); verifying twice is quiet.
   */
  verifyEmail(caller: SignedIn, code: string): Promise<User>;
  /**
   * Mails a single-use reset code when the email has an account, and does nothing otherwise: the
   * caller cannot tell which. `rate_limited` past the requests allowed per email or per address.
   */
  requestPasswordReset(input: { email: string; client_ip: string }): Promise<void>;
  /**
   * Sets a new password with the mailed code and ends every session. Throws `invalid_code` (wrong,
   * used, or no code for this email), `code_expired`, `weak_password`, `rate_limited`.
   */
  confirmPasswordReset(input: {
    email: string;
    code: string;
    new_password: string;
    client_ip: string;
  }): Promise<void>;
  /** Changes the password and ends every other session. `invalid_credentials` for a wrong current one. */
  changePassword(caller: SignedIn, input: { current_password: string; new_password: string }): Promise<void>;
  /** Starts (or restarts) TOTP enrolment; nothing changes at sign-in until `confirmTotp`. */
  startTotpEnrolment(caller: SignedIn): Promise<TotpEnrolment>;
  /** Turns two-factor sign-in on with a first code, and answers the recovery codes (shown once). */
  confirmTotp(caller: SignedIn, code: string): Promise<{ recovery_codes: string[] }>;
  /** Turns two-factor sign-in off, with a current TOTP or recovery code. */
  disableTotp(caller: SignedIn, code: string): Promise<void>;
  /** The caller's open sessions, newest first. */
  listSessions(caller: SignedIn): Promise<Session[]>;
  /** Ends one of the caller's sessions: its refresh tokens stop working. `not_found` for another's. */
  endSession(caller: SignedIn, sessionId: string): Promise<void>;
  /** Ends every session of the caller, the current one included. */
  endAllSessions(caller: SignedIn): Promise<void>;
}

import { z } from '@hono/zod-openapi';
import { displayTextSchema } from '../http/schemas.ts';

/** Emails are compared and stored trimmed and in lower case, so `Ann@X.com ` and `ann@x.com` are one account. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .email()
  .openapi({ example: 'ann@example.com' });

/** 8..128 characters; the upper bound keeps a hash request cheap for us, not for an attacker. */
export const passwordSchema = z.string().min(8).max(128).openapi({ example: 'correct horse battery staple' });

export const signUpSchema = z
  .object({
    email: emailSchema,
    password: passwordSchema,
    name: displayTextSchema(100).min(1).openapi({ example: 'Ann Lee' }),
  })
  .openapi('SignUpRequest');
export type SignUpInput = z.infer<typeof signUpSchema>;

export const logInSchema = z
  .object({
    email: emailSchema,
    // Only bounded, not checked for the sign-up rules: those may change after a user chose a password.
    password: z.string().min(1).max(128),
  })
  .openapi('LogInRequest');
export type LogInInput = z.infer<typeof logInSchema>;

// Cognito's refresh tokens (the AWS runtime) are JWEs of about 1,800 characters; local ones are short.
const refreshTokenField = z.string().min(1).max(4096).openapi({ example: 'rt_3q2-Bt1o…' });

export const refreshSchema = z.object({ refresh_token: refreshTokenField }).openapi('RefreshRequest');
export type RefreshInput = z.infer<typeof refreshSchema>;

export const logOutSchema = z.object({ refresh_token: refreshTokenField }).openapi('LogOutRequest');
export type LogOutInput = z.infer<typeof logOutSchema>;

/** What `getClientIp` reports when the address is not known; such logins skip the per-address limit. */
export const unknownClientIp = 'unknown';

export const groups = { admin: 'admin' } as const;
export type Group = (typeof groups)[keyof typeof groups];

export const authUserSchema = z
  .object({
    id: z.string().openapi({ example: 'usr_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    email: z.string(),
    name: z.string(),
    groups: z.array(z.string()).openapi({ example: [] }),
  })
  .openapi('AuthUser');
export type AuthUser = z.infer<typeof authUserSchema>;

export const authResponseSchema = z
  .object({
    user: authUserSchema,
    access_token: z.string().openapi({
      description:
        'A JWT (ES256 from the local issuer, RS256 from Cognito on AWS); send it as `Authorization: Bearer <token>`.',
    }),
    refresh_token: z.string().openapi({ description: 'Single use: each refresh returns a new one.' }),
    expires_in: z
      .number()
      .int()
      .openapi({ description: 'Seconds until the access token expires.', example: 900 }),
  })
  .openapi('AuthResponse');
export type AuthResponse = z.infer<typeof authResponseSchema>;

export const userSchema = authUserSchema
  .extend({
    created_at: z.string().openapi({ example: '2026-01-01T00:00:00.000Z' }),
    email_verified: z.boolean().openapi({
      description: 'False until the code mailed at sign-up is entered: until then no money goes out.',
    }),
    mfa_enabled: z.boolean().openapi({ description: 'Whether sign-in asks for an authenticator code.' }),
  })
  .openapi('User');
export type User = z.infer<typeof userSchema>;

/** A public JSON Web Key as served at `/.well-known/jwks.json`. */
export const jwkSchema = z
  .object({
    kty: z.string(),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
    n: z.string().optional(),
    e: z.string().optional(),
    kid: z.string().optional(),
    alg: z.string().optional(),
    use: z.string().optional(),
  })
  .openapi('Jwk');
export const jwksSchema = z.object({ keys: z.array(jwkSchema) }).openapi('Jwks');
export type Jwks = z.infer<typeof jwksSchema>;

// Account security

/** A code from an email or an authenticator app; its form is checked where it is compared, so a malformed one is just wrong. */
const codeField = z.string().trim().min(1).max(64).openapi({ example: '123456' });

export const verifyEmailSchema = z.object({ code: codeField }).openapi('VerifyEmailRequest');

export const passwordResetSchema = z.object({ email: emailSchema }).openapi('PasswordResetRequest');

export const passwordResetConfirmSchema = z
  .object({ email: emailSchema, code: codeField, new_password: passwordSchema })
  .openapi('PasswordResetConfirmRequest');

export const changePasswordSchema = z
  .object({ current_password: z.string().min(1).max(128), new_password: passwordSchema })
  .openapi('ChangePasswordRequest');

export const mfaLogInSchema = z
  .object({
    mfa_token: z.string().min(1).max(200),
    code: codeField.openapi({
      description: 'A code from the authenticator app, or an unused recovery code.',
    }),
  })
  .openapi('MfaLogInRequest');

export const mfaChallengeSchema = z
  .object({
    mfa_required: z.literal(true),
    mfa_token: z
      .string()
      .openapi({ description: 'Send it with a code to `POST /v1/auth/login/mfa` within 5 minutes.' }),
  })
  .openapi('MfaChallenge');

export const totpCodeSchema = z.object({ code: codeField }).openapi('TotpCodeRequest');

export const totpEnrolmentSchema = z
  .object({
    secret: z.string().openapi({ description: 'Base32; shown this once.', example: 'JBSWY3DPEHPK3PXP' }),
    otpauth_url: z
      .string()
      .openapi({ description: 'The same secret as an `otpauth://` URI, for a QR code.' }),
  })
  .openapi('TotpEnrolment');

export const recoveryCodesSchema = z
  .object({
    recovery_codes: z.array(z.string()).openapi({
      description: 'Each signs in once in place of an authenticator code. Shown this once; stored hashed.',
    }),
  })
  .openapi('RecoveryCodes');

export const sessionSchema = z
  .object({
    id: z.string().openapi({ example: 'ses_01JD3S8Q4X9Z2K7M5N6P8R0T1V' }),
    device: z.string().nullable().openapi({ description: 'The User-Agent it signed in with.' }),
    created_at: z.string(),
    last_used_at: z.string(),
    current: z.boolean().openapi({ description: 'The session of the access token that asked.' }),
  })
  .openapi('Session');

export const sessionListSchema = z.object({ data: z.array(sessionSchema) }).openapi('SessionList');

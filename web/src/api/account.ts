import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from './client.ts';
import { freshAccessToken, setSession, sessionFromAuth, type AuthResponse } from './session.ts';

/** The signed-in user as `GET /v1/me` shows them. */
export interface Me {
  id: string;
  email: string;
  name: string;
  groups: string[];
  created_at: string;
  email_verified: boolean;
  mfa_enabled: boolean;
}

export interface AccountSession {
  id: string;
  device: string | null;
  created_at: string;
  last_used_at: string;
  current: boolean;
}

export interface TotpEnrolment {
  secret: string;
  otpauth_url: string;
}

export interface MailboxMessage {
  id: string;
  channel: 'email' | 'sms';
  to: string;
  subject?: string;
  text: string;
  sent_at: string;
}

export const accountKeys = {
  me: ['me'] as const,
  sessions: ['me', 'sessions'] as const,
  mailbox: (to: string) => ['admin-mailbox', to] as const,
};

export function useMe() {
  return useQuery({ queryKey: accountKeys.me, queryFn: ({ signal }) => apiFetch<Me>('/v1/me', { signal }) });
}

export function useSessions() {
  return useQuery({
    queryKey: accountKeys.sessions,
    queryFn: ({ signal }) => apiFetch<{ data: AccountSession[] }>('/v1/me/sessions', { signal }),
  });
}

/** Finishes a sign-in that asked for a second factor; the session is stored as after a sign-in. */
export async function completeMfaSignIn(input: { mfa_token: string; code: string }): Promise<void> {
  setSession(
    sessionFromAuth(
      await apiFetch<AuthResponse>('/v1/auth/login/mfa', { method: 'POST', body: input, auth: false }),
    ),
  );
}

export function requestPasswordReset(email: string): Promise<void> {
  return apiFetch('/v1/auth/password-reset', { method: 'POST', body: { email }, auth: false });
}

export function confirmPasswordReset(input: {
  email: string;
  code: string;
  new_password: string;
}): Promise<void> {
  return apiFetch('/v1/auth/password-reset/confirm', { method: 'POST', body: input, auth: false });
}

/** Invalidates what the account-security changes show (`/v1/me`, the sessions). */
function useAccountMutation<I, O>(mutationFn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountKeys.me }),
  });
}

export function useVerifyEmail() {
  return useAccountMutation((code: string) =>
    apiFetch<Me>('/v1/auth/verify-email', { method: 'POST', body: { code } }),
  );
}

export function useResendVerification() {
  return useMutation({ mutationFn: () => apiFetch('/v1/auth/verify-email/resend', { method: 'POST' }) });
}

export function useStartTotp() {
  return useMutation({ mutationFn: () => apiFetch<TotpEnrolment>('/v1/me/mfa/totp', { method: 'POST' }) });
}

export function useConfirmTotp() {
  return useAccountMutation((code: string) =>
    apiFetch<{ recovery_codes: string[] }>('/v1/me/mfa/totp/confirm', { method: 'POST', body: { code } }),
  );
}

export function useDisableTotp() {
  return useAccountMutation((code: string) =>
    apiFetch('/v1/me/mfa/totp', { method: 'DELETE', body: { code } }),
  );
}

export function useChangePassword() {
  // A wrong current password is a 401 (invalid_credentials): sent with the token by hand, so it
  // is not taken for an expired token and retried after a refresh.
  return useAccountMutation(async (input: { current_password: string; new_password: string }) =>
    apiFetch('/v1/me/password', {
      method: 'POST',
      body: input,
      auth: false,
      headers: { authorization: `Bearer ${(await freshAccessToken()) ?? ''}` },
    }),
  );
}

export function useEndSession() {
  return useAccountMutation((id: string) =>
    apiFetch(`/v1/me/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  );
}

export function useEndAllSessions() {
  return useMutation({ mutationFn: () => apiFetch('/v1/me/sessions', { method: 'DELETE' }) });
}

/** Admins: the local mailbox of one address, newest first (the local runtime only). */
export function useMailbox(to: string) {
  return useQuery({
    queryKey: accountKeys.mailbox(to),
    queryFn: ({ signal }) =>
      apiFetch<{ data: MailboxMessage[] }>(`/v1/admin/mailbox?to=${encodeURIComponent(to)}&limit=20`, {
        signal,
      }),
    enabled: to.trim() !== '',
  });
}

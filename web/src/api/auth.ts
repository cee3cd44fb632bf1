import { useMutation, useQueryClient } from '@tanstack/react-query';
import { forgetPeople } from '../lib/contacts.ts';
import { apiFetch } from './client.ts';
import type { components } from './schema.gen.ts';
import { getSession, sessionFromAuth, setSession, type AuthResponse } from './session.ts';

export type SignUpInput = components['schemas']['SignUpRequest'];
export type SignInInput = components['schemas']['LogInRequest'];

export async function signUp(input: SignUpInput): Promise<void> {
  setSession(
    sessionFromAuth(
      await apiFetch<AuthResponse>('/v1/auth/signup', { method: 'POST', body: input, auth: false }),
    ),
  );
}

/** A sign-in that needs a second factor: finish it with `completeMfaSignIn` (api/account.ts). */
export interface MfaChallenge {
  mfa_required: true;
  mfa_token: string;
}

/** Signs in, or answers the challenge of a user with two-factor sign-in on (no session yet). */
export async function signIn(input: SignInInput): Promise<MfaChallenge | undefined> {
  const answer = await apiFetch<AuthResponse | MfaChallenge>('/v1/auth/login', {
    method: 'POST',
    body: input,
    auth: false,
  });
  if ('mfa_required' in answer) return answer;
  setSession(sessionFromAuth(answer));
  return undefined;
}

/** Revokes the session on the server (best effort) and forgets it here. */
export async function signOut(): Promise<void> {
  const session = getSession();
  setSession(null);
  forgetPeople();
  if (session)
    await apiFetch('/v1/auth/logout', {
      method: 'POST',
      body: { refresh_token: session.refreshToken },
      // The access token too, so the server ends its session now (on Cognito, that sign-in),
      // not when the token expires. Sent as is: no refresh for a session being ended.
      headers: { authorization: `Bearer ${session.accessToken}` },
      auth: false,
    }).catch(() => undefined);
}

export function useSignUp() {
  return useMutation({ mutationFn: signUp });
}

export function useSignIn() {
  return useMutation({ mutationFn: signIn });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    onSettled: () => queryClient.clear(),
  });
}

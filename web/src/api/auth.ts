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

export async function signIn(input: SignInInput): Promise<void> {
  setSession(
    sessionFromAuth(
      await apiFetch<AuthResponse>('/v1/auth/login', { method: 'POST', body: input, auth: false }),
    ),
  );
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

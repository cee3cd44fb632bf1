import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiRoute, mockFetch, signInTestUser } from '../test-support.tsx';
import { signOut } from './auth.ts';
import { getSession, setSession } from './session.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

describe('signing out', () => {
  it('sends the refresh token and the access token, so the server ends the session at once', async () => {
    signInTestUser('access-9', 'refresh-9');
    const { calls } = mockFetch([
      apiRoute('post', '/v1/auth/logout')(() => ({ status: 204, body: undefined })),
    ]);
    await signOut();
    expect(getSession()).toBeNull();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toEqual({ refresh_token: 'refresh-9' });
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer access-9');
  });
});

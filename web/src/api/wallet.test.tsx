import { cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, signInTestUser, testUser, withQueryClient } from '../test-support.tsx';
import { getSession, setSession } from './session.ts';
import { useWallet } from './wallet.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const balances = { balances: [{ currency: 'USD', available: 2000, pending: 0, posted: 2000 }] };

describe('useWallet', () => {
  it('fetches the balances with the access token', async () => {
    signInTestUser('token-a');
    const { calls } = mockFetch([
      { method: 'GET', path: '/v1/wallet', respond: () => ({ status: 200, body: balances }) },
    ]);
    const { wrapper } = withQueryClient();
    const { result } = renderHook(() => useWallet(), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data).toEqual(balances);
    expect(calls[0]?.headers.get('authorization')).toBe('Bearer token-a');
  });

  it('surfaces an API error as an ApiError with its code', async () => {
    signInTestUser();
    mockFetch([
      {
        method: 'GET',
        path: '/v1/wallet',
        respond: () => ({
          status: 500,
          body: { error: { type: 'api_error', code: 'internal', message: 'boom' } },
        }),
      },
    ]);
    const { wrapper } = withQueryClient();
    const { result } = renderHook(() => useWallet(), { wrapper });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toMatchObject({
      name: 'ApiError',
      status: 500,
      code: 'internal',
      message: 'boom',
    });
  });

  it('refreshes an expired session once, however many queries need it, and retries', async () => {
    signInTestUser('stale', 'refresh-1');
    const { calls } = mockFetch([
      {
        method: 'GET',
        path: '/v1/wallet',
        respond: ({ headers }) =>
          headers.get('authorization') === 'Bearer fresh'
            ? { status: 200, body: balances }
            : { status: 401, body: { error: { code: 'invalid_token', message: 'expired' } } },
      },
      {
        method: 'POST',
        path: '/v1/auth/refresh',
        respond: ({ body }) =>
          (body as { refresh_token: string }).refresh_token === 'refresh-1'
            ? {
                status: 200,
                body: { user: testUser, access_token: 'fresh', refresh_token: 'refresh-2', expires_in: 900 },
              }
            : { status: 401, body: { error: { code: 'invalid_refresh_token', message: 'reused' } } },
      },
    ]);
    const first = withQueryClient();
    const second = withQueryClient();
    const a = renderHook(() => useWallet(), { wrapper: first.wrapper });
    const b = renderHook(() => useWallet(), { wrapper: second.wrapper });
    await waitFor(() => expect(a.result.current.isSuccess && b.result.current.isSuccess).toBe(true));
    expect(calls.filter((c) => c.url === '/v1/auth/refresh')).toHaveLength(1);
    expect(getSession()).toMatchObject({ accessToken: 'fresh', refreshToken: 'refresh-2' });
  });

  it('signs out when the refresh token is refused', async () => {
    signInTestUser('stale', 'revoked');
    mockFetch([
      {
        method: 'GET',
        path: '/v1/wallet',
        respond: () => ({ status: 401, body: { error: { code: 'invalid_token', message: 'expired' } } }),
      },
      {
        method: 'POST',
        path: '/v1/auth/refresh',
        respond: () => ({
          status: 401,
          body: { error: { code: 'invalid_refresh_token', message: 'revoked' } },
        }),
      },
    ]);
    const { wrapper } = withQueryClient();
    const { result } = renderHook(() => useWallet(), { wrapper });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(getSession()).toBeNull();
  });
});

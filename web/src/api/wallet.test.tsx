import { cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  apiError,
  apiRoute,
  mockFetch,
  signInTestUser,
  testUser,
  withQueryClient,
} from '../test-support.tsx';
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
    const { calls } = mockFetch([apiRoute('get', '/v1/wallet')(() => ({ status: 200, body: balances }))]);
    const { wrapper } = withQueryClient();
    const { result } = renderHook(() => useWallet(), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data).toEqual(balances);
    expect(calls[0]?.headers.get('authorization')).toBe('Bearer token-a');
  });

  it('surfaces an API error as an ApiError with its code', async () => {
    signInTestUser();
    mockFetch([
      apiRoute(
        'get',
        '/v1/wallet',
      )(() => ({
        status: 500,
        body: apiError('internal_error', 'boom', { type: 'api_error' }),
      })),
    ]);
    const { wrapper } = withQueryClient();
    const { result } = renderHook(() => useWallet(), { wrapper });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toMatchObject({
      name: 'ApiError',
      status: 500,
      code: 'internal_error',
      message: 'boom',
    });
  });

  it('refreshes an expired session once, however many queries need it, and retries', async () => {
    signInTestUser('stale', 'refresh-1');
    const { calls } = mockFetch([
      apiRoute(
        'get',
        '/v1/wallet',
      )(({ headers }) =>
        headers.get('authorization') === 'Bearer fresh'
          ? { status: 200, body: balances }
          : { status: 401, body: apiError('invalid_token', 'expired', { type: 'authentication_error' }) },
      ),
      // The server refuses a reused refresh token with invalid_token (there is no invalid_refresh_token).
      apiRoute(
        'post',
        '/v1/auth/refresh',
      )(({ body }) =>
        (body as { refresh_token: string }).refresh_token === 'refresh-1'
          ? {
              status: 200,
              body: { user: testUser, access_token: 'fresh', refresh_token: 'refresh-2', expires_in: 900 },
            }
          : { status: 401, body: apiError('invalid_token', 'reused', { type: 'authentication_error' }) },
      ),
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
      apiRoute(
        'get',
        '/v1/wallet',
      )(() => ({
        status: 401,
        body: apiError('invalid_token', 'expired', { type: 'authentication_error' }),
      })),
      apiRoute(
        'post',
        '/v1/auth/refresh',
      )(() => ({
        status: 401,
        body: apiError('invalid_token', 'revoked', { type: 'authentication_error' }),
      })),
    ]);
    const { wrapper } = withQueryClient();
    const { result } = renderHook(() => useWallet(), { wrapper });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(getSession()).toBeNull();
  });
});

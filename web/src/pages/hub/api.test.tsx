import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client.ts';
import { setSession } from '../../api/session.ts';
import { mockFetch, signInTestUser, withQueryClient } from '../../test-support.tsx';
import { useAchFile, useSaveRouting, useSetFault } from './api.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

describe('hub api', () => {
  it('saves routing with PUT as the merchant, and surfaces the field at fault', async () => {
    signInTestUser('token-a');
    const { calls } = mockFetch([
      {
        method: 'PUT',
        path: '/v1/routing',
        respond: () => ({
          status: 400,
          body: {
            error: {
              type: 'invalid_request_error',
              code: 'unknown_connector',
              message: 'you have no stripe connector',
              param: 'default[0]',
            },
          },
        }),
      },
    ]);
    const { wrapper } = withQueryClient();
    const { result } = renderHook(() => useSaveRouting('mer_1'), { wrapper });
    const error = await act(() =>
      result.current.mutateAsync({ rules: [], default: ['stripe'] }).catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).param).toBe('default[0]');
    expect(calls[0]!.headers.get('sluice-merchant')).toBe('mer_1');
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer token-a');
    expect(calls[0]!.body).toEqual({ rules: [], default: ['stripe'] });
  });

  it('injects and clears a fault through the test helper', async () => {
    signInTestUser();
    const { calls } = mockFetch([
      {
        method: 'POST',
        path: '/v1/test-helpers/connectors/mca_1/faults',
        respond: () => ({ status: 200, body: { id: 'mca_1' } }),
      },
      {
        method: 'DELETE',
        path: '/v1/test-helpers/connectors/mca_1/faults',
        respond: () => ({ status: 200, body: { id: 'mca_1' } }),
      },
    ]);
    const { wrapper } = withQueryClient();
    const { result } = renderHook(() => useSetFault('mer_1'), { wrapper });
    await act(() =>
      result.current.mutateAsync({ id: 'mca_1', fault: { mode: 'timeout', rate: 0.2, count: 3 } }),
    );
    await act(() => result.current.mutateAsync({ id: 'mca_1', fault: null }));
    expect(calls.map((c) => [c.method, c.body])).toEqual([
      ['POST', { mode: 'timeout', rate: 0.2, count: 3 }],
      ['DELETE', undefined],
    ]);
  });

  it('reads no ACH file as null for a day without entries', async () => {
    signInTestUser();
    mockFetch([]);
    const { wrapper } = withQueryClient();
    const { result } = renderHook(() => useAchFile('mer_1', '2026-01-14'), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data).toBeNull();
  });
});

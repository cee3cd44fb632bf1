import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client.ts';
import { setSession } from '../../api/session.ts';
import {
  apiError,
  apiRoute,
  fixture,
  mockFetch,
  signInTestUser,
  withQueryClient,
  type Schemas,
} from '../../test-support.tsx';
import { useAchFile, useSaveRouting, useSetFault } from './api.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

/** The sandbox card connector mca_1 as the API answers it, with `fault`. */
const connector = (fault: Schemas['Connector']['fault']) =>
  fixture<'Connector'>({
    id: 'mca_1',
    object: 'connector',
    merchant: 'mer_1',
    provider: 'sandbox_card',
    name: 'Sandbox card',
    disabled: false,
    has_credentials: false,
    breaker: { state: 'closed', opened_at: null, window: { calls: 0, failures: 0 } },
    fault,
    created_at: '2026-12-04T15:30:00.000Z',
    updated_at: '2026-12-04T15:30:00.000Z',
  });

describe('hub api', () => {
  it('saves routing with PUT as the merchant, and surfaces the field at fault', async () => {
    signInTestUser('token-a');
    const { calls } = mockFetch([
      apiRoute(
        'put',
        '/v1/routing',
      )(() => ({
        status: 400,
        body: apiError('unknown_connector', 'you have no stripe connector', { param: 'default.0' }),
      })),
    ]);
    const { wrapper } = withQueryClient();
    const { result } = renderHook(() => useSaveRouting('mer_1'), { wrapper });
    const error = await act(() =>
      result.current.mutateAsync({ rules: [], default: ['stripe'] }).catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).param).toBe('default.0');
    expect(calls[0]!.headers.get('sluice-merchant')).toBe('mer_1');
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer token-a');
    expect(calls[0]!.body).toEqual({ rules: [], default: ['stripe'] });
  });

  it('injects and clears a fault through the test helper', async () => {
    signInTestUser();
    const { calls } = mockFetch([
      apiRoute(
        'post',
        '/v1/test-helpers/connectors/{id}/faults',
      )(() => ({
        status: 200,
        body: connector({ mode: 'timeout', rate: 0.2, remaining: 3 }),
      })),
      apiRoute(
        'delete',
        '/v1/test-helpers/connectors/{id}/faults',
      )(() => ({
        status: 200,
        body: connector(null),
      })),
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

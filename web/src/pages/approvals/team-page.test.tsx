import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '../../api/session.ts';
import { apiRoute, mockFetch, renderAt, signInTestUser } from '../../test-support.tsx';
import { TeamPage } from './team-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const policy = (action: 'refund' | 'connector_change', threshold: number | null) => ({
  object: 'approval_policy' as const,
  action,
  threshold,
  approvals: 2,
  updated_at: '2026-12-06T12:00:00Z',
});

describe('TeamPage: approval policies', () => {
  it('ends a policy, and takes no threshold for connector changes', async () => {
    signInTestUser();
    const { calls } = mockFetch([
      apiRoute(
        'get',
        '/v1/merchants/{id}/members',
      )(() => ({
        status: 200,
        body: { data: [], has_more: false, next_cursor: null },
      })),
      apiRoute(
        'get',
        '/v1/approval-policies',
      )(() => ({
        status: 200,
        body: {
          data: [policy('refund', 5000), policy('connector_change', null)],
          has_more: false,
          next_cursor: null,
        },
      })),
      apiRoute(
        'delete',
        '/v1/approval-policies/{action}',
      )(() => ({
        status: 200,
        body: { object: 'approval_policy', action: 'refund', deleted: true },
      })),
      apiRoute(
        'put',
        '/v1/approval-policies',
      )(() => ({ status: 200, body: policy('connector_change', null) })),
    ]);
    renderAt('/developers/mer_1/team', { '/developers/:merchantId/team': <TeamPage /> });
    fireEvent.click(await screen.findByRole('button', { name: 'End the refund policy' }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'DELETE' && c.url.endsWith('/v1/approval-policies/refund'))).toBe(
        true,
      ),
    );
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'connector_change' } });
    const threshold = screen.getByLabelText('Threshold (minor units)') as HTMLInputElement;
    expect(threshold.disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Save policy' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
        action: 'connector_change',
        threshold: null,
        approvals: 2,
      }),
    );
  });
});

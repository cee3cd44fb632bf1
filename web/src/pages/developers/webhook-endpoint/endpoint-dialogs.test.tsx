import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '../../../api/session.ts';
import type { WebhookEndpoint } from '../../../api/webhooks.ts';
import {
  apiError,
  apiRoute,
  mockFetch,
  renderAt,
  signInTestUser,
  type Route as MockRoute,
  type Schemas,
} from '../../../test-support.tsx';
import { validateEndpoint } from '../webhooks/endpoint-fields.tsx';
import { DeleteEndpointDialog, EditEndpointDialog, endpointChanges } from './endpoint-dialogs.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const endpoint: WebhookEndpoint = {
  id: 'we_1',
  object: 'webhook_endpoint',
  url: 'https://example.com/hooks',
  events: ['payment.captured', 'refund.succeeded'],
  description: null,
  status: 'enabled',
  created_at: '2026-12-01T00:00:00Z',
};

function renderWithRoutes(ui: ReactElement, routes: MockRoute[]) {
  signInTestUser();
  const mocked = mockFetch(routes);
  renderAt('/developers/mer_1/webhooks/we_1', {
    '/developers/:merchantId/webhooks/:endpointId': ui,
    '/developers/:merchantId/webhooks': <p>Endpoint list</p>,
  });
  return mocked;
}

describe('validateEndpoint and endpointChanges', () => {
  it('refuses a relative or non-http URL, no events, and a long description', () => {
    expect(
      validateEndpoint({ url: 'https://example.com/x', events: ['payment.captured'], description: '' }),
    ).toEqual({});
    expect(validateEndpoint({ url: '/hooks', events: [], description: 'x'.repeat(501) })).toEqual({
      url: 'Enter a full URL, e.g. https://example.com/webhooks',
      events: 'Pick at least one event',
      description: 'At most 500 characters',
    });
    expect(validateEndpoint({ url: 'ftp://example.com', events: ['*'], description: '' }).url).toBe(
      'Use an http:// or https:// URL',
    );
  });

  it('sends only what changed, ignoring event order and surrounding spaces', () => {
    expect(
      endpointChanges(
        endpoint,
        {
          url: ' https://example.com/hooks ',
          events: ['refund.succeeded', 'payment.captured'],
          description: ' ',
        },
        true,
      ),
    ).toEqual({});
    expect(
      endpointChanges(
        endpoint,
        { url: 'https://example.com/v2', events: ['payment.captured'], description: 'Orders' },
        false,
      ),
    ).toEqual({
      url: 'https://example.com/v2',
      events: ['payment.captured'],
      description: 'Orders',
      status: 'disabled',
    });
  });
});

describe('EditEndpointDialog', () => {
  it('PATCHes the changed fields as the merchant and closes', async () => {
    const onOpenChange = vi.fn();
    const { calls } = renderWithRoutes(
      <EditEndpointDialog merchantId="mer_1" endpoint={endpoint} open onOpenChange={onOpenChange} />,
      [
        apiRoute(
          'patch',
          '/v1/webhook-endpoints/{id}',
        )(({ body }) => ({
          status: 200,
          body: { ...endpoint, ...(body as Partial<Schemas['WebhookEndpoint']>) },
        })),
      ],
    );
    fireEvent.change(screen.getByLabelText(/Description/), { target: { value: 'Order service' } });
    fireEvent.click(screen.getByLabelText('payment.captured'));
    fireEvent.click(screen.getByLabelText(/Enabled/));
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.body).toEqual({
      events: ['refund.succeeded'],
      description: 'Order service',
      status: 'disabled',
    });
    expect(patch.headers.get('sluice-merchant')).toBe('mer_1');
  });

  it('shows a server error on the field it names and stays open', async () => {
    const onOpenChange = vi.fn();
    renderWithRoutes(
      <EditEndpointDialog merchantId="mer_1" endpoint={endpoint} open onOpenChange={onOpenChange} />,
      [
        // The server refuses such a URL with validation_failed on `url` (url_not_allowed was
        // never one of its codes).
        apiRoute(
          'patch',
          '/v1/webhook-endpoints/{id}',
        )(() => ({
          status: 400,
          body: apiError('validation_failed', 'url must not point at a private address', { param: 'url' }),
        })),
      ],
    );
    fireEvent.change(screen.getByLabelText('Endpoint URL'), { target: { value: 'http://10.0.0.1/hooks' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('url must not point at a private address')).toBeTruthy();
    expect(screen.getByLabelText('Endpoint URL').getAttribute('aria-invalid')).toBe('true');
    expect(onOpenChange).not.toHaveBeenCalledWith(false);
  });
});

describe('DeleteEndpointDialog', () => {
  it('deletes after confirmation and goes back to the list', async () => {
    const { calls } = renderWithRoutes(
      <DeleteEndpointDialog merchantId="mer_1" endpoint={endpoint} open onOpenChange={vi.fn()} />,
      [
        apiRoute(
          'delete',
          '/v1/webhook-endpoints/{id}',
        )(() => ({
          status: 200,
          body: { id: 'we_1', object: 'webhook_endpoint', deleted: true },
        })),
      ],
    );
    expect(screen.getByRole('dialog').textContent).toContain('https://example.com/hooks');
    expect(calls).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Delete endpoint' }));
    expect(await screen.findByText('Endpoint list')).toBeTruthy();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['DELETE /v1/webhook-endpoints/we_1']);
  });
});

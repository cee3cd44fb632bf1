import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route as RouterRoute, Routes } from 'react-router';
import { vi } from 'vitest';
import { setSession, type User } from './api/session.ts';

export const testUser: User = { id: 'usr_alice', email: 'alice@example.com', name: 'Alice', groups: [] };

/** Signs the test user in with a token valid for 15 minutes. */
export function signInTestUser(accessToken = 'access-1', refreshToken = 'refresh-1'): void {
  setSession({ accessToken, refreshToken, expiresAt: Date.now() + 900_000, user: testUser });
}

export interface Route {
  method: string;
  path: string | RegExp;
  respond: (request: { body: unknown; headers: Headers; url: string }) => { status: number; body?: unknown };
}

/**
 * Replaces `fetch` with a router over canned answers and records every call: the boundary the
 * dashboard talks to the API through.
 */
export function mockFetch(routes: Route[]) {
  const calls: Array<{ method: string; url: string; headers: Headers; body: unknown }> = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, url, headers, body });
    const path = url.split('?')[0]!;
    const route = routes.find(
      (r) => r.method === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path)),
    );
    if (!route)
      return new Response(
        JSON.stringify({
          error: {
            type: 'invalid_request_error',
            code: 'not_found',
            message: `no mock for ${method} ${url}`,
          },
        }),
        { status: 404 },
      );
    const answer = route.respond({ body, headers, url });
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

export function withQueryClient() {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  return { queryClient, wrapper };
}

/**
 * Renders the app's routes `routes` (path pattern → element) at `url`, inside a fresh query
 * client: a page as the router would show it.
 *
 * @example renderAt('/developers/mer_1/events', { '/developers/:merchantId/events': <EventsPage /> });
 */
export function renderAt(url: string, routes: Record<string, ReactNode>) {
  const { queryClient, wrapper: Wrapper } = withQueryClient();
  render(
    <Wrapper>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          {Object.entries(routes).map(([path, element]) => (
            <RouterRoute key={path} path={path} element={element} />
          ))}
        </Routes>
      </MemoryRouter>
    </Wrapper>,
  );
  return { queryClient };
}

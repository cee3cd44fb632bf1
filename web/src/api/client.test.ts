import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  apiError,
  paymentFixture,
  signInTestUser,
  type ApiError as ApiErrorBody,
  type Schemas,
} from '../test-support.tsx';
import { ApiError, apiFetch, errorMessage } from './client.ts';
import { setSession } from './session.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

/** A fetch that answers from `answers` in turn (a thrown TypeError is a network failure), recording each call. */
function scriptedFetch(answers: Array<Response | TypeError>) {
  const calls: Array<{ url: string; method: string; headers: Headers; body: unknown }> = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const answer = answers.shift() ?? new Response('{}', { status: 200 });
    if (answer instanceof TypeError) throw answer;
    return answer;
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

/**
 * An answer in the API's shapes: an error envelope with a code the server has, or a body of one
 * of its schemas, so a renamed code or field breaks the test at compile time.
 */
const json = (
  status: number,
  body: ApiErrorBody | Partial<Schemas[keyof Schemas]>,
  headers: Record<string, string> = {},
) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('apiFetch, through the SDK transport', () => {
  it('gives every POST an Idempotency-Key and keeps it across a retry after a 429', async () => {
    signInTestUser('token-a');
    const calls = scriptedFetch([
      json(429, apiError('rate_limited', 'slow down', { type: 'rate_limit_error' }), { 'Retry-After': '0' }),
      json(201, paymentFixture({ id: 'pay_1' })),
    ]);
    const paid = await apiFetch<{ id: string }>('/v1/payments', { method: 'POST', body: { amount: 1 } });
    expect(paid).toEqual(paymentFixture({ id: 'pay_1' }));
    expect(calls).toHaveLength(2);
    expect(calls.map((call) => call.url)).toEqual(['/v1/payments', '/v1/payments']);
    const keys = calls.map((call) => call.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(calls[1]!.body).toEqual({ amount: 1 });
    expect(calls[1]!.headers.get('authorization')).toBe('Bearer token-a');
  });

  it('keeps the key a caller chose, and sends none on a GET', async () => {
    signInTestUser();
    const calls = scriptedFetch([json(200, {}), json(200, {})]);
    await apiFetch('/v1/transfers', { method: 'POST', body: {}, idempotencyKey: 'send-42' });
    await apiFetch('/v1/wallet');
    expect(calls[0]!.headers.get('idempotency-key')).toBe('send-42');
    expect(calls[1]!.headers.get('idempotency-key')).toBeNull();
  });

  it('leaves a server error to React Query (no retry), as an ApiError', async () => {
    signInTestUser();
    const calls = scriptedFetch([json(500, apiError('internal_error', 'boom', { type: 'api_error' }))]);
    const error = await apiFetch('/v1/wallet').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 500, code: 'internal_error' });
    expect(calls).toHaveLength(1);
  });

  it('retries a network failure, then surfaces it as the network’s own error', async () => {
    signInTestUser();
    const calls = scriptedFetch([
      new TypeError('Failed to fetch'),
      new TypeError('Failed to fetch'),
      new TypeError('Failed to fetch'),
    ]);
    const error = await apiFetch('/v1/wallet').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(errorMessage(error)).toBe('Could not reach Sluice. Check your connection and try again.');
    expect(calls).toHaveLength(3);
  });
});

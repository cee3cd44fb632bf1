import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// jsdom has no matchMedia, which uPlot calls when it loads (to follow the device pixel ratio):
// an inert one, before the imports below. The charts themselves are drawn and checked in Chromium
// (test/e2e/developer.e2e.test.ts); here, without layout, the chart has no width and draws nothing.
vi.hoisted(() => {
  globalThis.matchMedia = () =>
    ({ matches: false, addEventListener() {}, removeEventListener() {} }) as unknown as MediaQueryList;
});
import { summarizeMetrics, type LiveMetrics } from '../../../api/metrics.ts';
import { setSession } from '../../../api/session.ts';
import { apiError, apiRoute, mockFetch, renderAt, signInTestUser } from '../../../test-support.tsx';
import MetricsPage, { describeMetrics } from './metrics-page.tsx';

class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}

beforeEach(() => vi.stubGlobal('ResizeObserver', NoopResizeObserver));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

function second(offset: number, fields: Partial<LiveMetrics['series'][number]> = {}) {
  return {
    time: new Date(Date.UTC(2026, 10, 22, 6, 0, offset)).toISOString(),
    requests: 0,
    client_errors: 0,
    server_errors: 0,
    p50_ms: null,
    p95_ms: null,
    p99_ms: null,
    ...fields,
  };
}

function liveMetrics(): LiveMetrics {
  return {
    window_seconds: 60,
    series: [
      second(0, { requests: 30, client_errors: 2, p50_ms: 4, p95_ms: 12, p99_ms: 20 }),
      second(1),
      second(2, { requests: 90, client_errors: 1, server_errors: 3, p50_ms: 5, p95_ms: 9, p99_ms: 40 }),
    ],
    routes: [
      {
        route: 'GET /v1/payments',
        requests: 120,
        requests_per_second: 2,
        rate_4xx: 0.025,
        rate_5xx: 0.025,
        p50_ms: 4.5,
        p95_ms: 11,
        p99_ms: 38,
      },
    ],
  };
}

describe('summarizeMetrics', () => {
  it('totals the window and keeps the latest second with traffic', () => {
    expect(summarizeMetrics(liveMetrics())).toEqual({
      totalRequests: 120,
      requestsPerSecond: 2,
      clientErrors: 3,
      serverErrors: 3,
      peakP95Ms: 12,
      latest: { p50_ms: 5, p95_ms: 9, p99_ms: 40 },
    });
  });

  it('says there was no traffic when every second is empty', () => {
    const idle = { window_seconds: 60, series: [second(0), second(1)], routes: [] };
    expect(summarizeMetrics(idle)).toMatchObject({ totalRequests: 0, peakP95Ms: null, latest: null });
    expect(describeMetrics(idle).latency).toBe('No requests in the last 60 s.');
  });
});

const renderMetricsPage = () =>
  renderAt('/developers/mer_1/metrics', { '/developers/:merchantId/metrics': <MetricsPage /> });

describe('MetricsPage', () => {
  it("describes each chart in words and lists the routes, asking for the merchant's own traffic", async () => {
    signInTestUser();
    const { calls } = mockFetch([
      apiRoute('get', '/v1/metrics')(() => ({ status: 200, body: liveMetrics() })),
    ]);
    renderMetricsPage();

    expect(await screen.findByText('120 requests in the last 60 s, 2 per second on average.')).toBeTruthy();
    expect(screen.getByText('Latest: p50 5.0 ms, p95 9.0 ms, p99 40.0 ms; peak p95 12.0 ms.')).toBeTruthy();
    expect(
      screen.getByText('3 client errors (4xx) and 3 server errors (5xx) in the last 60 s.'),
    ).toBeTruthy();
    expect(screen.getByRole('rowheader', { name: 'GET /v1/payments' })).toBeTruthy();
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer access-1');
    expect(calls[0]!.headers.get('sluice-merchant')).toBe('mer_1');
  });

  it('polls every 2 seconds', async () => {
    signInTestUser();
    const { calls } = mockFetch([
      apiRoute('get', '/v1/metrics')(() => ({ status: 200, body: liveMetrics() })),
    ]);
    renderMetricsPage();
    await waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(2), { timeout: 3500 });
  });

  it('shows an empty state when there was no traffic, and an error with a retry', async () => {
    signInTestUser();
    mockFetch([
      apiRoute(
        'get',
        '/v1/metrics',
      )(() => ({
        status: 200,
        body: { window_seconds: 60, series: [second(0)], routes: [] },
      })),
    ]);
    renderMetricsPage();
    expect(await screen.findByText('No traffic in the last minute')).toBeTruthy();
    cleanup();

    mockFetch([
      apiRoute(
        'get',
        '/v1/metrics',
      )(() => ({
        status: 500,
        body: apiError('internal_error', 'Metrics are unavailable', { type: 'api_error' }),
      })),
    ]);
    renderMetricsPage();
    // The server's real code (the old fixture's 'internal' was none): the dashboard's own sentence.
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Something went wrong on our side. Try again in a moment.',
    );
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});

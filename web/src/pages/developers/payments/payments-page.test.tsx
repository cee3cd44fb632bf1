import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Payment } from '../../../api/payments.ts';
import { setSession } from '../../../api/session.ts';
import { apiRoute, mockFetch, renderAt, signInTestUser } from '../../../test-support.tsx';
import { paymentsCsv } from './payments-csv.ts';
import { PaymentsPage } from './payments-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  setSession(null);
});

const payment = (id: string, overrides: Partial<Payment> = {}): Payment => ({
  id,
  object: 'payment',
  merchant: 'mer_1',
  status: 'succeeded',
  amount: 2_500,
  amount_capturable: 0,
  amount_captured: 2_500,
  amount_refunded: 0,
  currency: 'USD',
  card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034, fingerprint: 'fp' },
  capture_before: null,
  review: false,
  description: null,
  metadata: {},
  failure_code: null,
  decline_code: null,
  failure_message: null,
  canceled_at: null,
  cancellation_reason: null,
  settlement: null,
  dispute: null,
  dispute_status: null,
  display_status: 'succeeded',
  capturable: false,
  refundable_amount: 2_500,
  available_actions: ['refund', 'dispute'],
  created_at: '2026-12-01T10:00:00Z',
  updated_at: '2026-12-01T10:00:00Z',
  ...overrides,
});

function renderPage(pages: (query: URLSearchParams) => { data: Payment[]; next_cursor: string | null }) {
  signInTestUser();
  const mocked = mockFetch([
    apiRoute(
      'get',
      '/v1/payments',
    )(({ url }) => {
      const page = pages(new URL(url, 'http://x').searchParams);
      return { status: 200, body: { ...page, has_more: page.next_cursor !== null } };
    }),
  ]);
  renderAt('/developers/mer_1/payments', { '/developers/:merchantId/payments': <PaymentsPage /> });
  return mocked;
}

const queries = (calls: Array<{ url: string }>) => calls.map((c) => new URL(c.url, 'http://x').searchParams);

describe('PaymentsPage', () => {
  it('searches, filters by what happened and by sandbox day, and labels times as sandbox time', async () => {
    const { calls } = renderPage(() => ({
      data: [payment('pay_1', { display_status: 'partially_refunded', description: 'Flat white' })],
      next_cursor: null,
    }));
    const [row] = await screen.findAllByTestId('payment-row');
    expect(row!.textContent).toContain('Partially refunded');
    expect(row!.textContent).toContain('sandbox time');

    fireEvent.change(screen.getByLabelText('Search payments'), { target: { value: '25.00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'disputed' } });
    fireEvent.change(screen.getByLabelText('From (sandbox day)'), { target: { value: '2026-12-01' } });
    await waitFor(() => expect(queries(calls).at(-1)!.get('created_gte')).toBe('2026-12-01T00:00:00.000Z'));
    const last = queries(calls).at(-1)!;
    expect(last.get('q')).toBe('25.00');
    expect(last.get('display_status')).toBe('disputed');
  });

  it('exports every matching payment as CSV, page by page', async () => {
    const downloads: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (downloads.push(blob as Blob), 'blob:x'));
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const { calls } = renderPage((query) =>
      query.get('starting_after') === 'cur_1'
        ? { data: [payment('pay_2')], next_cursor: null }
        : { data: [payment('pay_1', { description: '=HYPERLINK("x"), "quoted"' })], next_cursor: 'cur_1' },
    );
    await screen.findAllByTestId('payment-row');
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    const text = await downloads[0]!.text();
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,created_at_sandbox,amount,currency,status,display_status/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('pay_1,2026-12-01T10:00:00Z,25.00,USD');
    // The payer's text is quoted and never runs as a spreadsheet formula.
    expect(lines[1]).toContain(`"'=HYPERLINK(""x""), ""quoted"""`);
    expect(queries(calls).some((q) => q.get('limit') === '100')).toBe(true);
  });

  it('writes one CSV row per payment with amounts in major units', () => {
    const csv = paymentsCsv([payment('pay_9', { amount: 1_234, amount_refunded: 34 })]);
    expect(csv.split('\r\n')[1]).toContain(
      'pay_9,2026-12-01T10:00:00Z,12.34,USD,succeeded,succeeded,25.00,0.34',
    );
  });
});

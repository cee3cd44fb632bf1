import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '../../../api/session.ts';
import {
  apiRoute,
  approvalFixture,
  attemptFixture,
  breakerConnectorFixture,
  eventFixture,
  fixture,
  intentFixture,
  invoiceFixture,
  mockFetch,
  paymentEventFixture,
  paymentFixture,
  payoutFixture,
  renderAt,
  signInTestUser,
  splitGroupFixture,
  subscriptionFixture,
  vendorFixture,
  vendorPayoutFixture,
  type Schemas,
} from '../../../test-support.tsx';
import { EventsPage } from './events-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

/** `pay_<id>`, $5.00, as its events carry it: authorized, captured, refunded in full. */
const authorized = (id: string) =>
  paymentEventFixture(
    'payment.authorized',
    paymentFixture({ id: `pay_${id}`, amount: 500, amount_capturable: 500 }),
    id,
  );
const captured = (id: string) =>
  paymentEventFixture(
    'payment.captured',
    paymentFixture({
      id: `pay_${id}`,
      status: 'succeeded',
      amount: 500,
      amount_capturable: 0,
      amount_captured: 500,
      display_status: 'succeeded',
      capturable: false,
      refundable_amount: 500,
      available_actions: ['refund', 'dispute'],
    }),
    id,
  );
const refunded = (id: string) =>
  paymentEventFixture(
    'refund.succeeded',
    fixture<'Refund'>({
      id: `re_${id}`,
      object: 'refund',
      merchant: 'mer_1',
      payment: `pay_${id}`,
      amount: 500,
      currency: 'USD',
      reason: null,
      status: 'succeeded',
      created_at: '2026-01-01T00:00:00Z',
    }),
    id,
  );

type EventPage = { data: Schemas['Event'][]; has_more: boolean; next_cursor: string | null };

/** The server's answers, by the query the page asks with. */
function answer(url: string): EventPage {
  const query = new URL(url, 'http://x').searchParams;
  const type = query.get('type');
  const after = query.get('starting_after');
  if (type === 'refund.succeeded' && !after) return { data: [], has_more: true, next_cursor: 'evt_scanned' };
  if (type === 'refund.succeeded' && after === 'evt_scanned')
    return { data: [refunded('evt_r1')], has_more: false, next_cursor: null };
  if (after === 'evt_2') return { data: [authorized('evt_1')], has_more: false, next_cursor: null };
  return {
    data: [captured('evt_3'), authorized('evt_2')],
    has_more: true,
    next_cursor: 'evt_2',
  };
}

function renderPage(respond: (url: string) => EventPage = answer) {
  signInTestUser();
  const mocked = mockFetch([
    apiRoute('get', '/v1/events')(({ url }) => ({ status: 200, body: respond(url) })),
  ]);
  renderAt('/developers/mer_1/events', { '/developers/:merchantId/events': <EventsPage /> });
  return mocked;
}

const shownIds = () =>
  screen.getAllByTestId('event').map((row) => within(row).getByText(/^evt_/).textContent!.split(' · ')[0]);
const shownRow = (id: string) => screen.getAllByTestId('event').find((row) => row.textContent?.includes(id))!;
const lastQuery = (calls: Array<{ url: string }>) => new URL(calls.at(-1)!.url, 'http://x').searchParams;

describe('EventsPage', () => {
  it('pages back through older events and returns to the live feed', async () => {
    const { calls } = renderPage();
    await waitFor(() => expect(shownIds()).toEqual(['evt_3', 'evt_2']));
    expect(screen.getByText('Live')).toBeTruthy();
    expect(calls[0]!.headers.get('sluice-merchant')).toBe('mer_1');

    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(shownIds()).toEqual(['evt_1']));
    expect(lastQuery(calls).get('starting_after')).toBe('evt_2');
    expect(screen.getByText('Older events')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(shownIds()).toEqual(['evt_3', 'evt_2']));
    expect(screen.getByText('Live')).toBeTruthy();
  });

  it('filters by type, and reads on past a page the filter found empty', async () => {
    const { calls } = renderPage();
    await waitFor(() => expect(shownIds()).toHaveLength(2));
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'refund.succeeded' } });

    expect(await screen.findByText('No refund.succeeded events on this page')).toBeTruthy();
    expect(lastQuery(calls).get('type')).toBe('refund.succeeded');
    expect(lastQuery(calls).get('starting_after')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(shownIds()).toEqual(['evt_r1']));
    expect(lastQuery(calls).get('starting_after')).toBe('evt_scanned');
    expect(lastQuery(calls).get('type')).toBe('refund.succeeded');

    // Back to all types: from the newest page again.
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: '' } });
    await waitFor(() => expect(shownIds()).toEqual(['evt_3', 'evt_2']));
    expect(lastQuery(calls).get('type')).toBeNull();
  });

  it("shows the payouts module's and the hub's events by their amount, and any other module's as sent", async () => {
    const failure = { code: 'insufficient_funds', message: 'at most 0 USD is available to pay out' };
    const hubEvent = eventFixture(
      'payment_intent.succeeded',
      { object: intentFixture({ amount: 4200, amount_captured: 4200 }) },
      'evt_pi',
    );
    const attemptFailed = eventFixture(
      'payment_intent.attempt_failed',
      {
        object: {
          id: 'pi_1',
          attempt: attemptFixture({
            status: 'failed',
            error_code: 'provider_timeout',
            provider_reference: null,
          }),
        },
      },
      'evt_pa',
    );
    // A type the dashboard does not know (one the server added since), its data not even an
    // object: shown by type and id.
    const oddEvent: Schemas['Event'] = {
      ...hubEvent,
      id: 'evt_odd',
      type: 'reader.connected',
      data: { object: 7 },
    };
    const events = [
      eventFixture('payout.paid', { object: payoutFixture({ amount: 2500 }) }, 'evt_po'),
      eventFixture(
        'payout.failed',
        { approval: 'apr_1', amount: 900, currency: 'USD', destination: 'ach', error: failure },
        'evt_pf',
      ),
      hubEvent,
      attemptFailed,
      oddEvent,
    ];
    renderPage(() => ({ data: events, has_more: false, next_cursor: null }));

    await waitFor(() => expect(shownIds()).toEqual(['evt_po', 'evt_pf', 'evt_pi', 'evt_pa', 'evt_odd']));
    expect(shownRow('evt_po').textContent).toContain('$25.00');
    expect(shownRow('evt_pi').textContent).toContain('$42.00');
    expect(shownRow('evt_odd').textContent).toContain('reader.connected');
    // Neither is about a sandbox payment: no payment link.
    expect(within(shownRow('evt_po')).getAllByRole('link')).toHaveLength(1);
    expect(within(shownRow('evt_odd')).getAllByRole('link')).toHaveLength(1);
    // The hub's intents are not sandbox payments either; a failed attempt shows no amount.
    expect(within(shownRow('evt_pi')).getAllByRole('link')).toHaveLength(1);
    expect(within(shownRow('evt_pa')).getAllByRole('link')).toHaveLength(1);
    expect(shownRow('evt_pa').textContent).toContain('payment_intent.attempt_failed');
    expect(shownRow('evt_pa').textContent).not.toContain('$');
  });

  it("lists billing's invoice, subscription and test clock events, with no amount and no payment link", async () => {
    const at = '2026-02-15T12:00:00.000Z';
    const clock = {
      object: 'test_clock',
      id: 'clk_1',
      status: 'ready',
      frozen_time: at,
      target_time: at,
      invoices_finalized: 1,
      charges_succeeded: 1,
      charges_failed: 0,
      subscriptions_canceled: 0,
      batches: 1,
      started_at: at,
      completed_at: at,
    } as const;
    const events = [
      eventFixture('invoice.paid', { object: invoiceFixture(), sandbox_time: at }, 'evt_in'),
      eventFixture(
        'subscription.canceled',
        {
          object: subscriptionFixture({ status: 'canceled', canceled_at: at, ended_at: at }),
          sandbox_time: at,
          proration_credit: 0,
        },
        'evt_sub',
      ),
      eventFixture('test_clock.ready', { object: clock, sandbox_time: at }, 'evt_clk'),
    ];
    renderPage(() => ({ data: events, has_more: false, next_cursor: null }));

    await waitFor(() => expect(shownIds()).toEqual(['evt_in', 'evt_sub', 'evt_clk']));
    for (const [id, type] of [
      ['evt_in', 'invoice.paid'],
      ['evt_sub', 'subscription.canceled'],
      ['evt_clk', 'test_clock.ready'],
    ] as const) {
      expect(shownRow(id).textContent).toContain(type);
      expect(shownRow(id).textContent).not.toContain('$');
      expect(within(shownRow(id)).getAllByRole('link')).toHaveLength(1);
    }
  });

  it("lists the hub's connector and vendor events and approvals', by amount where they have one, with no payment link", async () => {
    const executed = approvalFixture({
      status: 'executed',
      approvals: 2,
      result: { payout: 'po_1' },
    });
    const connectorChange = approvalFixture({
      id: 'apr_2',
      action: 'connector_change',
      amount: null,
      currency: null,
      params: { op: 'delete', connector: 'mca_1', executor: 'connector_change' },
      summary: 'Remove connector mca_1',
    });
    const events = [
      eventFixture('connector.circuit_opened', { object: breakerConnectorFixture() }, 'evt_co'),
      eventFixture('vendor.created', { object: vendorFixture() }, 'evt_vc'),
      eventFixture(
        'vendor.split_reversed',
        {
          object: splitGroupFixture({
            lines: [{ vendor: 'ven_1', amount: 700, reversed: 700, shortfall: 0 }],
          }),
        },
        'evt_vs',
      ),
      eventFixture('vendor.payout.paid', { object: vendorPayoutFixture({ amount: 500 }) }, 'evt_vp'),
      eventFixture('approval.executed', { object: executed }, 'evt_ax'),
      eventFixture('approval.requested', { object: connectorChange }, 'evt_ar'),
    ];
    renderPage(() => ({ data: events, has_more: false, next_cursor: null }));

    await waitFor(() =>
      expect(shownIds()).toEqual(['evt_co', 'evt_vc', 'evt_vs', 'evt_vp', 'evt_ax', 'evt_ar']),
    );
    expect(shownRow('evt_vp').textContent).toContain('$5.00');
    expect(shownRow('evt_ax').textContent).toContain('$900.00');
    for (const [id, type] of [
      ['evt_co', 'connector.circuit_opened'],
      ['evt_vc', 'vendor.created'],
      ['evt_vs', 'vendor.split_reversed'],
      ['evt_ar', 'approval.requested'],
    ] as const) {
      expect(shownRow(id).textContent).toContain(type);
      // A breaker event names no amount, a vendor's are its balances, a split group's its shares,
      // and a connector change asks with none.
      expect(shownRow(id).textContent).not.toContain('$');
    }
    // None is about a sandbox payment (a split group's id is its hub intent's): no payment link.
    for (const id of ['evt_co', 'evt_vc', 'evt_vs', 'evt_vp', 'evt_ax', 'evt_ar'])
      expect(within(shownRow(id)).getAllByRole('link')).toHaveLength(1);
  });
});

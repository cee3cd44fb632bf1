import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '../../api/session.ts';
import { forgetPeople, rememberPeople } from '../../lib/contacts.ts';
import {
  apiError,
  apiRoute,
  mockFetch,
  signInTestUser,
  withQueryClient,
  type Route,
  type Schemas,
} from '../../test-support.tsx';
import { SendMoneyForm } from './send-money-form.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
  forgetPeople();
});

const walletRoute = apiRoute(
  'get',
  '/v1/wallet',
)(() => ({
  status: 200,
  body: { balances: [{ currency: 'USD', available: 2000, pending: 0, posted: 2000 }] },
}));

/** The recipient check: Bob Lee is bob@example.com; anyone else is unknown. */
const checkRoute = apiRoute(
  'post',
  '/v1/wallet/recipient-check',
)(({ body }) =>
  String((body as { to: string }).to).toLowerCase() === 'bob@example.com'
    ? { status: 200 as const, body: { name: 'Bob Lee', email: 'bob@example.com' } }
    : {
        status: 404 as const,
        body: apiError('not_found', 'no user', { type: 'not_found_error', param: 'to' }),
      },
);

function renderForm(routes: Route[] = []) {
  signInTestUser();
  const mocked = mockFetch([walletRoute, checkRoute, ...routes]);
  const { wrapper: Wrapper } = withQueryClient();
  const onSent = vi.fn();
  render(
    <Wrapper>
      <SendMoneyForm onSent={onSent} />
    </Wrapper>,
  );
  const fill = (label: RegExp, value: string) =>
    fireEvent.change(screen.getByLabelText(label), { target: { value } });
  return {
    ...mocked,
    onSent,
    fill,
    review: () => fireEvent.click(screen.getByRole('button', { name: 'Review' })),
  };
}

describe('SendMoneyForm', () => {
  it('names every missing field and does not call the API', async () => {
    const { review, calls } = renderForm();
    review();
    expect(await screen.findByText('Enter an email address')).toBeTruthy();
    expect(screen.getByText('Enter an amount')).toBeTruthy();
    expect(screen.getByLabelText(/Recipient email/).getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText(/Recipient email/));
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('refuses sub-cent amounts, yourself, and more than the balance', async () => {
    const { fill, review } = renderForm();
    await waitFor(() => expect(screen.getByLabelText(/Recipient email/)).toBeTruthy());
    fill(/Recipient email/, 'alice@example.com');
    fill(/Amount/, '0.001');
    review();
    expect(await screen.findByText('USD amounts have at most 2 decimals')).toBeTruthy();
    expect(screen.getByText("You can't send money to yourself")).toBeTruthy();

    fill(/Recipient email/, 'bob@example.com');
    fill(/Amount/, '20.01');
    // The balance arrives asynchronously; once it has, the form checks against it.
    await waitFor(() => {
      review();
      expect(screen.getByText('You have $20.00 available')).toBeTruthy();
    });
  });

  it('confirms, then posts the exact minor units once with an Idempotency-Key', async () => {
    const { fill, review, calls, onSent } = renderForm([
      apiRoute(
        'post',
        '/v1/transfers',
      )(({ body }) => {
        const sent = body as Schemas['SendMoney'];
        return {
          status: 201,
          body: {
            id: 'tr_1',
            from: 'usr_alice',
            to: 'usr_bob',
            from_user: { id: 'usr_alice', name: 'Alice', email: 'alice@example.com' },
            to_user: { id: 'usr_bob', name: 'Bob Lee', email: 'bob@example.com' },
            amount: sent.amount,
            currency: sent.currency,
            note: sent.note ?? null,
            status: 'succeeded',
            created_at: '2026-01-01T00:00:00Z',
          },
        };
      }),
    ]);
    fill(/Recipient email/, ' bob@example.com ');
    fill(/Amount/, '12.3');
    fill(/Note/, 'Lunch');
    review();
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Send $12.30 to Bob Lee (bob@example.com) for “Lunch”?');
    fireEvent.click(screen.getByRole('button', { name: 'Send $12.30' }));
    await waitFor(() => expect(onSent).toHaveBeenCalledOnce());
    const posts = calls.filter((c) => c.method === 'POST' && c.url === '/v1/transfers');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toEqual({ to: 'bob@example.com', amount: 1230, currency: 'USD', note: 'Lunch' });
    expect(posts[0]!.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names the recipient in the confirmation, as the recipient check answers', async () => {
    rememberPeople([{ id: 'usr_bob', name: 'Robert', email: 'bob@example.com' }]);
    const { fill, review, calls } = renderForm();
    fill(/Recipient email/, 'Bob@Example.com');
    fill(/Amount/, '5');
    review();
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Send $5.00 to Bob Lee (Bob@Example.com)?');
    expect(calls.filter((c) => c.url === '/v1/wallet/recipient-check').map((c) => c.body)).toEqual([
      { to: 'Bob@Example.com' },
    ]);
  });

  it('refuses an unknown recipient before the confirm step, on the email field', async () => {
    const { fill, review, calls } = renderForm();
    fill(/Recipient email/, 'nobody@example.com');
    fill(/Amount/, '1');
    review();
    expect(
      await screen.findByText(
        'Nobody with that email uses Sluice. Check the spelling, or ask them to sign up first.',
      ),
    ).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.some((c) => c.url === '/v1/transfers' && c.method === 'POST')).toBe(false);
  });

  it('puts a server error on the field its param names', async () => {
    const { fill, review } = renderForm([
      // A real code the dashboard has no sentence for (recipient_not_found was one the server
      // never sends: the typed fixture now refuses it).
      apiRoute(
        'post',
        '/v1/transfers',
      )(() => ({
        status: 409,
        body: apiError('conflict', 'no such user', { type: 'conflict_error', param: 'to' }),
      })),
    ]);
    fill(/Recipient email/, 'bob@example.com');
    fill(/Amount/, '1');
    review();
    fireEvent.click(await screen.findByRole('button', { name: 'Send $1.00' }));
    // A code the dashboard has no sentence for shows the server's message, as a sentence.
    expect(await screen.findByText('No such user.')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '../../../api/session.ts';
import {
  apiError,
  apiRoute,
  mockFetch,
  paymentFixture,
  signInTestUser,
  withQueryClient,
  type ApiAnswer,
  type Route,
} from '../../../test-support.tsx';
import { TestPaymentForm, validateTestPayment } from './test-payment-form.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const payment = paymentFixture();

function renderForm(routes: Route[] = []) {
  signInTestUser();
  const mocked = mockFetch(routes);
  const { wrapper: Wrapper } = withQueryClient();
  render(
    <MemoryRouter>
      <Wrapper>
        <TestPaymentForm merchantId="mer_1" />
      </Wrapper>
    </MemoryRouter>,
  );
  const fill = (label: RegExp, value: string) =>
    fireEvent.change(screen.getByLabelText(label), { target: { value } });
  return { ...mocked, fill, pay: () => fireEvent.click(screen.getByRole('button', { name: 'Pay' })) };
}

describe('validateTestPayment', () => {
  const now = new Date('2026-11-22T00:00:00Z');
  const good = {
    amount: '12.50',
    currency: 'USD',
    capture: false,
    number: '4242 4242 4242 4242',
    expiry: '12/34',
    cvc: '123',
  };

  it('turns the decimal amount into minor units and the expiry into month and year', () => {
    expect(validateTestPayment(good, now)).toEqual({
      ok: true,
      input: {
        amount: 1250,
        currency: 'USD',
        capture: false,
        card: { number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123' },
      },
    });
    expect(validateTestPayment({ ...good, amount: '1,000', currency: 'JPY' }, now)).toMatchObject({
      ok: true,
      input: { amount: 1000 },
    });
  });

  it('names each bad field', () => {
    expect(
      validateTestPayment(
        { ...good, amount: '0.001', number: '4242424242424241', expiry: '13/30', cvc: '12' },
        now,
      ),
    ).toEqual({
      ok: false,
      errors: {
        amount: 'USD amounts have at most 2 decimals',
        number: 'That card number is not valid (check digit)',
        expiry: 'The month is 01 to 12',
        cvc: 'The CVC is 3 or 4 digits',
      },
    });
    expect(validateTestPayment({ ...good, expiry: '10/26' }, now)).toMatchObject({
      ok: false,
      errors: { expiry: 'This card has expired' },
    });
    expect(validateTestPayment({ ...good, number: '42' }, now)).toMatchObject({
      ok: false,
      errors: { number: 'A card number is 12 to 19 digits' },
    });
  });
});

describe('TestPaymentForm', () => {
  it('shows every error on its field and calls nothing', async () => {
    const { pay, calls } = renderForm();
    pay();
    expect(await screen.findByText('Enter an amount')).toBeTruthy();
    expect(screen.getByText('Enter a card number, or pick a test card below')).toBeTruthy();
    expect(screen.getByLabelText('Card number').getAttribute('aria-invalid')).toBe('true');
    expect(calls).toHaveLength(0);
  });

  it('fills the number from the test card table and posts minor units as the merchant', async () => {
    const { fill, pay, calls } = renderForm([
      apiRoute('post', '/v1/payments')(() => ({ status: 201, body: payment })),
    ]);
    fill(/Amount/, '12.50');
    fireEvent.click(screen.getByRole('button', { name: /Use Success card/ }));
    expect((screen.getByLabelText('Card number') as HTMLInputElement).value).toBe('4242 4242 4242 4242');
    fireEvent.click(screen.getByLabelText('Capture immediately'));
    pay();
    // The status in words, and what it means, not the raw `requires_capture`.
    expect(await screen.findByText('Requires capture')).toBeTruthy();
    expect(screen.getByText(/Authorized: the money is held on the card/)).toBeTruthy();
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({
      amount: 1250,
      currency: 'USD',
      capture: false,
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123' },
    });
    expect(post.headers.get('sluice-merchant')).toBe('mer_1');
    expect(post.headers.get('idempotency-key')).toBeTruthy();
  });

  it('shows a decline with its decline code, and a server param error on its field', async () => {
    let answer: ApiAnswer<'/v1/payments', 'post'> = {
      status: 402,
      body: {
        error: {
          type: 'card_error',
          code: 'card_declined',
          message: 'The card has insufficient funds.',
          decline_code: 'insufficient_funds',
          payment_id: 'pay_9',
        },
      },
    };
    const { fill, pay } = renderForm([apiRoute('post', '/v1/payments')(() => answer)]);
    fill(/Amount/, '5');
    fireEvent.click(screen.getByRole('button', { name: /Use Insufficient funds card/ }));
    pay();
    expect(await screen.findByText('insufficient_funds')).toBeTruthy();
    expect(screen.getByText('Declined')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'View payment pay_9' })).toBeTruthy();

    answer = {
      status: 400,
      body: apiError('invalid_card', 'card.exp_year: the card has expired', { param: 'card.exp_year' }),
    };
    fill(/Amount/, '6');
    pay();
    await waitFor(() =>
      expect(
        screen.getByText(
          'That expiry date is not valid. Use a month from 1 to 12 and a year not in the past.',
        ),
      ).toBeTruthy(),
    );
    expect(screen.getByLabelText(/Expiry/).getAttribute('aria-invalid')).toBe('true');
  });

  it('sends a description and the filled metadata rows, and refuses a value without a key', async () => {
    const { fill, pay, calls } = renderForm([
      apiRoute('post', '/v1/payments')(() => ({ status: 201, body: payment })),
    ]);
    fill(/Amount/, '3');
    fireEvent.click(screen.getByRole('button', { name: /Use Success card/ }));
    fill(/Description/, '  Order #6735 ');
    fill(/Metadata value 1/, 'orphan');
    pay();
    expect(await screen.findByText('Give every metadata value a key')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    fill(/Metadata key 1/, 'order_id');
    fill(/Metadata value 1/, '6735');
    fireEvent.click(screen.getByRole('button', { name: 'Add metadata' }));
    fill(/Metadata key 2/, 'channel');
    fill(/Metadata value 2/, 'web');
    pay();
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({
      amount: 300,
      description: 'Order #6735',
      metadata: { order_id: '6735', channel: 'web' },
    });
  });
});

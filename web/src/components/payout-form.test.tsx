import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { PayoutForm } from './payout-form.tsx';

afterEach(cleanup);

type Sent = { body: { amount: number; currency: string }; idempotencyKey: string };

/**
 * The form as a page uses it, with `send` answering from `answers` in turn (an Error is a refused
 * request, held as the page's mutation would hold it).
 */
function Harness({
  answers,
  sent,
  cleared,
}: {
  answers: Array<{ object: string } | Error>;
  sent: Sent[];
  cleared: string[];
}) {
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  return (
    <PayoutForm
      currency="EUR"
      submitLabel="Pay out"
      body={(amount) => ({ amount, currency: 'EUR' })}
      send={async (request) => {
        sent.push(request);
        setError(null);
        setPending(true);
        const answer = answers.shift() ?? new Error('no answer left');
        setPending(false);
        if (answer instanceof Error) {
          setError(answer);
          throw answer;
        }
        return answer;
      }}
      pending={pending}
      error={error}
      onSent={() => cleared.push('sent')}
    >
      <span>page fields</span>
    </PayoutForm>
  );
}

const amountField = () => screen.getByLabelText('Amount (EUR)') as HTMLInputElement;
const submit = () => fireEvent.click(screen.getByRole('button', { name: 'Pay out' }));

describe('PayoutForm', () => {
  it('refuses an amount it cannot read without sending, in the currency it is labelled with', () => {
    const sent: Sent[] = [];
    render(<Harness answers={[]} sent={sent} cleared={[]} />);
    expect(screen.getByRole('form', { name: 'New payout' })).toBeTruthy();
    expect(screen.getByText('page fields')).toBeTruthy();
    fireEvent.change(amountField(), { target: { value: '-5' } });
    submit();
    expect(screen.getByText('Enter a positive amount without a sign')).toBeTruthy();
    expect(amountField().getAttribute('aria-invalid')).toBe('true');
    expect(sent).toEqual([]);
  });

  it('retries a refused payout under the same key, and takes a new key after one is made', async () => {
    const sent: Sent[] = [];
    const cleared: string[] = [];
    render(
      <Harness
        answers={[
          new Error('The balance is too low for this amount.'),
          { object: 'payout' },
          { object: 'payout' },
        ]}
        sent={sent}
        cleared={cleared}
      />,
    );
    fireEvent.change(amountField(), { target: { value: '12.50' } });
    submit();
    expect((await screen.findByRole('alert')).textContent).toBe('The balance is too low for this amount.');
    expect(cleared).toEqual([]);
    submit();
    await screen.findByText('Paid out.');
    expect(amountField().value).toBe('');
    expect(cleared).toEqual(['sent']);
    expect(screen.queryByText('The balance is too low for this amount.')).toBeNull();
    fireEvent.change(amountField(), { target: { value: '12.50' } });
    submit();
    await waitFor(() => expect(sent).toHaveLength(3));
    expect(sent.map((request) => request.body)).toEqual([
      { amount: 1250, currency: 'EUR' },
      { amount: 1250, currency: 'EUR' },
      { amount: 1250, currency: 'EUR' },
    ]);
    expect(sent[1]!.idempotencyKey).toBe(sent[0]!.idempotencyKey);
    expect(sent[2]!.idempotencyKey).not.toBe(sent[1]!.idempotencyKey);
  });

  it('says when the payout waits for approval instead', async () => {
    render(<Harness answers={[{ object: 'approval_request' }]} sent={[]} cleared={[]} />);
    fireEvent.change(amountField(), { target: { value: '300' } });
    submit();
    expect((await screen.findByRole('status')).textContent).toBe(
      'The payout waits for approval: see the approval inbox.',
    );
  });
});
